import type { ErrorLabel } from '../types.ts';

/** Thrown into a request by us (timeout, run abort) so the record gets our label. */
export class LabelledAbort extends Error {
  constructor(
    readonly label: ErrorLabel,
    message: string,
  ) {
    super(message);
    this.name = 'LabelledAbort';
  }
}

const CODE_LABELS: Record<string, ErrorLabel> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ERR_STREAM_PREMATURE_CLOSE: 'connection_reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
};

/** Map a transport error (undici, socket) to a stable label. */
export function classifyError(err: unknown): ErrorLabel {
  if (err instanceof LabelledAbort) return err.label;
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in CODE_LABELS) return CODE_LABELS[code] ?? 'other';
    e = (e as { cause?: unknown }).cause;
  }
  return 'other';
}

/** Label for a non-2xx HTTP status. */
export function statusLabel(status: number): ErrorLabel {
  if (status === 429) return 'http_429';
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500 && status < 600) return 'http_5xx';
  return 'other';
}

/** Short description of an error for a record (no stack). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`;
  }
  return String(err);
}
