import type { RequestRecord } from '../engine/types.ts';
import { summarize, type Summary } from './stats.ts';
import { inputTokens, outputTokens } from './tokens.ts';

/**
 * `vllm bench serve` definitions (harness-formats §4.4–4.5), ms: TTFT to the
 * first chunk with `choices` (the chat role chunk counts), latency to the last
 * such chunk (usage chunk and [DONE] excluded), TPOT = (latency − TTFT)/(out − 1)
 * for out > 1, ITL = every gap between choice chunks, pooled. Our records keep
 * the time of every content chunk plus the first/last choice chunk, so choice
 * chunks without text in the middle of a stream (rare) are not separate ITL samples.
 */
export interface VllmBenchMetrics {
  completed: number;
  failed: number;
  /** First send → last end, seconds. */
  durationS: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  requestThroughput: number;
  outputThroughput: number;
  totalTokenThroughput: number;
  ttftMs?: Summary;
  tpotMs?: Summary;
  itlMs?: Summary;
  e2elMs?: Summary;
}

function choiceTimes(r: RequestRecord): number[] {
  const t = r.chunkTimesMs.slice();
  if (r.firstChoiceAtMs !== undefined && (t.length === 0 || r.firstChoiceAtMs < t[0]!)) t.unshift(r.firstChoiceAtMs);
  if (r.lastChoiceAtMs !== undefined && r.lastChoiceAtMs > t[t.length - 1]!) t.push(r.lastChoiceAtMs);
  return t;
}

export function vllmBenchMetrics(records: readonly RequestRecord[]): VllmBenchMetrics {
  const ttft: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  const e2el: number[] = [];
  let completed = 0;
  let inTot = 0;
  let outTot = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    start = Math.min(start, r.sentAtMs);
    end = Math.max(end, r.endAtMs);
    // Success needs at least one chunk with choices (streamed) or a whole response.
    if (r.error || (r.stream !== false && r.firstChoiceAtMs === undefined && r.chunkTimesMs.length === 0)) continue;
    const times = choiceTimes(r);
    completed++;
    const out = outputTokens(r);
    inTot += inputTokens(r);
    outTot += out;
    if (times.length === 0) {
      e2el.push(r.endAtMs - r.sentAtMs);
      continue;
    }
    const t0 = times[0]! - r.sentAtMs;
    const lat = times[times.length - 1]! - r.sentAtMs;
    ttft.push(t0);
    e2el.push(lat);
    if (out > 1) tpot.push((lat - t0) / (out - 1));
    for (let i = 1; i < times.length; i++) itl.push(times[i]! - times[i - 1]!);
  }
  const durationS = records.length ? (end - start) / 1000 : 0;
  const per = (x: number): number => (durationS > 0 ? x / durationS : 0);
  return {
    completed,
    failed: records.length - completed,
    durationS,
    totalInputTokens: inTot,
    totalOutputTokens: outTot,
    requestThroughput: per(completed),
    outputThroughput: per(outTot),
    totalTokenThroughput: per(inTot + outTot),
    ttftMs: summarize(ttft),
    tpotMs: summarize(tpot),
    itlMs: summarize(itl),
    e2elMs: summarize(e2el),
  };
}
