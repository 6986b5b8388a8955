import type { Rng } from '../../util/rng.ts';
import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import { lazyArrivals, openPlan } from './arrivals.ts';
import { rescaledExponentialArrivals, stageCount } from './open.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

export interface RateStage {
  /** Requests per second, > 0. */
  rate: number;
  /** Seconds, > 0. */
  duration: number;
}

/** Shared validation of {rate, duration} stages (constant, poisson, even). */
export function checkRateStage(stage: unknown, at: KeyPath, kind: string) {
  const c = new Checker(at);
  const o = c.object(stage, []);
  if (!o) {
    if (stage == null) c.error([], 'stage is empty: give rate and duration');
    return c.issues;
  }
  c.number(o, 'rate', { gt: 0, required: true });
  c.number(o, 'duration', { gt: 0, required: true });
  for (const k of ['num_requests', 'concurrency_level']) {
    if (o[k] != null) c.error([k], `not allowed in a ${kind} stage (only in concurrent stages)`, 'use load.type: concurrent');
  }
  c.unknownKeys(o, ['rate', 'duration', 'num_requests', 'concurrency_level']);
  if (typeof o.rate === 'number' && typeof o.duration === 'number' && stageCount(o.rate, o.duration) === 0) {
    c.warn([], `rate × duration = ${o.rate * o.duration} < 1: the stage sends no request`);
  }
  return c.issues;
}

/**
 * inference-perf's `constant`: N = int(rate × duration) arrivals, exponential
 * gaps rescaled to sum to exactly `duration` (Poisson-like spacing, exact count
 * and span; the last request lands at the end of the stage).
 */
export const constantSchedule: SchedulePlugin<RateStage> = {
  kind: 'constant',
  description: 'N = int(rate × duration) arrivals, exponential gaps rescaled to sum exactly to duration (inference-perf)',
  validate: (s, at = []) => checkRateStage(s, at, 'constant'),
  plan(s, index, rng: Rng): StagePlan {
    const n = stageCount(s.rate, s.duration);
    const durationMs = s.duration * 1000;
    return openPlan({ stage: index, arrivals: rescaledExponentialArrivals(n, durationMs, rng), requestedRate: s.rate, durationMs });
  },
};

/** Evenly spaced: N = int(rate × duration) arrivals at i / rate (first at 0). */
export const evenSchedule: SchedulePlugin<RateStage> = {
  kind: 'even',
  description: 'N = int(rate × duration) arrivals evenly spaced 1/rate apart, the first at 0',
  validate: (s, at = []) => checkRateStage(s, at, 'even'),
  plan(s, index): StagePlan {
    const n = stageCount(s.rate, s.duration);
    const arrivals = lazyArrivals({ rule: 'even', n, rate: s.rate }, n, () => {
      let i = 0;
      return { next: () => (i < n ? { done: false, value: (i++ * 1000) / s.rate } : { done: true, value: undefined }) };
    });
    return openPlan({ stage: index, arrivals, requestedRate: s.rate, durationMs: s.duration * 1000 });
  },
};
