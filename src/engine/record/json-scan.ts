/**
 * The byte scanner of the records.jsonl line parser (line-parser.ts): the parser's state (one line
 * at a time, synchronous: module-level is safe and fastest), numbers, strings and keys, arrays of
 * numbers. It accepts only what RecordWriter's JSON.stringify writes — no whitespace, strings
 * without escapes or control characters — and sets `failed` on anything else (the caller then
 * falls back to JSON.parse). The parser's other modules reach the state through the small
 * accessors below (V8 inlines them: the same loads as in one module).
 *
 * Numbers are exact: digits accumulate into an integer mantissa m; while m < 2^53 and the
 * decimal exponent is within ±22 the value is one correctly rounded IEEE operation
 * (m × 10^e or m / 10^−e: Clinger's fast path); otherwise the number's text goes to Number(),
 * which rounds correctly as JSON.parse does.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22
const TWO53 = 2 ** 53;
/** number()'s result (a double returned from a call would be boxed: one allocation per number). */
export const NUM = new Float64Array(1);

let b: Uint8Array = new Uint8Array(0);
let p = 0;
let end = 0;
let failed = false;

/** Start on the line `bytes[start, stop)`. */
export function begin(bytes: Uint8Array, start: number, stop: number): void {
  b = bytes;
  p = start;
  end = stop;
  failed = false;
}

/** The byte at the position (undefined past the buffer; bytes past the line's end are read as they are). */
export const peek = (): number | undefined => b[p];
/** The byte at i. */
export const peekAt = (i: number): number | undefined => b[i];
export const pos = (): number => p;
export const seek = (i: number): void => {
  p = i;
};
export const skip = (): void => {
  p++;
};
export const atEnd = (): boolean => p >= end;
/** The line's end (exclusive). */
export const lineEnd = (): number => end;
/** The line's bytes. */
export const input = (): Uint8Array => b;
export const isFailed = (): boolean => failed;
export function fail(): number {
  failed = true;
  return 0;
}

/** Keys and short string values seen before, by a hash of their bytes (no string allocated per key). */
const CACHE_SIZE = 1024;
const CACHE_MAX_LEN = 32;
const cacheBytes: (Uint8Array | undefined)[] = new Array(CACHE_SIZE).fill(undefined);
const cacheStr: string[] = new Array(CACHE_SIZE).fill('');

/** A JSON array of numbers into `a` (its old contents replaced); false for anything else. */
export function numbersInto(a: number[]): boolean {
  if (b[p] !== 0x5b) return false;
  p++;
  let n = 0;
  if (b[p] === 0x5d) {
    p++;
    a.length = 0;
    return true;
  }
  for (;;) {
    if (p >= end) return false;
    const c = b[p]!;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
    number();
    if (failed) return false;
    a[n++] = NUM[0]!;
    const d = b[p];
    if (d === 0x2c) {
      p++;
      continue;
    }
    if (d === 0x5d) {
      p++;
      a.length = n;
      return true;
    }
    return false;
  }
}

/** A key: cached by its bytes; `__proto__` (JSON.parse makes it an own property, assignment would not) falls back. */
export function key(): string {
  const s = ++p;
  let h = 0;
  for (;;) {
    if (p >= end) {
      failed = true;
      return '';
    }
    const c = b[p]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20 || c >= 0x80) {
      failed = true;
      return '';
    }
    h = (Math.imul(h, 31) + c) | 0;
    p++;
  }
  const k = cached(s, p, h);
  p++; // closing quote
  if (k === '__proto__') failed = true;
  return k;
}

function cached(s: number, e: number, h: number): string {
  const n = e - s;
  if (n > CACHE_MAX_LEN) return latin1(s, e);
  const slot = (h ^ (h >>> 10) ^ n) & (CACHE_SIZE - 1);
  const known = cacheBytes[slot];
  if (known !== undefined && known.length === n) {
    let i = 0;
    while (i < n && known[i] === b[s + i]) i++;
    if (i === n) return cacheStr[slot]!;
  }
  const str = latin1(s, e);
  cacheBytes[slot] = b.slice(s, e);
  cacheStr[slot] = str;
  return str;
}

