/**
 * A warning while the run goes on, not only in summary.txt afterwards: every interval the share
 * of requests that finished failed in that interval is checked, and past 10 % (with at least a
 * handful of requests) one line says so, with the most frequent label and an example message.
 * The hot path only counts; the check runs on a timer.
 */
import type { RequestRecord } from '../../engine/types.ts';
import type { Logger } from '../../util/logger.ts';

export const FAILURE_WARN_SHARE = 0.1;
export const FAILURE_WATCH_INTERVAL_MS = 2000;
/** Fewer finished requests in an interval say too little to warn about. */
const MIN_REQUESTS = 5;

export interface FailureWatch {
  record(rec: RequestRecord): void;
  /** Check the last (partial) interval and stop the timer. */
  stop(): void;
}

export function failureWatch(log: Logger, label: (r: RequestRecord) => string, intervalMs = FAILURE_WATCH_INTERVAL_MS): FailureWatch {
  let done = 0;
  let failed = 0;
  let labels = new Map<string, { n: number; example: string }>();
  const check = (): void => {
    if (done >= MIN_REQUESTS && failed / done > FAILURE_WARN_SHARE) {
      const [top, info] = [...labels.entries()].sort((a, b) => b[1].n - a[1].n)[0]!;
      log.warn(`${failed} of the last ${done} requests failed (${((100 * failed) / done).toFixed(0)} %), mostly ${top} (${info.n}), e.g. "${info.example}"`);
    }
    done = 0;
    failed = 0;
    labels = new Map();
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    record(rec) {
      done++;
      if (!rec.error) return;
      failed++;
      const l = label(rec);
      const e = labels.get(l);
      if (e) e.n++;
      else labels.set(l, { n: 1, example: rec.error.message.split('\n')[0]!.slice(0, 160) });
    },
    stop() {
      clearInterval(timer);
    },
  };
}
