import type { Rng } from '../../util/rng.ts';

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

/** inference-perf's request count for a rate × duration stage: int(rate × duration). */
export function stageCount(rate: number, durationS: number): number {
  return Math.trunc(rate * durationS);
}
