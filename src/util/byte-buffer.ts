/**
 * A growable byte buffer for text written straight as bytes (records.jsonl lines, inference-perf's
 * per_request files). Why one class: both writers need the same three things — room that grows
 * without invalidating positions, and short copies done by a JavaScript loop (keys, separators,
 * ASCII numbers of a few bytes), where a native Buffer call costs more than the bytes it moves.
 */
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

  /** Short bytes (keys, separators, indentation): a byte loop, no native call. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) out[p++] = b[i]!;
    this.pos = p;
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
