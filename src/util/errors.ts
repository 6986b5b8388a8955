/**
 * Coded errors. Every user-facing failure is an LlmdbenchError with a stable
 * `code`, a message written for the user, an optional hint (how to fix it) and
 * an optional location (file, line, key path). Exit codes are mapped from the
 * error's `kind` in src/cli only.
 */

export type ErrorKind =
  /** Bad input from the user: flag, profile, override, scenario, experiment file. */
  | 'usage'
  /** The environment is not as needed: missing file, port in use, no cluster. */
  | 'environment'
  /** The benchmark was interrupted (Ctrl-C / SIGTERM). */
  | 'aborted'
  /** A bug in llmdbench itself. */
  | 'internal';

export interface SourceLocation {
  file?: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Key path inside a document, e.g. `load.stages[0].rate`. */
  keyPath?: string;
}

export interface ErrorOptions {
  hint?: string;
  location?: SourceLocation;
  kind?: ErrorKind;
  cause?: unknown;
  /** Further problems found in the same pass (report all at once). */
  details?: string[];
}

export class LlmdbenchError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly kind: ErrorKind;
  readonly details: string[];

  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LlmdbenchError';
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location;
    this.kind = opts.kind ?? 'usage';
    this.details = opts.details ?? [];
  }
}

/** `file:line:col (at key.path)`, omitting what is unknown. */
export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file ?? '';
  if (loc.line !== undefined) s += `${s ? ':' : 'line '}${loc.line}`;
  if (loc.column !== undefined && loc.line !== undefined) s += `:${loc.column}`;
  if (loc.keyPath) s += `${s ? ' ' : ''}(at ${loc.keyPath})`;
  return s;
}

/** Render an error for the terminal: `error[CODE] where: message`, details, hint. */
export function formatError(err: LlmdbenchError): string {
  const where = formatLocation(err.location);
  const lines = [`error[${err.code}]${where ? ` ${where}` : ''}: ${err.message}`];
  for (const d of err.details) lines.push(`  - ${d}`);
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  return lines.join('\n');
}

export function isLlmdbenchError(e: unknown): e is LlmdbenchError {
  return e instanceof LlmdbenchError;
}
