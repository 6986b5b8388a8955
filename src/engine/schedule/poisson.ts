import type { Rng } from '../../util/rng.ts';
import type { StagePlan } from '../types.ts';
import { lazyArrivals, openPlan } from './arrivals.ts';
import { checkRateStage, type RateStage } from './constant.ts';
import { rescaledExponentialOffsets, stageCount } from './open.ts';
import type { SchedulePlugin } from './types.ts';

/**
 * inference-perf's `poisson`, built one second at a time: for each second draw
 * k ~ Poisson(rate); place k arrivals inside that second with the constant rule
 * (exponential gaps normalised to 1 s, the last at the end of the second); keep
 * the first N = int(rate × duration). Exactly N requests; the span varies
 * around `duration`, so `durationMs` is the larger of the nominal duration and
 * the last offset. Drawn lazily, one second in memory at a time; the nominal end
 * (`duration`) is the plan's `durationMs` (the last offset is known once drawn).
 */
export const poissonSchedule: SchedulePlugin<RateStage> = {
  kind: 'poisson',
  description: 'per-second Poisson(rate) counts placed with rescaled exponential gaps; first int(rate × duration) kept (inference-perf)',
  validate: (s, at = []) => checkRateStage(s, at, 'poisson'),
  plan(s, index, rng: Rng): StagePlan {
    const n = stageCount(s.rate, s.duration);
    // bounded: the expected number of seconds is ~duration; cap generously (never reached in practice)
    const maxSeconds = Math.max(60, Math.ceil(s.duration * 100 + 1000));
    const base = rng.clone();
    const arrivals = lazyArrivals({ rule: 'poisson', n, rate: s.rate, maxSeconds, rng: base }, n, () => {
      const r = base.clone();
      let filled = 0;
      let sec = 0;
      let within: Float64Array = new Float64Array(0);
      let j = 0;
      return {
        next(): IteratorResult<number> {
          if (filled >= n) return { done: true, value: undefined };
          while (j >= within.length) {
            if (sec >= maxSeconds) return { done: true, value: undefined };
            const k = r.poisson(s.rate);
            within = k === 0 ? new Float64Array(0) : rescaledExponentialOffsets(k, 1000, r, sec * 1000);
            j = 0;
            sec++;
          }
          filled++;
          return { done: false, value: within[j++] as number };
        },
      };
    });
    return openPlan({ stage: index, arrivals, requestedRate: s.rate, durationMs: s.duration * 1000 });
  },
};
