/**
 * A growable byte buffer for text written straight as bytes (records.jsonl lines, inference-perf's
 * per_request files). Why one class: both writers need the same three things — room that grows
 * without invalidating positions, and short copies done by a JavaScript loop (keys, separators,
 * ASCII numbers of a few bytes), where a native Buffer call costs more than the bytes it moves.
 */

/** Up to this many bytes `bytes` copies by a loop (measured crossover ~24–32 bytes). */
const LOOP_BYTES = 24;

export class ByteBuffer {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes (the buffer grows; positions stay valid). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Bytes `src[a, b)`: a loop for a few bytes (keys, separators, a token's text), where a native
   * call and its view cost more (~90 ns, ~20 bytes of loop), one native copy for longer runs.
   */
  bytes(src: Uint8Array, a = 0, b = src.length): void {
    const n = b - a;
    this.ensure(n);
    if (n > LOOP_BYTES) this.buf.set(src.subarray(a, b), this.pos);
    else {
      const out = this.buf;
      let p = this.pos;
      for (let i = a; i < b; i++) out[p++] = src[i]!;
    }
    this.pos += n;
  }

  /** A short ASCII string (a number's text) by a loop over its char codes. */
  ascii(s: string): void {
    this.ensure(s.length);
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }
}
