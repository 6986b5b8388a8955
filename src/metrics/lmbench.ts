import type { RequestRecord } from '../engine/types.ts';
import { toEpochMs, type ClockAnchor } from '../util/clock.ts';
import { inputTokens, outputTokens } from './tokens.ts';

/**
 * fmperf / LMBenchmark multi-round QA definitions (harness-formats §5.3; multi-round-qa.py),
 * so the per-request CSV and the summary are what LMBenchmark would have written for the same
 * requests. Per finished request, seconds: ttft = first chunk with non-empty content − launch,
 * generation_time = end − first token (both 0 when no token came), launch/finish as epoch
 * seconds; token counts from the server's usage. The summary keeps requests that finished
 * inside the window, as ProcessSummary does; and llm-d's conversion of these CSVs
 * (latency = finish − launch, TPOT = (latency − ttft)/(generation_tokens − 1), ITL = TPOT).
 */
export interface LmbenchRow {
  prompt_tokens: number;
  generation_tokens: number;
  ttft: number;
  generation_time: number;
  user_id?: number;
  question_id?: number;
  launch_time: number;
  finish_time: number;
}

/** The CSV row of one record; undefined for a request that did not finish (LMBenchmark never records those). */
export function lmbenchRow(r: RequestRecord, anchor: ClockAnchor): LmbenchRow | undefined {
  if (r.error) return undefined;
  const first = r.chunkTimesMs[0];
  const row: LmbenchRow = {
    prompt_tokens: inputTokens(r),
    generation_tokens: outputTokens(r),
    ttft: first !== undefined ? (first - r.sentAtMs) / 1000 : 0,
    generation_time: first !== undefined ? (r.endAtMs - first) / 1000 : 0,
    launch_time: toEpochMs(anchor, r.sentAtMs) / 1000,
    finish_time: toEpochMs(anchor, r.endAtMs) / 1000,
  };
  const user = r.tags?.user;
  const q = r.tags?.question;
  if (typeof user === 'number') row.user_id = user;
  if (typeof q === 'number') row.question_id = q;
  return row;
}

export interface LmbenchSummary {
  /** Configured QPS. */
  qps: number;
  /** Finished requests / window (LMBenchmark's "processing speed"). */
  finishedPerS: number;
  inputTokensPerS: number;
  outputTokensPerS: number;
  /** mean(generation_tokens / generation_time) over rows with generation_time > 0. */
  generationTokensPerSPerRequest: number;
  /** Mean TTFT, s. */
  meanTtftS: number;
  /** Requests still in flight when the run stopped. */
  pending: number;
  finished: number;
  windowS: number;
}

/** LMBenchmark's final summary: rows finishing in [start, end] (default: first launch → last finish). */
export function lmbenchSummary(rows: readonly LmbenchRow[], o: { qps: number; pending?: number; startS?: number; endS?: number }): LmbenchSummary {
  const start = o.startS ?? Math.min(...rows.map((r) => r.launch_time));
  const end = o.endS ?? Math.max(...rows.map((r) => r.finish_time));
  const kept = rows.filter((r) => r.finish_time >= start && r.finish_time <= end);
  const w = end - start;
  const per = (x: number): number => (w > 0 ? x / w : 0);
  const sum = (f: (r: LmbenchRow) => number): number => kept.reduce((a, r) => a + f(r), 0);
  const speeds = kept.filter((r) => r.generation_time > 0).map((r) => r.generation_tokens / r.generation_time);
  return {
    qps: o.qps,
    finishedPerS: per(kept.length),
    inputTokensPerS: per(sum((r) => r.prompt_tokens)),
    outputTokensPerS: per(sum((r) => r.generation_tokens)),
    generationTokensPerSPerRequest: speeds.length ? speeds.reduce((a, b) => a + b, 0) / speeds.length : 0,
    meanTtftS: kept.length ? sum((r) => r.ttft) / kept.length : 0,
    pending: o.pending ?? 0,
    finished: kept.length,
    windowS: Number.isFinite(w) ? w : 0,
  };
}

/** llm-d's per-request derived values from an fmperf CSV row (s): latency, TPOT (= ITL). */
export function lmbenchDerived(r: LmbenchRow): { latencyS: number; tpotS: number | undefined } {
  const latencyS = r.finish_time - r.launch_time;
  return { latencyS, tpotS: r.generation_tokens > 1 ? (latencyS - r.ttft) / (r.generation_tokens - 1) : undefined };
}
