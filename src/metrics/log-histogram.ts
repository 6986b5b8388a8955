/**
 * A streaming histogram with logarithmic buckets (each 1 % wider than the one before), so a
 * latency distribution of any number of requests is kept in fixed memory and its quantiles,
 * CDF and a linear re-binning come out within 1 % of the exact values (docs/metrics.md §10).
 * Pure data structure: the plots bin records into it one at a time, never holding them all.
 */

/** Relative bucket width: bucket k covers [MIN·G^k, MIN·G^(k+1)). */
const G = 1.01;
const LOG_G = Math.log(G);
/** Smallest value kept apart from zero (values below count in the zero bucket). */
const MIN = 1e-3;

export class LogHistogram {
  /** counts[k] for bucket k (grown on demand); zero holds values < MIN (incl. 0). */
  private counts = new Float64Array(64);
  private zero = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number): void {
    if (!Number.isFinite(v) || v < 0) return;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v < MIN) {
      this.zero++;
      return;
    }
    const k = Math.floor(Math.log(v / MIN) / LOG_G);
    if (k >= this.counts.length) {
      const grown = new Float64Array(Math.max(k + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[k]!++;
  }

  /** Adds every value of `other` (as if each had been added here: same buckets, counts, min, max; the sum in another order). */
  merge(other: LogHistogram): void {
    if (other.counts.length > this.counts.length) {
      const grown = new Float64Array(other.counts.length);
      grown.set(this.counts);
      this.counts = grown;
    }
    for (let k = 0; k < other.counts.length; k++) this.counts[k]! += other.counts[k]!;
    this.zero += other.zero;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  /** Every non-empty bucket as [lower, upper, count], ascending (the zero bucket first). */
  buckets(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    if (this.zero) out.push([0, MIN, this.zero]);
    for (let k = 0; k < this.counts.length; k++) {
      const c = this.counts[k]!;
      if (c) out.push([MIN * G ** k, MIN * G ** (k + 1), c]);
    }
    return out;
  }

  /** The q-quantile (0..1), the upper edge of the bucket holding it, clamped to [min, max]. */
  quantile(q: number): number {
    if (!this.count) return NaN;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const [, hi, c] of this.buckets()) {
      seen += c;
      if (seen >= target) return Math.min(this.max, Math.max(this.min, hi));
    }
    return this.max;
  }

  /** The empirical CDF at each bucket's upper edge: [value, share of values ≤ value], ascending. */
  cdf(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let seen = 0;
    for (const [, hi, c] of this.buckets()) {
      seen += c;
      out.push([Math.min(hi, this.max), seen / this.count]);
    }
    return out;
  }

  /**
   * `bins` equal-width bins from min to `upper` (default max); values above `upper` are counted
   * in the last bin. Each log bucket is placed at its midpoint. Returns [start, end, count].
   */
  linearBins(bins: number, upper = this.max): Array<[number, number, number]> {
    if (!this.count) return [];
    const lo = this.min;
    const hi = upper > lo ? upper : lo + 1;
    const w = (hi - lo) / bins;
    const out: Array<[number, number, number]> = Array.from({ length: bins }, (_, i) => [lo + i * w, lo + (i + 1) * w, 0]);
    for (const [a, b, c] of this.buckets()) {
      const mid = Math.min(Math.max((a + b) / 2, lo), this.max);
      const i = Math.min(bins - 1, Math.max(0, Math.floor((mid - lo) / w)));
      out[i]![2] += c;
    }
    return out;
  }
}
