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

/** summarize() of a Float64Array it may reorder (sorted in place, no copy: streamed columns). */
export function summarizeInPlace(values: Float64Array, percentiles: readonly number[]): Summary {
  if (values.length === 0) return null;
  const sorted = values.sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const out: Record<string, number> = { mean: sum / sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]! };
  for (const q of percentiles) out[percentileKey(q)] = percentileSorted(sorted, q);
  return out;
}
