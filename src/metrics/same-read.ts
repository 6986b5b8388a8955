/**
 * How often several content events of one stream arrived in one network read. Each read gets one
 * timestamp (src/engine/client), so such events are gaps of exactly 0 between consecutive content
 * events: a property of delivery (server flush, TCP coalescing, a client busy elsewhere), not of
 * token generation. Reported in load-generator health so a reader of ITL knows how many of its
 * zeros are ours to explain (docs/metrics.md §1, §7).
 */
import type { RequestRecord } from '../engine/types.ts';

export interface SameReadGaps {
  /** Gaps between consecutive content events, over successful streamed records. */
  gaps: number;
  /** Of those, gaps whose two events arrived in the same read (exactly 0 ms). */
  sameRead: number;
  /** sameRead / gaps; null when there are no gaps. */
  share: number | null;
}

/** Same-read share over successful streamed records (those carrying `sameReadChunks`). */
export function sameReadGaps(records: readonly RequestRecord[]): SameReadGaps {
  let gaps = 0;
  let sameRead = 0;
  for (const r of records) {
    if (r.error || r.sameReadChunks === undefined) continue;
    const n = r.chunkTimesMs.length;
    if (n < 2) continue;
    gaps += n - 1;
    sameRead += r.sameReadChunks;
  }
  return { gaps, sameRead, share: gaps > 0 ? sameRead / gaps : null };
}
