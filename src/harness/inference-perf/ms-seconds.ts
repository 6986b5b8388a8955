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
 *
 * Why ms / 1000 and not the exact ns / 1e9 (which would always take the fast path): a reader joins
 * per_request entries to records.jsonl by `start_time == sentAtMs / 1000`, in any language; that
 * holds only if the seconds are that very double (ns / 1e9 differs by an ulp for a quarter of times).
 */
import { writeScaled } from '../../util/decimal-bytes.ts';

/**
 * Write `pyFloat(ms / 1000)` into `out` at `p` (room for 17 bytes needed); the end position, or
 * −1 when `ms` is not a time this covers (nothing written).
 */
export function writeMsAsSeconds(out: Uint8Array, p: number, ms: number): number {
  const ns = Math.round(ms * 1e6);
  if (!(ns >= 1e5 && ns < 1e15) || ns / 1e9 !== ms / 1000) return -1;
  return writeScaled(out, p, ns, 1e9, true);
}
