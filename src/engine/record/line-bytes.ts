/**
 * records.jsonl lines written straight as UTF-8 bytes, byte for byte what
 * `JSON.stringify(record without raw) + '\n'` gives, without building the line as a string first.
 * Why: a streamed record carries one monotonic time per event, and JSON.stringify's
 * double-to-shortest-string conversion of those times (plus the string and its re-encoding to
 * UTF-8) was the record writer's cost per event.
 *
 * Times are written from their integer nanoseconds (util/decimal-bytes.ts): a time from monoMs() is
 * ns / 1e6 (ns an integer, one correctly rounded division), so when `ns / 1e6 === v` the decimal
 * D = ns / 1e6 is within half an ulp of v. Below 2^33 ms (99 days of uptime) an ulp of v is under
 * 1 ns (1e-6): any other decimal within an ulp of D differs from it below the ns digit, so it has
 * more digits than D; no decimal as short as D is nearer to v. D (trailing zeros dropped, no point
 * when none is left) is then the shortest round-trip spelling — JavaScript's String(v) — and
 * v ≥ 1 is written without an exponent. (The bound was 1e15 ns, 11.6 days, before: on a host up
 * longer, every time took String(v), 2.5× this writer's cost per event.) Any other number takes
 * String(v) (JSON.stringify's own spelling); strings, booleans, objects and any array that is not
 * all numbers take JSON.stringify of the value. Keys are the record's own enumerable keys in its
 * own order, as JSON.stringify walks them (a record whose prototype is not Object.prototype is
 * left to JSON.stringify whole).
 */
import { ByteBuffer } from '../../util/byte-buffer.ts';
import { writeScaled, writeUint } from '../../util/decimal-bytes.ts';
import type { RequestRecord } from '../types.ts';

const keyBytes = new Map<string, Buffer>();

/** `"key":` as bytes (cached: a record has at most ~30 distinct keys). */
function keyOf(k: string): Buffer {
  let b = keyBytes.get(k);
  if (b === undefined) keyBytes.set(k, (b = Buffer.from(`${JSON.stringify(k)}:`, 'utf8')));
  return b;
}

export class LineBytes extends ByteBuffer {
  constructor(size = 1 << 16) {
    super(size);
  }

  private text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  private key(k: string): void {
    this.bytes(keyOf(k));
  }

  /** A number as JSON.stringify writes it (null when not finite). */
  number(v: number): void {
    this.ensure(MAX_NUMBER);
    this.pos = numberAt(this.buf, this.pos, v);
  }

  /** One record's line (`raw` left out) and its '\n'. */
  record(r: RequestRecord): void {
    const o = r as unknown as Record<string, unknown>;
    if (Object.getPrototypeOf(o) !== Object.prototype) {
      const { raw: _raw, ...rest } = r;
      this.text(JSON.stringify(rest) + '\n');
      return;
    }
    this.ensure(1);
    this.buf[this.pos++] = 123; // {
    let first = true;
    for (const k in o) {
      if (k === 'raw') continue;
      const v = o[k];
      const t = typeof v;
      if (v === undefined || t === 'function' || t === 'symbol') continue;
      if (!first) {
        this.ensure(1);
        this.buf[this.pos++] = 44; // ,
      }
      first = false;
      this.key(k);
      if (t === 'number') this.number(v as number);
      else if (Array.isArray(v) && allNumbers(v)) this.numbers(v as number[]);
      else this.text(JSON.stringify(v));
    }
    this.ensure(2);
    this.buf[this.pos++] = 125; // }
    this.buf[this.pos++] = 10; // \n
  }

  /** `[n,n,…]`; a value equal to the one before it (chunks of one read share its stamp) is a copy of its bytes. */
  private numbers(a: readonly number[]): void {
    this.ensure(2 + a.length * (MAX_NUMBER + 1));
    const out = this.buf;
    let p = this.pos;
    out[p++] = 91; // [
    let prev = NaN;
    let ps = 0;
    let pe = 0;
    for (let i = 0; i < a.length; i++) {
      if (i > 0) out[p++] = 44;
      const v = a[i]!;
      if (v === prev) {
        for (let j = ps; j < pe; j++) out[p++] = out[j]!;
        continue;
      }
      ps = p;
      p = numberAt(out, p, v);
      pe = p;
      prev = v;
    }
    out[p++] = 93; // ]
    this.pos = p;
  }

  /** The bytes so far; the buffer starts empty (a fresh one of the same size). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return out;
  }
}

/** 2^33 ms in ns: below it an ulp of a time in ms is under 1 ns (header comment). */
const NS_BELOW = 2 ** 33 * 1e6;

/** Bytes the longest number takes (`-1.2345678901234567e-308`, `null`). */
const MAX_NUMBER = 25;

/**
 * `v` as JSON.stringify writes it, at `p` (room for MAX_NUMBER bytes); the end. -0 is written 0,
 * as both JSON.stringify and the integer path do; ±0 compare equal, so a copy of either is right.
 */
function numberAt(out: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v < 2147483648 && (v | 0) === v) return writeUint(out, p, v);
  const ns = Math.round(v * 1e6);
  if (ns >= 1e6 && ns < NS_BELOW && ns / 1e6 === v) return writeScaled(out, p, ns, 1e6, false);
  const s = Number.isFinite(v) ? String(v) : 'null';
  for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  return p;
}

/** Every element a number (no hole: a hole is JSON null, as is undefined). */
function allNumbers(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}
