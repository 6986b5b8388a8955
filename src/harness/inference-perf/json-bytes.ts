/**
 * A batch of JSON text built as bytes, ASCII only (Python's ensure_ascii), for files that carry
 * responses verbatim (per_request_lifecycle_metrics.json): a response received as ASCII bytes is
 * escaped straight from those bytes into the batch — never decoded to a string, re-encoded, or
 * escaped twice (a payload inside it is copied from its already escaped bytes: `copy`). The
 * escapes are JSON.stringify's (`\"`, `\\`, `\b\f\n\r\t`, else `\u00xx`; DEL kept), so the bytes
 * equal `ensureAscii(JSON.stringify(text))` of the decoded text.
 */
import { ByteBuffer } from '../../util/byte-buffer.ts';
import { writeMsAsSeconds } from './ms-seconds.ts';
import { ensureAscii, pyFloat } from './py-json.ts';

const HEX = Buffer.from('0123456789abcdef');
/** Each byte's escape: 0 none (copied, as every byte from 0x80), 1 `\u00xx`, else the letter after the backslash. */
const ESCAPE = new Uint8Array(256);
ESCAPE.fill(1, 0, 32);
ESCAPE[8] = 98; // b
ESCAPE[9] = 116; // t
ESCAPE[10] = 110; // n
ESCAPE[12] = 102; // f
ESCAPE[13] = 114; // r
ESCAPE[34] = 34; // "
ESCAPE[92] = 92; // \

export class JsonBytes extends ByteBuffer {
  /** JSON text whose strings are JSON.stringify's; non-ASCII characters are escaped here. */
  text(s: string): void {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    if (n === s.length) {
      this.pos += n;
      return;
    }
    const e = ensureAscii(s);
    this.ensure(e.length);
    this.pos += this.buf.write(e, this.pos, 'latin1');
  }

  /** The JSON escapes of ASCII bytes `src[a, b)` (no quotes). */
  escaped(src: Uint8Array, a: number, b: number): void {
    this.ensure((b - a) * 6);
    const out = this.buf;
    let p = this.pos;
    for (let i = a; i < b; i++) {
      const c = src[i]!;
      const e = ESCAPE[c]!;
      if (e === 0) {
        out[p++] = c;
        continue;
      }
      out[p++] = 92;
      if (e !== 1) out[p++] = e;
      else {
        out[p++] = 117;
        out[p++] = 48;
        out[p++] = 48;
        out[p++] = HEX[c >> 4]!;
        out[p++] = HEX[c & 15]!;
      }
    }
    this.pos = p;
  }

  /** A time in ms as Python's repr of its seconds (`pyFloat(ms / 1000)`; ms-seconds.ts). */
  seconds(ms: number): void {
    this.ensure(24);
    const end = writeMsAsSeconds(this.buf, this.pos, ms);
    if (end >= 0) {
      this.pos = end;
      return;
    }
    // A quarter of monotonic times (ms / 1000 one ulp off ns / 1e9): pyFloat's text, ASCII,
    // copied by a loop rather than a native string write.
    this.ascii(pyFloat(ms / 1000));
  }

  /** Bytes [a, b) already in the batch, again at the end, by a loop (a few bytes: no native call). */
  copyShort(a: number, b: number): void {
    this.ensure(b - a);
    const out = this.buf;
    let p = this.pos;
    for (let i = a; i < b; i++) out[p++] = out[i]!;
    this.pos = p;
  }

  /** Bytes [a, b) already in the batch, again at the end. */
  copy(a: number, b: number): void {
    this.ensure(b - a);
    this.buf.copyWithin(this.pos, a, b);
    this.pos += b - a;
  }

  /** The bytes so far; the batch starts empty in `next` (a buffer the caller no longer uses), else a fresh one of `size`. */
  take(size: number, next?: Buffer): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = next ?? Buffer.allocUnsafe(size);
    this.pos = 0;
    return out;
  }
}
