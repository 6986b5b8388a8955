/**
 * Decimal digits written straight into a byte buffer, for the two writers that spell monotonic
 * times without a double-to-string conversion (engine/record/line-bytes.ts: ms as JSON numbers;
 * harness/inference-perf/ms-seconds.ts: seconds as Python floats). The reasons the spelling is the
 * shortest round-trip one live with those callers; this file only writes digits.
 */

/** "00" … "99": two digits per division (the digit loops were a tenth of a streamed event's writing). */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Decimal digits of an integer 0 ≤ v < 2^31. */
function digitCount(v: number): number {
  if (v < 1e5) return v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : 5;
  return v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
}

/** An integer 0 ≤ v < 2^31 in decimal at `p`; the end. */
export function writeUint(out: Uint8Array, p: number, v: number): number {
  return writeDigits(out, p, v, digitCount(v));
}

/** Exactly `n` decimal digits of 0 ≤ v < 10^n (v < 2^31), zero-padded, at `p`; the end. */
export function writeDigits(out: Uint8Array, p: number, v: number, n: number): number {
  let i = p + n;
  let t = v;
  for (; i - p >= 2; i -= 2) {
    const q = (t / 100) | 0;
    const r = (t - q * 100) << 1;
    out[i - 1] = PAIRS[r + 1]!;
    out[i - 2] = PAIRS[r]!;
    t = q;
  }
  if (i > p) out[p] = 48 + t;
  return p + n;
}

/** An integer 0 ≤ v < 2^53 in decimal at `p`; the end (int32 arithmetic below 2^31, two parts above). */
export function writeUint53(out: Uint8Array, p: number, v: number): number {
  if (v < 2147483648) return writeUint(out, p, v);
  const hi = Math.floor(v / 1e9);
  return writeDigits(out, writeUint(out, p, hi), v - hi * 1e9, 9);
}

/** The whole part of `n / scale` (n an integer, 0 ≤ n < 2^53): n / scale is one rounded division, its floor can be one off. */
export function wholeOf(n: number, scale: number): number {
  const w = Math.floor(n / scale);
  const f = n - w * scale;
  return f < 0 ? w - 1 : f >= scale ? w + 1 : w;
}

/**
 * The exact decimal of `n / scale` at `p` (n an integer, 0 ≤ n < 2^53, scale 1e6 or 1e9),
 * fraction digits without trailing zeros; a whole value is written bare, or with `.0` when
 * `pointZero` (Python's float repr). The end.
 */
export function writeScaled(out: Uint8Array, p: number, n: number, scale: 1e6 | 1e9, pointZero: boolean): number {
  const whole = wholeOf(n, scale);
  const frac = n - whole * scale;
  // The fraction is below 2^31 from here: int32 arithmetic.
  p = writeUint53(out, p, whole);
  if (frac === 0) {
    if (!pointZero) return p;
    out[p++] = 46; // .
    out[p++] = 48; // 0
    return p;
  }
  out[p++] = 46; // .
  let f = frac | 0;
  let digits = scale === 1e9 ? 9 : 6;
  while (f % 10 === 0) {
    f = (f / 10) | 0;
    digits--;
  }
  return writeDigits(out, p, f, digits);
}
