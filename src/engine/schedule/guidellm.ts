/**
 * GuideLLM's open-loop arrival rules (harness-formats.md §3.2), pure and seeded, bounded by a
 * duration (arrivals strictly before it) and/or a request count (GuideLLM's max_duration /
 * max_requests). Offsets start at 0 = the first request: GuideLLM starts its duration clock at
 * the first request's start, so its `start + 1/rate` first arrival is our 0.
 *  - `evenly-spaced` (GuideLLM constant/async): request k at k/rate; with a ramp-up R the rate
 *    grows linearly from 0: n_r = rate·R/2, request k ≤ n_r at sqrt(2·k·R/rate), later ones at
 *    R + (k − n_r)/rate.
 *  - `exponential` (GuideLLM poisson): exponential gaps of mean 1/rate, accumulated.
 * A stage with `duration` is a hard deadline (in-flight requests are cancelled at it).
 */
import type { Rng } from '../../util/rng.ts';
import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import { countOf, lastOf, lazyArrivals, openPlan } from './arrivals.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

export interface BoundedRateStage {
  /** Requests per second, > 0. */
  rate: number;
  /** Seconds: arrivals strictly before it; in-flight requests are cancelled when it passes. */
  duration?: number;
  /** At most this many requests. */
  count?: number;
  /** Ramp-up seconds (evenly-spaced only). */
  rampup?: number;
}

/** More arrivals than this in one stage is a mistake (and a memory hazard). */
const MAX_ARRIVALS = 5_000_000;

function check(stage: unknown, at: KeyPath) {
  const c = new Checker(at);
  const o = c.object(stage, []);
  if (!o) return c.issues;
  c.number(o, 'rate', { gt: 0, required: true });
  c.number(o, 'duration', { gt: 0 });
  c.number(o, 'count', { int: true, gt: 0 });
  c.number(o, 'rampup', { min: 0 });
  if (o.duration == null && o.count == null) c.error(['duration'], 'give duration or count (an unbounded stage never ends)');
  c.unknownKeys(o, ['rate', 'duration', 'count', 'rampup']);
  if (typeof o.rate === 'number' && typeof o.duration === 'number' && o.count == null && o.rate * o.duration > MAX_ARRIVALS) {
    c.error(['rate'], `rate × duration = ${o.rate * o.duration} arrivals is more than ${MAX_ARRIVALS}`);
  }
  return c.issues;
}

/**
 * The arrivals `next` gives (a fresh generator per iterator), kept while below the duration and
 * the count. The count with a duration is known only by drawing: one pass, on first read.
 */
function bounded(s: BoundedRateStage, index: number, source: Record<string, unknown>, makeNext: () => (k: number) => number): StagePlan {
  const limitMs = s.duration !== undefined ? s.duration * 1000 : Infinity;
  const maxN = Math.min(s.count ?? MAX_ARRIVALS, MAX_ARRIVALS);
  const iterate = (): Iterator<number> => {
    const next = makeNext();
    let k = 0;
    let over = false;
    return {
      next(): IteratorResult<number> {
        if (over || k >= maxN) return { done: true, value: undefined };
        const t = next(k++);
        if (!(t < limitMs)) {
          over = true;
          return { done: true, value: undefined };
        }
        return { done: false, value: t };
      },
    };
  };
  const arrivals = lazyArrivals({ ...source, stage: { ...s } }, s.duration === undefined ? maxN : () => countOf(iterate()), iterate);
  const durationMs = s.duration !== undefined ? s.duration * 1000 : (lastOf(iterate()) ?? 0);
  return openPlan({ stage: index, arrivals, requestedRate: s.rate, durationMs, ...(s.duration !== undefined ? { hardDeadline: true } : {}) });
}

/** Request k's offset (ms) under GuideLLM's constant rule with ramp-up. */
export function evenOffsetMs(k: number, rate: number, rampupS = 0): number {
  if (k === 0) return 0;
  if (rampupS <= 0) return (k * 1000) / rate;
  const nr = (rate * rampupS) / 2;
  return k <= nr ? Math.sqrt((2 * k * rampupS) / rate) * 1000 : (rampupS + (k - nr) / rate) * 1000;
}

export const evenlySpacedSchedule: SchedulePlugin<BoundedRateStage> = {
  kind: 'evenly-spaced',
  description: 'GuideLLM constant: request k at k/rate (linear ramp-up optional), bounded by duration and/or count',
  validate: (s, at = []) => check(s, at),
  plan: (s, index) => bounded(s, index, { rule: 'evenly-spaced' }, () => (k) => evenOffsetMs(k, s.rate, s.rampup ?? 0)),
};

export const exponentialSchedule: SchedulePlugin<BoundedRateStage> = {
  kind: 'exponential',
  description: 'GuideLLM poisson: exponential gaps of mean 1/rate from the first request, bounded by duration and/or count',
  validate: (s, at = []) => check(s, at),
  plan(s, index, rng: Rng) {
    const base = rng.clone();
    return bounded(s, index, { rule: 'exponential', rng: base }, () => {
      const r = base.clone();
      let t = 0;
      return (k) => (k === 0 ? 0 : (t += r.exponential(s.rate) * 1000));
    });
  },
};
