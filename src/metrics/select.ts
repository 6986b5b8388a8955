/**
 * summarize() without sorting, for the streaming analysis (millions of ITL values): the exact
 * order statistics the four percentiles need are found by quickselect (expected O(n) each,
 * in place), then interpolated with the same numpy "linear" rule as percentileSorted. Same
 * percentiles as summarize(); the mean and std are summed in arrival order instead of sorted
 * order (a difference in the last bits only).
 */
import type { Summary } from './stats.ts';

/** Puts the k-th smallest of a[lo..hi] at a[k]; smaller-or-equal left of it, greater-or-equal right. */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

const PCTS = [50, 90, 95, 99] as const;

/** mean/min/max/std and p50/p90/p95/p99 of `s` (reordered in place); undefined when empty. */
export function summarizeBySelection(s: Float64Array): Summary | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
  const ranks = new Set<number>();
  for (const p of PCTS) {
    const h = (n - 1) * (p / 100);
    ranks.add(Math.floor(h));
    ranks.add(Math.min(n - 1, Math.floor(h) + 1));
  }
  let prev = -1;
  for (const k of [...ranks].sort((a, b) => a - b)) {
    if (prev >= 0 && k === prev + 1) {
      // everything right of prev is ≥ a[prev]: the next order statistic is the smallest of them (a scan, not a partition)
      let m = k;
      for (let i = k + 1; i < n; i++) if (s[i]! < s[m]!) m = i;
      const t = s[k]!;
      s[k] = s[m]!;
      s[m] = t;
    } else select(s, k, Math.max(prev, 0), n - 1);
    prev = k; // everything right of k is ≥ a[k]: the next rank lies in [k, n)
  }
  const pct = (p: number): number => {
    const h = (n - 1) * (p / 100);
    const lo = Math.floor(h);
    const a = s[lo]!;
    const b = s[Math.min(n - 1, lo + 1)]!;
    const t = h - lo;
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  };
  return { count: n, mean, min, max, std: Math.sqrt(ss / n), p50: pct(50), p90: pct(90), p95: pct(95), p99: pct(99) };
}
