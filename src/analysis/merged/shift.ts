/**
 * Move one record onto the merged time base: every time field plus the generator's shift
 * (clock.ts). A constant per generator, so every latency (a difference of two of its fields)
 * is unchanged; only where the request sits on the merged timeline moves.
 */
import type { RequestRecord } from '../../engine/types.ts';

/** Shift `r`'s times by `d` ms, in place (records are parsed fresh per line); returns `r`. */
export function shiftRecord(r: RequestRecord, d: number): RequestRecord {
  if (d === 0) return r;
  r.scheduledAtMs += d;
  r.sentAtMs += d;
  r.endAtMs += d;
  if (r.dispatchedAtMs !== undefined) r.dispatchedAtMs += d;
  if (r.headersAtMs !== undefined) r.headersAtMs += d;
  if (r.firstChoiceAtMs !== undefined) r.firstChoiceAtMs += d;
  if (r.lastChoiceAtMs !== undefined) r.lastChoiceAtMs += d;
  const t = r.chunkTimesMs;
  for (let i = 0; i < t.length; i++) t[i]! += d;
  return r;
}
