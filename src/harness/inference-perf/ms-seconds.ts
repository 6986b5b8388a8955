/**
 * A monotonic time in ms written as Python's repr of its seconds (`pyFloat(ms / 1000)`) straight
 * as bytes, without the double-to-shortest-string conversion: per_request writes one per streamed
 * event, and that conversion (~0.3–0.5 µs a number) was a large share of the file's cost.
 *
 * Why it is exact: our times are monoMs() = ns / 1e6 (integer ns, correctly rounded). Let D be
 * the decimal ns / 1e9 and x = ms / 1000 the double pyFloat is given. When ns / 1e9 (one correctly
 * rounded division) equals x, x is the double nearest to D; D has at most 15 significant digits
 * (ns < 1e15), so no decimal with fewer digits lies within an ulp of x, and no other decimal of
 * D's length is nearer: the shortest round-trip spelling of x — JavaScript's and Python's — is D
 * with its trailing zeros dropped (`.0` when none is left). Python writes that plainly from 1e-4
 * (ns ≥ 1e5). Any time that fails a check (not from monoMs, negative, too large) is not written
 * here (−1): the caller writes pyFloat's text.
 */

/**
 * Write `pyFloat(ms / 1000)` into `out` at `p` (room for 17 bytes needed); the end position, or
 * −1 when `ms` is not a time this covers (nothing written).
 */
export function writeMsAsSeconds(out: Uint8Array, p: number, ms: number): number {
  const ns = Math.round(ms * 1e6);
  if (!(ns >= 1e5 && ns < 1e15) || ns / 1e9 !== ms / 1000) return -1;
  let s = Math.floor(ns / 1e9);
  let frac = ns - s * 1e9;
  // Both parts are below 1e9 from here: int32 arithmetic.
  if (frac < 0) {
    s--;
    frac += 1e9;
  } else if (frac >= 1e9) {
    s++;
    frac -= 1e9;
  }
  // Whole seconds (< 1e6): digits written backwards after counting them.
  let n = 1;
  for (let t = s | 0; t >= 10; t = (t / 10) | 0) n++;
  for (let i = p + n - 1, t = s | 0; i >= p; i--, t = (t / 10) | 0) out[i] = 48 + (t % 10);
  p += n;
  out[p++] = 46;
  if (frac === 0) {
    out[p++] = 48;
    return p;
  }
  let f = frac | 0;
  let digits = 9;
  while (f % 10 === 0) {
    f = (f / 10) | 0;
    digits--;
  }
  for (let i = p + digits - 1; i >= p; i--, f = (f / 10) | 0) out[i] = 48 + (f % 10);
  return p + digits;
}
