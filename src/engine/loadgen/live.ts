import type { RequestRecord } from '../types.ts';
import { sweep } from './columns.ts';

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
  return sweep(Float64Array.from(recs, (r) => r.sentAtMs).sort(), Float64Array.from(recs, (r) => r.endAtMs).sort());
}
