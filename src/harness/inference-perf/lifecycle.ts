/**
 * inference-perf's lifecycle report object (harness-formats.md §2.6–2.7), built from our raw
 * RequestRecords with inference-perf's own field names and metric definitions:
 *   - times in seconds; summaries {mean,min,max,p0.1,…,median,…,p99.9} with numpy-linear percentiles;
 *   - successes only for latencies, computed only when a request has more than one output timestamp;
 *   - ITL pooled over every consecutive per-token gap (tokens of one chunk share its arrival time);
 *   - throughput = Σ / benchmark_time_seconds where benchmark_time = max(end) − min(start);
 *   - request_size_bytes = UTF-8 bytes of each success's request body (RequestRecord.requestBytes);
 *   - image/video/audio: v0.6.1's media blocks. We send text only, so `count` summarises one 0
 *     per success and the per-instance summaries are null (no instances), as v0.6.1 writes them.
 * Key order and nesting follow v0.6.1's files (../shared/upstream/samples/inference-perf/v0.6.1-run/).
 */
import type { RequestRecord } from '../../engine/types.ts';
import { inferencePerfRequest } from '../../metrics/inference-perf.ts';
import { tokenCountMismatch, tokenTimes } from '../../metrics/tokens.ts';
import { percentileKey, summarize, type Summary } from './stats.ts';

export interface LifecycleOptions {
  percentiles: number[];
  /** A `tokenizer:` section exists: one timestamp per token (chunk time), else one per chunk. */
  perTokenTimes: boolean;
  useServerOutputTokens: boolean;
  maxErrorMessages: number;
  /** Stage reports only. */
  stage?: { requestedRate: number; concurrency?: number };
}

/** Per-token (or per-chunk) output timestamps in ms, as inference-perf's report generator builds them. */
export function outputTimesMs(r: RequestRecord, perToken: boolean): number[] {
  return tokenTimes(r, !perToken);
}

/** Client count when known (v0.6.1 `prompt_len`), else the server's. */
export const promptLen = (r: RequestRecord): number => r.promptTokensClient ?? r.promptTokensServer ?? 0;
/** Client count of the generated text (`output_len`), else the server's, else the number of token timestamps. */
export const outputLen = (r: RequestRecord): number =>
  r.completionTokensClient ?? r.completionTokensServer ?? r.chunkTokens.reduce((a, b) => a + b, 0);
/** `output_tokens` per request: server completion_tokens, or the client count when usage is absent. */
export const outputTokens = (r: RequestRecord): number => r.completionTokensServer ?? outputLen(r);
/** Input tokens as HEAD counts them: server usage when present, else the client count. */
export const inputTokens = (r: RequestRecord): number => r.promptTokensServer ?? r.promptTokensClient ?? 0;

/** inference-perf's failure label: shared with every harness's analysis, so it lives in src/metrics. */
export { failureLabel } from '../../metrics/failure-label.ts';
import { failureLabel } from '../../metrics/failure-label.ts';

const s = (ms: number): number => ms / 1000;

