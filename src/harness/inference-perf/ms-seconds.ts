/**
 * A monotonic time in ms as the seconds per_request writes (`pyFloat(msToSeconds(ms))`), straight
 * as bytes, without the double-to-shortest-string conversion: per_request writes one per streamed
 * event, and that conversion (~0.3–0.8 µs a number) was a large share of the file's cost.
 *
 * Which seconds: our times are monoMs() = ns / 1e6 (integer ns, one correctly rounded division).
 * For such a time the seconds are ns / 1e9 — the double nearest the exact decimal D = ns / 1e9 —
 * not ms / 1000, which rounds twice and is one ulp off D's double for about a quarter of times.
 * So a per_request time is, digit for digit, the records.jsonl time with the point moved three
 * places (records.jsonl writes ms as ns / 1e6's exact decimal: engine/record/line-bytes.ts).
 *
 * Why the bytes are exact: D has at most 15 significant digits (ns < 1e15), and two decimals of
 * at most 15 digits are further apart than a double's ulp, so D is the only one of its length
 * that rounds to ns / 1e9 and no shorter one does: the shortest round-trip spelling of that
 * double — JavaScript's and Python's — is D with its trailing zeros dropped (`.0` when none is
 * left). Python writes that plainly from 1e-4 s (ns ≥ 1e5). Any other number (not from monoMs,
 * negative, too large) takes ms / 1000 and pyFloat's text.
 */
import { writeScaled } from '../../util/decimal-bytes.ts';

/** The seconds per_request writes for a time in ms (see above): ns / 1e9 for a monotonic-clock time, else ms / 1000. */
export function msToSeconds(ms: number): number {
  const ns = Math.round(ms * 1e6);
  return ns >= 1e5 && ns < 1e15 && ns / 1e6 === ms ? ns / 1e9 : ms / 1000;
}

/**
 * Write `pyFloat(msToSeconds(ms))` into `out` at `p` (room for 17 bytes needed); the end position,
 * or −1 when `ms` is not a monotonic-clock time this covers (nothing written).
 */
export function writeMsAsSeconds(out: Uint8Array, p: number, ms: number): number {
  const ns = Math.round(ms * 1e6);
  if (!(ns >= 1e5 && ns < 1e15) || ns / 1e6 !== ms) return -1;
  return writeScaled(out, p, ns, 1e9, true);
}
