import type { Rng } from '../../util/rng.ts';
import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import { lastOf, lazyArrivals, openPlan } from './arrivals.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

export interface GammaStage {
  /** Requests per second; Infinity (or "inf") releases every request at t = 0. */
  rate: number | 'inf';
  /** Number of requests (vllm bench --num-prompts). */
  num_requests: number;
  /** Gamma shape; 1 = Poisson process, < 1 burstier, Infinity = evenly spaced. Default 1. */
  burstiness?: number;
  /** Rescale so the last arrival is exactly num_requests / rate (newer vllm bench). Default true. */
  rescale?: boolean;
  /** vllm bench ramp-up: the rate moves from start to end over the requests (ignores `rate`). */
  ramp_up_strategy?: 'linear' | 'exponential';
  ramp_up_start_rps?: number;
  ramp_up_end_rps?: number;
}

/**
 * vllm bench serve's arrival process: gaps ~ Gamma(shape = burstiness,
 * scale = 1/(rate·burstiness)) (mean 1/rate); offsets are cumulative sums,
 * rescaled (by default) so the last lands at exactly N/rate. rate = inf sends
 * all at 0. With a ramp-up, request i's gap uses the rate interpolated at i/(N−1).
 */
export const gammaSchedule: SchedulePlugin<GammaStage> = {
  kind: 'gamma',
  description: 'vllm bench: Gamma(burstiness) gaps with mean 1/rate, optional ramp-up; rate inf = all at once',
  validate(stage: unknown, at: KeyPath = []) {
    const c = new Checker(at);
    const o = c.object(stage, []);
    if (!o) {
      if (stage == null) c.error([], 'stage is empty: give rate and num_requests');
      return c.issues;
    }
    const ramp = c.string(o, 'ramp_up_strategy');
    if (ramp !== undefined && ramp !== 'linear' && ramp !== 'exponential') c.error(['ramp_up_strategy'], `must be linear or exponential, got "${ramp}"`);
    if (ramp !== undefined) {
      c.number(o, 'ramp_up_start_rps', { gt: 0, required: true });
      c.number(o, 'ramp_up_end_rps', { gt: 0, required: true });
    } else if (o.rate !== 'inf' && o.rate !== Infinity) c.number(o, 'rate', { gt: 0, required: true });
    c.number(o, 'num_requests', { int: true, gt: 0, required: true });
    if (o.burstiness !== Infinity) c.number(o, 'burstiness', { gt: 0 });
    c.bool(o, 'rescale');
    c.unknownKeys(o, ['rate', 'num_requests', 'burstiness', 'rescale', 'ramp_up_strategy', 'ramp_up_start_rps', 'ramp_up_end_rps']);
    return c.issues;
  },
  plan(s, index, rng: Rng): StagePlan {
    const n = s.num_requests;
    const rate = s.rate === 'inf' ? Infinity : s.rate;
    const ramp = s.ramp_up_strategy;
    if (!ramp && !Number.isFinite(rate)) {
      const zeros = lazyArrivals({ rule: 'at-once', n }, n, () => {
        let i = 0;
        return { next: (): IteratorResult<number> => (i++ < n ? { done: false, value: 0 } : { done: true, value: undefined }) };
      });
      return openPlan({ stage: index, arrivals: zeros, requestedRate: Infinity, durationMs: 0 });
    }
    const b = s.burstiness ?? 1;
    const start = s.ramp_up_start_rps ?? rate;
    const end = s.ramp_up_end_rps ?? rate;
    const rateAt = (i: number): number => {
      if (!ramp) return rate;
      const p = n > 1 ? i / (n - 1) : 1;
      return ramp === 'linear' ? start + (end - start) * p : start * Math.pow(end / start, p);
    };
    const base = rng.clone();
    // the unscaled offsets (ms): cumulative gaps, as drawn
    const raw = (): Iterator<number> => {
      const r = base.clone();
      let t = 0;
      let i = 0;
      return {
        next(): IteratorResult<number> {
          if (i >= n) return { done: true, value: undefined };
          t += Number.isFinite(b) ? r.gamma(b, 1 / (rateAt(i) * b)) : 1 / rateAt(i);
          i++;
          return { done: false, value: t * 1000 };
        },
      };
    };
    const rescale = !ramp && (s.rescale ?? true) && n > 0;
    const spanMs = (n / rate) * 1000;
    const arrivals = lazyArrivals({ rule: 'gamma', stage: { ...s }, rng: base }, n, () => {
      if (!rescale) return raw();
      const k = spanMs / (lastOf(raw()) as number);
      const it = raw();
      let i = 0;
      return {
        next(): IteratorResult<number> {
          const x = it.next();
          if (x.done) return x;
          return { done: false, value: ++i === n ? spanMs : x.value * k };
        },
      };
    });
    // rescaled: the last lands at exactly N/rate; otherwise one pass finds it (O(1) memory)
    const durationMs = n === 0 ? 0 : rescale ? spanMs : (lastOf(raw()) as number);
    const requestedRate = ramp ? (durationMs > 0 ? (n * 1000) / durationMs : 0) : rate;
    return openPlan({ stage: index, arrivals, requestedRate, durationMs });
  },
};