function latin1(s: number, e: number): string {
  return Buffer.prototype.latin1Slice.call(b, s, e) as string;
}

/** A string without escapes: ASCII (short ones cached) or UTF-8 decoded as the whole line's decoding would. */
export function string(): string {
  const s = ++p;
  let h = 0;
  let ascii = true;
  for (;;) {
    if (p >= end) {
      failed = true;
      return '';
    }
    const c = b[p]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20) {
      failed = true;
      return '';
    }
    if (c >= 0x80) ascii = false;
    h = (Math.imul(h, 31) + c) | 0;
    p++;
  }
  const e = p++;
  if (!ascii) return Buffer.prototype.utf8Slice.call(b, s, e) as string;
  return e - s <= CACHE_MAX_LEN ? cached(s, e, h) : latin1(s, e);
}

/**
 * A number into NUM[0]: the common form (digits, optional fraction, < 2^53 as an integer mantissa)
 * here; zero-led, exponent and long forms in slowNumber. (Its ~520 bytes of bytecode are over V8's
 * inlining limit of 460: a double returned from it would be boxed, one allocation per number.)
 */
export function number(): void {
  const buf = b;
  const stop = end;
  let i = p;
  let c = buf[i]!;
  const neg = c === 0x2d;
  if (neg) c = ++i < stop ? buf[i]! : 0;
  // The digits' integer in int32 parts of 9 digits (hi × 10^9 + lo...): a shorter dependency
  // chain per digit than one double; exact while the whole is < 2^53 (checked below).
  let hi = 0;
  let lo = 0;
  let k = 0;
  let e10 = 0;
  if (c === 0x30) {
    c = ++i < stop ? buf[i]! : 0;
    if (c >= 0x30 && c <= 0x39) return void slowNumber(); // leading zero: refused there
  } else {
    if (c < 0x31 || c > 0x39) return void slowNumber();
    do {
      lo = lo * 10 + (c - 0x30);
      if (++k === 9) {
        hi = hi * 1e9 + lo;
        lo = 0;
        k = 0;
      }
      c = ++i < stop ? buf[i]! : 0;
    } while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x2e) {
    c = ++i < stop ? buf[i]! : 0;
    while (c >= 0x30 && c <= 0x39) {
      lo = lo * 10 + (c - 0x30);
      if (++k === 9) {
        hi = hi * 1e9 + lo;
        lo = 0;
        k = 0;
      }
      e10--;
      c = ++i < stop ? buf[i]! : 0;
    }
    if (e10 === 0) return void slowNumber(); // `1.`: refused there
  }
  if (c === 0x65 || c === 0x45) return void slowNumber();
  const m = hi === 0 ? lo : hi * POW10[k]! + lo;
  const s = p;
  p = i;
  if (m >= TWO53 || e10 < -22) {
    NUM[0] = Number(latin1(s, i)); // valid JSON number text (checked above), too long for the fast path
    return;
  }
  const v = e10 === 0 ? m : m / POW10[-e10]!;
  NUM[0] = neg ? -v : v;
}

/** Any JSON number at p (checked against the grammar: JSON.parse would refuse anything else). */
function slowNumber(): void {
  const s = p;
  let i = p;
  if (byteAt(i) === 0x2d) i++;
  if (byteAt(i) === 0x30) {
    i++;
    if (isDigit(byteAt(i))) return void fail(); // leading zero
  } else if (!isDigit(byteAt(i))) return void fail();
  while (isDigit(byteAt(i))) i++;
  if (byteAt(i) === 0x2e) {
    i++;
    if (!isDigit(byteAt(i))) return void fail();
    while (isDigit(byteAt(i))) i++;
  }
  if (byteAt(i) === 0x65 || byteAt(i) === 0x45) {
    i++;
    if (byteAt(i) === 0x2d || byteAt(i) === 0x2b) i++;
    if (!isDigit(byteAt(i))) return void fail();
    while (isDigit(byteAt(i))) i++;
  }
  p = i;
  NUM[0] = Number(latin1(s, i));
}

const byteAt = (i: number): number => (i < end ? b[i]! : 0);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
