import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

export interface ConcurrentStage {
  /** Requests kept in flight. */
  concurrency_level: number;
  /** Stop after this many requests. */
  num_requests?: number;
  /** …or after this many seconds (guidellm/fmperf style); at least one of the two. */
  duration?: number;
}

/**
 * Closed loop (inference-perf `concurrent`): keep `concurrency_level` requests
 * in flight until `num_requests` have completed (or `duration` has passed).
 */
export const concurrentSchedule: SchedulePlugin<ConcurrentStage> = {
  kind: 'concurrent',
  description: 'closed loop: concurrency_level requests in flight until num_requests are done',
  validate(stage: unknown, at: KeyPath = []) {
    const c = new Checker(at);
    const o = c.object(stage, []);
    if (!o) {
      if (stage == null) c.error([], 'stage is empty: give concurrency_level and num_requests');
      return c.issues;
    }
    c.number(o, 'concurrency_level', { int: true, gt: 0, required: true });
    c.number(o, 'num_requests', { int: true, gt: 0 });
    c.number(o, 'duration', { gt: 0 });
    if (o.num_requests == null && o.duration == null) c.error(['num_requests'], 'is required (or give duration)');
    for (const k of ['rate']) if (o[k] != null) c.error([k], 'not allowed in a concurrent stage', 'use load.type: constant or poisson for a rate');
    c.unknownKeys(o, ['concurrency_level', 'num_requests', 'duration', 'rate']);
    return c.issues;
  },
  plan(s, index): StagePlan {
    return {
      kind: 'closed',
      stage: index,
      concurrency: s.concurrency_level,
      ...(s.num_requests !== undefined ? { maxRequests: s.num_requests } : {}),
      ...(s.duration !== undefined ? { durationMs: s.duration * 1000 } : {}),
    };
  },
};
