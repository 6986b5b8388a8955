/**
 * Decimal digits written straight into a byte buffer, for the two writers that spell monotonic
 * times without a double-to-string conversion (engine/record/line-bytes.ts: ms as JSON numbers;
 * harness/inference-perf/ms-seconds.ts: seconds as Python floats). The reasons the spelling is the
 * shortest round-trip one live with those callers; this file only writes digits.
 */

/** An integer 0 ≤ v < 2^31 in decimal at `p`; the end. */
export function writeUint(out: Uint8Array, p: number, v: number): number {
  let n = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) n++;
  for (let i = p + n - 1, t = v; i >= p; i--, t = (t / 10) | 0) out[i] = 48 + (t % 10);
  return p + n;
}

/** Exactly `n` decimal digits of 0 ≤ v < 10^n (n ≤ 9), zero-padded, at `p`; the end. */
export function writeDigits(out: Uint8Array, p: number, v: number, n: number): number {
  for (let i = p + n - 1, t = v; i >= p; i--, t = (t / 10) | 0) out[i] = 48 + (t % 10);
  return p + n;
}

/** An integer 0 ≤ v < 2^53 in decimal at `p`; the end (int32 arithmetic below 2^31, two parts above). */
export function writeUint53(out: Uint8Array, p: number, v: number): number {
  if (v < 2147483648) return writeUint(out, p, v);
  const hi = Math.floor(v / 1e9);
  return writeDigits(out, writeUint(out, p, hi), v - hi * 1e9, 9);
}

/**
 * The exact decimal of `n / scale` at `p` (n an integer, 0 ≤ n < 2^53, scale 1e6 or 1e9),
 * fraction digits without trailing zeros; a whole value is written bare, or with `.0` when
 * `pointZero` (Python's float repr). The end.
 */
export function writeScaled(out: Uint8Array, p: number, n: number, scale: 1e6 | 1e9, pointZero: boolean): number {
  let whole = Math.floor(n / scale);
  let frac = n - whole * scale;
  // n / scale is one rounded division: its floor can be one off the exact quotient.
  if (frac < 0) {
    whole--;
    frac += scale;
  } else if (frac >= scale) {
    whole++;
    frac -= scale;
  }
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
  for (let i = p + digits - 1; i >= p; i--, f = (f / 10) | 0) out[i] = 48 + (f % 10);
  return p + digits;
}
