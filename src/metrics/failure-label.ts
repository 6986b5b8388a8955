/**
 * The failure label of a failed request ("<code> - <label>" for HTTP errors, else a class
 * name), as inference-perf words it. Harness-neutral: the analysis step counts failures by
 * label for every harness, and inference-perf's native files use the same words.
 */
import type { RequestRecord } from '../engine/types.ts';

/** inference-perf's failure label: "<code> - <label>" for HTTP errors, else a class name. */
export function failureLabel(r: RequestRecord): string {
  const codeLabels: Record<number, string> = {
    429: 'Rate Limit',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  const msg = r.error?.message ?? '';
  if (r.httpStatus !== undefined && r.httpStatus !== 200) {
    let label = codeLabels[r.httpStatus];
    if (!label) {
      if (/context|maximum.*length|too long/i.test(msg)) label = 'Context Window';
      else if (/json/i.test(msg)) label = 'Invalid JSON';
      else if (/timeout|timed out/i.test(msg)) label = 'Timeout';
      else if (/model.*not.*found|does not exist/i.test(msg)) label = 'Model Not Found';
      else label = 'other';
    }
    return `${r.httpStatus} - ${label}`;
  }
  switch (r.error?.label) {
    case 'timeout':
      return 'Timeout';
    case 'connection_refused':
    case 'connection_reset':
      return 'Connection Error';
    case 'malformed_sse':
    case 'malformed_json':
      return 'Invalid JSON';
    case 'aborted':
      return 'cancellederror';
    default:
      return 'other';
  }
}
