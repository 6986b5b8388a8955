/**
 * A growable list of numbers: the streaming analysis keeps each metric's per-request values here,
 * and the load generator its per-request times (engine/loadgen/columns.ts) — 8 bytes a value,
 * never the records themselves.
 *
 * Grown in chunks that are never copied or freed while values arrive (each chunk twice the last,
 * up to 64 Ki values = 512 KiB): a doubling array copied all of a column at every growth (1.5 × its
 * size live during the copy, every column of a run growing at the same request) and freed the old
 * one, and freed blocks of a few MiB raise glibc's mmap threshold so that later allocations are
 * carved from the heap and never returned — the run's RSS kept what the columns had once needed
 * (docs/performance.md, memory in run length). `view()` joins the chunks into one exact-size array,
 * once, when the values are read.
 */
const MAX_CHUNK = 1 << 16;

export class F64Buffer {
  /** Full chunks, then `cur`; after `view()` just the joined array. */
  private chunks: Float64Array[];
  private cur: Float64Array;
  private pos = 0;
  length = 0;
  constructor(initial = 1024) {
    this.cur = new Float64Array(Math.max(1, initial));
    this.chunks = [this.cur];
  }
  push(v: number): void {
    if (this.pos === this.cur.length) this.grow();
    this.cur[this.pos++] = v;
    this.length++;
  }
  private grow(): void {
    this.cur = new Float64Array(Math.min(MAX_CHUNK, Math.max(1024, this.cur.length * 2)));
    this.chunks.push(this.cur);
    this.pos = 0;
  }
  /** The values (a view: sorting it reorders this buffer). Joins the chunks the first time. */
  view(): Float64Array {
    if (this.chunks.length > 1) {
      const all = new Float64Array(this.length);
      let o = 0;
      for (const c of this.chunks) {
        const n = Math.min(c.length, this.length - o);
        all.set(n === c.length ? c : c.subarray(0, n), o);
        o += n;
      }
      this.chunks = [all];
      this.cur = all;
      this.pos = all.length;
    }
    return this.cur.subarray(0, this.length);
  }
}