/** The lifecycle report object for one group of records (the summary, one stage). */
export function lifecycleReport(records: readonly RequestRecord[], o: LifecycleOptions): Record<string, unknown> {
  const pct = o.percentiles;
  const ok = records.filter((r) => !r.error);
  const bad = records.filter((r) => r.error);
  let minStart = Infinity;
  let maxStart = -Infinity;
  let maxEnd = -Infinity;
  for (const r of records) {
    minStart = Math.min(minStart, r.sentAtMs);
    maxStart = Math.max(maxStart, r.sentAtMs);
    maxEnd = Math.max(maxEnd, r.endAtMs);
  }
  const benchS = records.length > 0 ? s(maxEnd - minStart) : 0;

  const latency: number[] = [];
  const ttft: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  const ntpot: number[] = [];
  let inSum = 0;
  let outSum = 0;
  let mismatches = 0;
  for (const r of ok) {
    // The definitions live in src/metrics (inference-perf §2.6); this file only shapes the report.
    const m = inferencePerfRequest(r, { perToken: o.perTokenTimes, outputTokens: o.useServerOutputTokens ? 'server' : 'client' });
    inSum += m.inputTokens;
    outSum += m.outputTokens;
    latency.push(m.latencyS);
    ntpot.push(m.ntpotS);
    if (m.ttftS !== undefined) ttft.push(m.ttftS);
    if (m.tpotS !== undefined) tpot.push(m.tpotS);
    if (m.itlS) for (const x of m.itlS) itl.push(x);
    if (tokenCountMismatch(r)) mismatches++;
  }

  const loadSummary: Record<string, unknown> = {
    count: records.length,
    schedule_delay: summarize(records.map((r) => s(r.sentAtMs - r.scheduledAtMs)), pct),
  };
  if (o.stage) {
    const sendS = records.length > 0 ? s(maxStart - minStart) : 0;
    loadSummary.send_duration = sendS;
    loadSummary.requested_rate = o.stage.requestedRate;
    loadSummary.achieved_rate = sendS > 0 ? records.length / sendS : 0;
    if (o.stage.concurrency !== undefined) loadSummary.concurrency = o.stage.concurrency;
  }

  const byLabel: Record<string, { count: number; messages: Array<{ message: string }> }> = {};
  for (const r of bad) {
    const label = failureLabel(r);
    const e = (byLabel[label] ??= { count: 0, messages: [] });
    e.count++;
    if (e.messages.length < o.maxErrorMessages && r.error) {
      const message = r.error.message.slice(0, 2000);
      if (!e.messages.some((m) => m.message === message)) e.messages.push({ message });
    }
  }

  const promptServerTotal = ok.reduce((a, r) => a + (r.promptTokensServer ?? r.promptTokensClient ?? 0), 0);
  const outTokensList = ok.map(outputTokens);
  const sumOr0 = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const perSec = (x: number): number => (benchS > 0 ? x / benchS : 0);
  const noMedia = summarize(ok.map(() => 0), pct);

  return {
    benchmark_time_seconds: benchS,
    load_summary: loadSummary,
    successes: {
      count: ok.length,
      latency: {
        request_latency: summarize(latency, pct),
        normalized_time_per_output_token: summarize(ntpot, pct),
        time_per_output_token: summarize(tpot, pct),
        time_to_first_token: summarize(ttft, pct),
        inter_token_latency: summarize(itl, pct),
      },
      throughput: {
        input_tokens_per_sec: perSec(inSum),
        output_tokens_per_sec: perSec(outSum),
        total_tokens_per_sec: perSec(inSum + outSum),
        requests_per_sec: perSec(ok.length),
        images_per_sec: 0,
        videos_per_sec: 0,
        audios_per_sec: 0,
      },
      request_size_bytes: requestSizeBytes(ok, pct),
      prompt_len: summarize(ok.map(promptLen), pct),
      image: { count: noMedia, pixels: null, bytes: null, aspect_ratio: null },
      video: { count: noMedia, frames: null, pixels: null, bytes: null, aspect_ratio: null },
      audio: { count: noMedia, seconds: null, bytes: null },
      prompt_tokens: {
        total: promptServerTotal,
        cached: 0,
        uncached: promptServerTotal,
        ...(summarize(ok.map(inputTokens), pct) ?? {}),
      },
      output_len: summarize(ok.map(outputLen), pct),
      output_tokens: { total: sumOr0(outTokensList), ...(summarize(outTokensList, pct) ?? {}) },
      token_count_mismatches: mismatches,
    },
    failures: {
      count: bad.length,
      request_latency: summarize(bad.map((r) => s(r.endAtMs - r.sentAtMs)), pct),
      prompt_len: summarize(bad.map(promptLen), pct),
      by_label: byLabel,
    },
  };
}

/** `request_size_bytes`: the request body's UTF-8 bytes per success (records that carry it). */
export function requestSizeBytes(ok: readonly RequestRecord[], pct: readonly number[]): Summary {
  const sizes: number[] = [];
  for (const r of ok) if (r.requestBytes !== undefined) sizes.push(r.requestBytes);
  return summarize(sizes, pct);
}

export type { Summary };
export { percentileKey };
