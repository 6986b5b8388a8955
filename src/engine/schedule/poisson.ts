import type { Rng } from '../../util/rng.ts';
import type { StagePlan } from '../types.ts';
import { checkRateStage, type RateStage } from './constant.ts';
import { rescaledExponentialOffsets, stageCount } from './open.ts';
import type { SchedulePlugin } from './types.ts';

/**
 * inference-perf's `poisson`, built one second at a time: for each second draw
 * k ~ Poisson(rate); place k arrivals inside that second with the constant rule
 * (exponential gaps normalised to 1 s, the last at the end of the second); keep
 * the first N = int(rate × duration). Exactly N requests; the span varies
 * around `duration`, so `durationMs` is the larger of the nominal duration and
 * the last offset.
 */
export const poissonSchedule: SchedulePlugin<RateStage> = {
  kind: 'poisson',
  description: 'per-second Poisson(rate) counts placed with rescaled exponential gaps; first int(rate × duration) kept (inference-perf)',
  validate: (s, at = []) => checkRateStage(s, at, 'poisson'),
  plan(s, index, rng: Rng): StagePlan {
    const n = stageCount(s.rate, s.duration);
    const offsetsMs = new Float64Array(n);
    let filled = 0;
    // bounded: the expected number of seconds is ~duration; cap generously
    const maxSeconds = Math.max(60, Math.ceil(s.duration * 100 + 1000));
    for (let sec = 0; filled < n && sec < maxSeconds; sec++) {
      const k = rng.poisson(s.rate);
      if (k === 0) continue;
      const within = rescaledExponentialOffsets(k, 1000, rng, sec * 1000);
      for (let j = 0; j < k && filled < n; j++) offsetsMs[filled++] = within[j] as number;
    }
    const last = n > 0 ? (offsetsMs[n - 1] as number) : 0;
    return { kind: 'open', stage: index, offsetsMs: offsetsMs.subarray(0, filled), requestedRate: s.rate, durationMs: Math.max(s.duration * 1000, last) };
  },
};
