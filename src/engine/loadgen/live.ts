import type { RequestRecord } from '../types.ts';

/** The last `size` TTFTs in a ring, for a cheap live median. */
export class TtftWindow {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;

  constructor(size: number) {
    this.buf = new Float64Array(size);
  }

  add(v: number): void {
    this.buf[this.i] = v;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }

  median(): number | undefined {
    if (this.n === 0) return undefined;
    const a = this.buf.slice(0, this.n).sort();
    const m = this.n >> 1;
    return this.n % 2 ? a[m] : (a[m - 1]! + a[m]!) / 2;
  }
}

/** Exact peak number of requests in flight: sweep over [sentAtMs, endAtMs). */
export function maxConcurrent(recs: readonly RequestRecord[]): number {
  const starts = Float64Array.from(recs, (r) => r.sentAtMs).sort();
  const ends = Float64Array.from(recs, (r) => r.endAtMs).sort();
  let i = 0;
  let j = 0;
  let cur = 0;
  let max = 0;
  while (i < starts.length) {
    if (j < ends.length && ends[j]! <= starts[i]!) {
      cur--;
      j++;
    } else {
      cur++;
      i++;
      if (cur > max) max = cur;
    }
  }
  return max;
}
