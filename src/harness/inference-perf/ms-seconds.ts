/**
 * A monotonic time in ms written as Python's repr of its seconds (`pyFloat(ms / 1000)`) straight
 * as bytes, without the double-to-shortest-string conversion: per_request writes one per streamed
 * event, and that conversion (String(x) and pyFloat's checks, ~0.3–0.5 µs a number) was a large
 * share of the file's cost.
 *
 * Our times are monoMs() = N / 1e6 (N integer ns, correctly rounded); x = ms / 1000 is the double
 * pyFloat is given, and D = N / 1e9 the decimal. Two cases, both exact:
 *
 * - `N / 1e9 === x` (three quarters of times): x is the double nearest D. Below 2^23 s (97 days of
 *   uptime) an ulp of x is under 1 ns, so every other decimal within an ulp of D has a digit below
 *   the ns: none as short as D is nearer to x, and the shortest round-trip spelling of x (JavaScript's
 *   and Python's) is D with its trailing zeros dropped (`.0` when none is left).
 * - Otherwise ms / 1000 rounded to a neighbour of D's double: x = (N + d) ns with |d| up to an ulp
 *   or two. d is computed exactly (Dekker's product of x and 1e9, minus N), and the shortest
 *   spelling is the first grid of 1, 0.1, 0.01 … ns that has a point within half an
 *   ulp of x — the nearest such point, as both languages pick it (a whole ns is written as in the
 *   first case). A decision within 1e-12 (relative) of a boundary is not made in doubles: that time
 *   is left to pyFloat.
 *
 * Anything else — not from monoMs, negative, below 2e-4 s (Python's exponent form starts at 1e-4)
 * or beyond the bounds — is not written here (−1): the caller writes pyFloat's text. Why ms / 1000
 * and not the exact N / 1e9 (always the first case): a reader joins per_request entries to records.jsonl by
 * `start_time == sentAtMs / 1000`, in any language; that holds only if the seconds are that double.
 */
import { wholeOf, writeDigits, writeScaled, writeUint } from '../../util/decimal-bytes.ts';

/** 2^23 s in ns: below it an ulp of a time in seconds is under 1 ns. */
const NS_BELOW = 2 ** 23 * 1e9;
/** Dekker's split constant (2^27 + 1) and 1e9 split into two halves of 26 bits. */
const SPLIT = 134217729;
const C9 = SPLIT * 1e9;
const B9H = C9 - (C9 - 1e9);
const B9L = 1e9 - B9H;
/** A double's bits, for its exponent (the high word: index 1 on a little-endian host). */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/**
 * Half an ulp in ns of a double with biased exponent e: 2^(e − 1023 − 53) · 1e9. A table, not
 * `2 ** (e − 1076)` per time: a variable exponent is a call into V8's pow (~0.06 µs per streamed
 * event in a paced run's profile).
 */
const HALF_ULP_NS = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (e - 1023 - 53) * 1e9);
/**
 * Relative margin within which a boundary is not decided in doubles: their error here is ~2^-50 of
 * the values compared (d is exact but for its last rounding), so 1e-12 leaves a factor of 1,000.
 * A time whose decision falls inside it is left to pyFloat (none did in 6 million random times).
 */
const MARGIN = 1e-12;

/**
 * Write `pyFloat(ms / 1000)` into `out` at `p` (room for 24 bytes needed); the end position, or
 * −1 when `ms` is not a time this covers (nothing written).
 */
export function writeMsAsSeconds(out: Uint8Array, p: number, ms: number): number {
  const ns = Math.round(ms * 1e6);
  // From 2e-4 s: Python writes every float of the range plainly, whichever digits are shortest.
  if (!(ns >= 2e5 && ns < NS_BELOW)) return -1;
  const x = ms / 1000;
  if (ns / 1e9 === x) return writeScaled(out, p, ns, 1e9, true);
  return writeNear(out, p, x, ns);
}

/** x = (ns + d) ns, d small: the shortest decimal within half an ulp of x, or −1 (see the header). */
function writeNear(out: Uint8Array, p: number, x: number, ns: number): number {
  // Half an ulp of x, in ns (a power of two times 1e9: one rounding, far inside the margin).
  F64[0] = x;
  const halfUlpNs = HALF_ULP_NS[(U32[HI]! >>> 20) & 0x7ff]!;
  // d = x·1e9 − ns exactly: x·1e9 = prod + err (Dekker), prod − ns exact (Sterbenz).
  const prod = x * 1e9;
  const c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const err = xh * B9H - prod + xh * B9L + xl * B9H + xl * B9L;
  const d = prod - ns + err;
  // Implied by NS_BELOW (half an ulp under 0.47 ns, |d| under 2), and kept: with the bound in
  // sight the compiler keeps the loop's values small numbers (without it, ~200 instructions more
  // per streamed event on the hotpath bench).
  if (!(halfUlpNs < 0.5 && Math.abs(d) < 4)) return -1;
  // The grids from 1 ns down to 1e-9 ns (enough from x ≈ 0.008 s: 17 digits always round-trip).
  // At most one point of the 1 ns grid is in reach (the nearest to ns + d; a coarser grid's point
  // in reach would be that one, its zeros dropped).
  for (let j = 0, scale = 1; j <= 9; j++, scale *= 10) {
    const t = d * scale;
    const h = halfUlpNs * scale;
    const k = Math.round(t);
    const dist = Math.abs(k - t);
    const margin = MARGIN * (Math.abs(t) + h);
    if (Math.abs(dist - h) < margin) return -1;
    if (dist < h) {
      // Two points of the grid in reach, x halfway between them: which one is not decided here.
      if (Math.abs(dist - 0.5) < margin) return -1;
      const q = Math.floor(k / scale);
      return j === 0 ? writeScaled(out, p, ns + k, 1e9, true) : writeNsAndDigits(out, p, ns + q, k - q * scale, j);
    }
  }
  return -1;
}

/** The seconds of `ns` + `k`·10^-j ns (0 ≤ k < 10^j, j ≥ 1); ns / 1e9 < 2^31. */
function writeNsAndDigits(out: Uint8Array, p: number, ns: number, k: number, j: number): number {
  const whole = wholeOf(ns, 1e9);
  p = writeUint(out, p, whole);
  out[p++] = 46; // .
  p = writeDigits(out, p, ns - whole * 1e9, 9);
  // k's last digit is not 0: that point would be on the coarser grid, which had none in reach.
  return writeDigits(out, p, k, j);
}
