import { availableParallelism } from 'node:os';
import { LlmdbenchError } from '../../util/errors.ts';
import type { StagePlan } from '../types.ts';
import type { RunLoadOptions } from './types.ts';

/** Resolve `workers` to a thread count (0 = this thread). */
export function resolveWorkers(w: RunLoadOptions['workers'], stages: StagePlan[]): number {
  if (w === undefined) return 0;
  if (w !== 'auto') return Math.max(0, Math.floor(w));
  let conc = 0;
  let rate = 0;
  for (const s of stages) {
    if (s.kind === 'closed') conc = Math.max(conc, s.concurrency);
    else rate = Math.max(rate, s.requestedRate);
  }
  const heavy = conc > 2000 || rate > 1000;
  return heavy ? Math.max(1, Math.min(availableParallelism() - 1, 8)) : 0;
}

/** Reject a malformed plan before anything is sent, listing every problem. */
export function validatePlan(opts: RunLoadOptions): void {
  const problems: string[] = [];
  opts.stages.forEach((s, i) => {
    if (s.kind === 'closed') {
      if (!(s.concurrency >= 1)) problems.push(`stages[${i}].concurrency must be >= 1`);
      if (s.maxRequests === undefined && s.durationMs === undefined) problems.push(`stages[${i}] (closed) needs maxRequests or durationMs`);
    } else if (!s.arrivals) {
      // offsets given in memory are checked here; a schedule's lazy arrivals as they are drawn
      for (let k = 1; k < s.offsetsMs.length; k++) {
        if (!(s.offsetsMs[k]! >= s.offsetsMs[k - 1]!)) {
          problems.push(`stages[${i}].offsetsMs must be ascending (index ${k})`);
          break;
        }
      }
    }
  });
  if (problems.length > 0) {
    throw new LlmdbenchError('E_LOAD_PLAN', 'invalid load plan', { kind: 'internal', details: problems });
  }
}
