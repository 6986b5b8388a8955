/**
 * inference-perf's summary object: {mean, min, max, p<q>…} with numpy's default linear
 * interpolation; keys are "p" + %g(q) with 50 written as `median`; null when empty.
 */
import { percentileSorted } from '../../metrics/stats.ts';

export type Summary = Record<string, number> | null;
export { percentileSorted };

/** `%g` formatting of a percentile for its key: 0.1 → "p0.1", 99.9 → "p99.9", 50 → "median". */
export function percentileKey(q: number): string {
  if (q === 50) return 'median';
  return `p${Number(q.toPrecision(6))}`;
}

export function summarize(values: readonly number[], percentiles: readonly number[]): Summary {
  return summarizeInPlace(Float64Array.from(values), percentiles);
}

/** `a` is already as Float64Array#sort leaves it: ascending, -0 before 0, no NaN (NaN: not claimed). */
function inOrder(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) {
    const x = a[i - 1]!;
    const y = a[i]!;
    if (!(x <= y) || (x === 0 && y === 0 && 1 / x > 1 / y)) return false;
  }
  return true;
}

/** summarize() of a Float64Array it may reorder (sorted in place, no copy: streamed columns). */
export function summarizeInPlace(values: Float64Array, percentiles: readonly number[]): Summary {
  if (values.length === 0) return null;
  // A column already in order (a one-stage run's summary shares the stage's sorted columns) is
  // not sorted again: one pass instead of an n log n sort of every inter-token gap.
  const sorted = inOrder(values) ? values : values.sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const out: Record<string, number> = { mean: sum / sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]! };
  for (const q of percentiles) out[percentileKey(q)] = percentileSorted(sorted, q);
  return out;
}
