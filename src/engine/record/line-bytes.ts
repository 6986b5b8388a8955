/**
 * records.jsonl lines written straight as UTF-8 bytes, byte for byte what
 * `JSON.stringify(record without raw) + '\n'` gives, without building the line as a string first.
 * Why: a streamed record carries one monotonic time per event, and JSON.stringify's
 * double-to-shortest-string conversion of those times (plus the string and its re-encoding to
 * UTF-8) was the record writer's cost per event.
 *
 * Times are written from their integer nanoseconds (`msDigits`): a time from monoMs() is
 * ns / 1e6 (ns an integer, one correctly rounded division), and when `ns / 1e6 === v` with
 * 1e6 ≤ ns < 1e15, the decimal D = ns / 1e6 has at most 15 significant digits, so no other
 * decimal of at most 15 digits lies within an ulp of v: D (trailing zeros dropped, no point when
 * none is left) is the shortest round-trip spelling — JavaScript's String(v) — and v ≥ 1 is
 * written without an exponent. Any other number takes String(v) (JSON.stringify's own spelling);
 * strings, booleans, objects and any array that is not all numbers take JSON.stringify of the
 * value. Keys are the record's own enumerable keys in its own order, as JSON.stringify walks them
 * (a record whose prototype is not Object.prototype is left to JSON.stringify whole).
 */
import type { RequestRecord } from '../types.ts';

const keyBytes = new Map<string, Buffer>();

/** `"key":` as bytes (cached: a record has at most ~30 distinct keys). */
function keyOf(k: string): Buffer {
  let b = keyBytes.get(k);
  if (b === undefined) keyBytes.set(k, (b = Buffer.from(`${JSON.stringify(k)}:`, 'utf8')));
  return b;
}

export class LineBytes {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  private key(k: string): void {
    const b = keyOf(k);
    this.ensure(b.length);
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) out[p++] = b[i]!;
    this.pos = p;
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

/** Bytes the longest number takes (`-1.2345678901234567e-308`, `null`). */
const MAX_NUMBER = 25;

/**
 * `v` as JSON.stringify writes it, at `p` (room for MAX_NUMBER bytes); the end. -0 is written 0,
 * as both JSON.stringify and the integer path do; ±0 compare equal, so a copy of either is right.
 */
function numberAt(out: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v < 2147483648 && (v | 0) === v) return uint(out, p, v);
  const ns = Math.round(v * 1e6);
  if (ns >= 1e6 && ns < 1e15 && ns / 1e6 === v) return msDigits(out, p, ns);
  const s = Number.isFinite(v) ? String(v) : 'null';
  for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  return p;
}

/** Every element a number (no hole: a hole is JSON null, as is undefined). */
function allNumbers(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}

/** An integer 0 ≤ v < 2^31 in decimal at `p`; the end. */
function uint(out: Uint8Array, p: number, v: number): number {
  let n = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) n++;
  for (let i = p + n - 1, t = v; i >= p; i--, t = (t / 10) | 0) out[i] = 48 + (t % 10);
  return p + n;
}

/** ns / 1e6 (1e6 ≤ ns < 1e15, an integer) as its decimal, trailing zeros and a bare point dropped; the end. */
export function msDigits(out: Uint8Array, p: number, ns: number): number {
  let whole = Math.floor(ns / 1e6);
  let frac = ns - whole * 1e6;
  if (frac < 0) {
    whole--;
    frac += 1e6;
  } else if (frac >= 1e6) {
    whole++;
    frac -= 1e6;
  }
  // whole < 1e9: int32 arithmetic.
  p = uint(out, p, whole);
  if (frac === 0) return p;
  out[p++] = 46; // .
  let f = frac | 0;
  let digits = 6;
  while (f % 10 === 0) {
    f = (f / 10) | 0;
    digits--;
  }
  for (let i = p + digits - 1; i >= p; i--, f = (f / 10) | 0) out[i] = 48 + (f % 10);
  return p + digits;
}
