/**
 * The full distribution of one metric as the llm-d benchmark report lists it
 * (Statistics: mean, mode, stddev, min, max, p0.1 … p99.9), from raw values.
 * Same numpy type-7 percentiles and population std as every other summary
 * (docs/metrics.md §2), so a report built from records and one converted from a
 * harness's native file agree where the harness uses numpy too.
 */
import { percentileSorted } from '../util/quantile.ts';

/** The percentile points of the report schema (p0p1 = 0.1, p99p9 = 99.9). */
export const DISTRIBUTION_PERCENTILES = [0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9] as const;

export interface Distribution {
  count: number;
  mean: number;
  /** Population standard deviation (numpy `std`, ddof 0). */
  stddev: number;
  /** Most frequent value, the smallest on ties (scipy.stats.mode). */
  mode: number;
  min: number;
  max: number;
  /** Keyed by the percentile point, e.g. `percentiles[99.9]`. */
  percentiles: Record<number, number>;
}

/** Distribution of `values` (NaN/infinite values dropped); undefined when none is left. */
export function distribution(values: ArrayLike<number>): Distribution | undefined {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  const n = finite.length;
  if (n === 0) return undefined;
  const s = Float64Array.from(finite).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
  let mode = s[0]!;
  let best = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && s[j] === s[i]) j++;
    if (j - i > best) {
      best = j - i;
      mode = s[i]!;
    }
    i = j;
  }
  const percentiles: Record<number, number> = {};
  for (const p of DISTRIBUTION_PERCENTILES) percentiles[p] = percentileSorted(s, p);
  return { count: n, mean, stddev: Math.sqrt(ss / n), mode, min: s[0]!, max: s[n - 1]!, percentiles };
}

/** Multiply every statistic (not the count) by `k`, e.g. s → ms. */
export function scaleDistribution(d: Distribution | undefined, k: number): Distribution | undefined {
  if (!d) return undefined;
  const percentiles: Record<number, number> = {};
  for (const [p, v] of Object.entries(d.percentiles)) percentiles[Number(p)] = v * k;
  return { count: d.count, mean: d.mean * k, stddev: d.stddev * k, mode: d.mode * k, min: d.min * k, max: d.max * k, percentiles };
}
