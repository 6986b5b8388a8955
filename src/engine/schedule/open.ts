import type { Rng } from '../../util/rng.ts';
import type { Arrivals } from '../types.ts';
import { lazyArrivals } from './arrivals.ts';

/**
 * inference-perf's `constant` arrival rule: n exponential gaps (mean 1/rate)
 * rescaled so they sum to exactly `spanMs`; offsets are the cumulative sums,
 * so the last arrival lands exactly at `spanMs` (plus `startMs`).
 */
export function rescaledExponentialOffsets(n: number, spanMs: number, rng: Rng, startMs = 0): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += rng.exponential(1);
    out[i] = sum;
  }
  const k = spanMs / sum;
  for (let i = 0; i < n; i++) out[i] = startMs + (out[i] as number) * k;
  out[n - 1] = startMs + spanMs; // exact, despite float rounding
  return out;
}

/**
 * The same offsets as `rescaledExponentialOffsets(n, spanMs, rng)`, drawn lazily: creating an
 * iterator sums the n gaps on a clone of the stream (O(n) time, O(1) memory), then each step
 * draws the next gap again and yields the rescaled cumulative sum (bit for bit the eager value).
 */
export function rescaledExponentialArrivals(n: number, spanMs: number, rng: Rng): Arrivals {
  const base = rng.clone();
  return lazyArrivals({ rule: 'rescaled-exponential', n, spanMs, rng: base }, n, () => {
    const first = base.clone();
    const sum = first.sumExponentials(n);
    const k = spanMs / sum;
    const r = base.clone();
    let i = 0;
    let cum = 0;
    return {
      next(): IteratorResult<number> {
        if (i >= n) return { done: true, value: undefined };
        cum += r.exponential(1);
        i++;
        return { done: false, value: i === n ? spanMs : cum * k };
      },
    };
  });
}

/** inference-perf's request count for a rate × duration stage: int(rate × duration). */
export function stageCount(rate: number, durationS: number): number {
  return Math.trunc(rate * durationS);
}
