/**
 * Statistics used by every metric: exact numpy-default (type 7, "linear")
 * percentiles, population standard deviation, and weighted nearest-rank
 * distributions (GuideLLM). Own implementation; see docs/metrics.md.
 */

export { percentile, percentileSorted } from '../util/quantile.ts';
import { percentileSorted } from '../util/quantile.ts';

export interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
  /** Population standard deviation (numpy `std`, ddof = 0). */
  std: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** mean/min/max/std and p50/p90/p95/p99; undefined when there are no values. */
export function summarize(values: ArrayLike<number>): Summary | undefined {
  if (values.length === 0) return undefined;
  return summarizeInPlace(Float64Array.from(values));
}

/** summarize() of a Float64Array that may be reordered (sorted in place: no copy; streaming analysis). */
export function summarizeInPlace(s: Float64Array): Summary | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  s.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
  return {
    count: n,
    mean,
    min: s[0]!,
    max: s[n - 1]!,
    std: Math.sqrt(ss / n),
    p50: percentileSorted(s, 50),
    p90: percentileSorted(s, 90),
    p95: percentileSorted(s, 95),
    p99: percentileSorted(s, 99),
  };
}

/** Multiply every statistic of a summary (e.g. s → ms). */
export function scaleSummary(s: Summary | undefined, k: number): Summary | undefined {
  if (!s) return undefined;
  return { count: s.count, mean: s.mean * k, min: s.min * k, max: s.max * k, std: s.std * k, p50: s.p50 * k, p90: s.p90 * k, p95: s.p95 * k, p99: s.p99 * k };
}

/** `count` is Σ weights, rounded; `std` is the population std under the weights. */
export interface WeightedSummary extends Summary {
  median: number;
}

/**
 * GuideLLM's weighted empirical distribution: values sorted, zero weights
 * dropped; percentile p = the first value whose cumulative probability reaches p
 * (nearest rank, no interpolation). Empty input → all zeros.
 */
export function weightedSummary(values: readonly number[], weights?: readonly number[]): WeightedSummary {
  const pairs: [number, number][] = [];
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (w > 0 && Number.isFinite(values[i]!)) pairs.push([values[i]!, w]);
  }
  if (pairs.length === 0) return { count: 0, mean: 0, median: 0, min: 0, max: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0 };
  pairs.sort((a, b) => a[0] - b[0]);
  let W = 0;
  let S = 0;
  for (const [v, w] of pairs) {
    W += w;
    S += v * w;
  }
  const mean = S / W;
  let V = 0;
  for (const [v, w] of pairs) V += w * (v - mean) ** 2;
  const q = (p: number): number => {
    const target = (p / 100) * W;
    let c = 0;
    for (const [v, w] of pairs) {
      c += w;
      if (c >= target - 1e-12 * W) return v;
    }
    return pairs[pairs.length - 1]![0];
  };
  return {
    count: Math.round(W),
    mean,
    median: q(50),
    min: pairs[0]![0],
    max: pairs[pairs.length - 1]![0],
    std: Math.sqrt(V / W),
    p50: q(50),
    p90: q(90),
    p95: q(95),
    p99: q(99),
  };
}
