/**
 * A growable list of numbers in one Float64Array (doubling): the streaming analysis keeps each
 * metric's per-request values here, and the load generator its per-request times (engine/loadgen/
 * columns.ts) — 8 bytes a value, never the records themselves.
 */
export class F64Buffer {
  private buf: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Float64Array(initial);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  /** The values (a view: sorting it reorders this buffer). */
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}
