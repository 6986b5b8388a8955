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
import { F64Buffer } from '../../util/f64-buffer.ts';
import { percentileKey, summarize, summarizeInPlace, type Summary } from './stats.ts';

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
  const acc = new LifecycleAccumulator(o);
  for (const r of records) acc.add(r);
  return acc.report(o);
}

/** Failures by label with their first distinct messages, in the order records finished. */
export class LabelTally {
  readonly byLabel: Record<string, { count: number; messages: Array<{ message: string }> }> = {};
  constructor(private readonly maxMessages: number) {}
  add(r: RequestRecord): void {
    const label = failureLabel(r);
    const e = (this.byLabel[label] ??= { count: 0, messages: [] });
    e.count++;
    if (e.messages.length < this.maxMessages && r.error) {
      const message = r.error.message.slice(0, 2000);
      if (!e.messages.some((m) => m.message === message)) e.messages.push({ message });
    }
  }
}

/**
 * lifecycleReport one record at a time: per request only numbers are kept (one Float64 per
 * statistic, one per inter-token gap), never the record, so a harness can feed it as requests
 * finish. Summaries sort before summing, so the order records arrive in changes nothing; the
 * report is the same object lifecycleReport gives for the same records. Stage accumulators
 * merge into the summary's (`merge`) without keeping a second copy during the run.
 */
export class LifecycleAccumulator {
  private n = 0;
  private nOk = 0;
  private nBad = 0;
  private minStart = Infinity;
  private maxStart = -Infinity;
  private maxEnd = -Infinity;
  private inSum = 0;
  private outSum = 0;
  private mismatches = 0;
  private promptServerTotal = 0;
  private outTokensTotal = 0;
  private c = {
    schedule: new F64Buffer(),
    latency: new F64Buffer(),
    ntpot: new F64Buffer(),
    ttft: new F64Buffer(),
    tpot: new F64Buffer(),
    itl: new F64Buffer(),
    requestBytes: new F64Buffer(),
    promptLen: new F64Buffer(),
    inputTokens: new F64Buffer(),
    outputLen: new F64Buffer(),
    outputTokens: new F64Buffer(),
    failLatency: new F64Buffer(),
    failPromptLen: new F64Buffer(),
  };
  private labels: LabelTally;

  constructor(private readonly o: Pick<LifecycleOptions, 'perTokenTimes' | 'useServerOutputTokens' | 'maxErrorMessages'>) {
    this.labels = new LabelTally(o.maxErrorMessages);
  }

  add(r: RequestRecord): void {
    const c = this.c;
    this.n++;
    if (r.sentAtMs < this.minStart) this.minStart = r.sentAtMs;
    if (r.sentAtMs > this.maxStart) this.maxStart = r.sentAtMs;
    if (r.endAtMs > this.maxEnd) this.maxEnd = r.endAtMs;
    c.schedule.push(s(r.sentAtMs - r.scheduledAtMs));
    if (r.error) {
      this.nBad++;
      this.labels.add(r);
      c.failLatency.push(s(r.endAtMs - r.sentAtMs));
      c.failPromptLen.push(promptLen(r));
      return;
    }
    this.nOk++;
    // The definitions live in src/metrics (inference-perf §2.6); this file only shapes the report.
    const m = inferencePerfRequest(r, { perToken: this.o.perTokenTimes, outputTokens: this.o.useServerOutputTokens ? 'server' : 'client' });
    this.inSum += m.inputTokens;
    this.outSum += m.outputTokens;
    c.latency.push(m.latencyS);
    c.ntpot.push(m.ntpotS);
    if (m.ttftS !== undefined) c.ttft.push(m.ttftS);
    if (m.tpotS !== undefined) c.tpot.push(m.tpotS);
    if (m.itlS) for (const x of m.itlS) c.itl.push(x);
    if (tokenCountMismatch(r)) this.mismatches++;
    const inTok = inputTokens(r);
    this.promptServerTotal += inTok;
    c.inputTokens.push(inTok);
    const outTok = outputTokens(r);
    this.outTokensTotal += outTok;
    c.outputTokens.push(outTok);
    if (r.requestBytes !== undefined) c.requestBytes.push(r.requestBytes);
    c.promptLen.push(promptLen(r));
    c.outputLen.push(outputLen(r));
  }

  /**
   * One accumulator holding every record of `parts` (the summary from the stages), with the
   * failure messages of `labels` (tallied over all records in finishing order).
   */
  static merge(parts: readonly LifecycleAccumulator[], labels: LabelTally, o: LifecycleAccumulator['o']): LifecycleAccumulator {
    const out = new LifecycleAccumulator(o);
    out.labels = labels;
    // One stage (the usual run): share its columns rather than copy them (report sorts them in
    // place; the stage's own report then sorts sorted columns: the same values).
    if (parts.length === 1) out.c = parts[0]!.c;
    for (const p of parts) {
      out.n += p.n;
      out.nOk += p.nOk;
      out.nBad += p.nBad;
      out.minStart = Math.min(out.minStart, p.minStart);
      out.maxStart = Math.max(out.maxStart, p.maxStart);
      out.maxEnd = Math.max(out.maxEnd, p.maxEnd);
      out.inSum += p.inSum;
      out.outSum += p.outSum;
      out.mismatches += p.mismatches;
      out.promptServerTotal += p.promptServerTotal;
      out.outTokensTotal += p.outTokensTotal;
      if (parts.length > 1) for (const k of Object.keys(out.c) as (keyof LifecycleAccumulator['c'])[]) for (const v of p.c[k].view()) out.c[k].push(v);
    }
    return out;
  }

  get count(): number {
    return this.n;
  }

  /** The report object; sorts this accumulator's columns in place (call once). */
  report(o: LifecycleOptions): Record<string, unknown> {
    const pct = o.percentiles;
    const c = this.c;
    const sum = (b: F64Buffer): Summary => summarizeInPlace(b.view(), pct);
    const n = this.n;
    const benchS = n > 0 ? s(this.maxEnd - this.minStart) : 0;
    const loadSummary: Record<string, unknown> = { count: n, schedule_delay: sum(c.schedule) };
    if (o.stage) {
      const sendS = n > 0 ? s(this.maxStart - this.minStart) : 0;
      loadSummary.send_duration = sendS;
      loadSummary.requested_rate = o.stage.requestedRate;
      loadSummary.achieved_rate = sendS > 0 ? n / sendS : 0;
      if (o.stage.concurrency !== undefined) loadSummary.concurrency = o.stage.concurrency;
    }
    const perSec = (x: number): number => (benchS > 0 ? x / benchS : 0);
    const noMedia = summarizeInPlace(new Float64Array(this.nOk), pct);
    return {
      benchmark_time_seconds: benchS,
      load_summary: loadSummary,
      successes: {
        count: this.nOk,
        latency: {
          request_latency: sum(c.latency),
          normalized_time_per_output_token: sum(c.ntpot),
          time_per_output_token: sum(c.tpot),
          time_to_first_token: sum(c.ttft),
          inter_token_latency: sum(c.itl),
        },
        throughput: {
          input_tokens_per_sec: perSec(this.inSum),
          output_tokens_per_sec: perSec(this.outSum),
          total_tokens_per_sec: perSec(this.inSum + this.outSum),
          requests_per_sec: perSec(this.nOk),
          images_per_sec: 0,
          videos_per_sec: 0,
          audios_per_sec: 0,
        },
        request_size_bytes: sum(c.requestBytes),
        prompt_len: sum(c.promptLen),
        image: { count: noMedia, pixels: null, bytes: null, aspect_ratio: null },
        video: { count: noMedia, frames: null, pixels: null, bytes: null, aspect_ratio: null },
        audio: { count: noMedia, seconds: null, bytes: null },
        prompt_tokens: {
          total: this.promptServerTotal,
          cached: 0,
          uncached: this.promptServerTotal,
          ...(sum(c.inputTokens) ?? {}),
        },
        output_len: sum(c.outputLen),
        output_tokens: { total: this.outTokensTotal, ...(sum(c.outputTokens) ?? {}) },
        token_count_mismatches: this.mismatches,
      },
      failures: {
        count: this.nBad,
        request_latency: sum(c.failLatency),
        prompt_len: sum(c.failPromptLen),
        by_label: this.labels.byLabel,
      },
    };
  }
}

/** `request_size_bytes`: the request body's UTF-8 bytes per success (records that carry it). */
export function requestSizeBytes(ok: readonly RequestRecord[], pct: readonly number[]): Summary {
  const sizes: number[] = [];
  for (const r of ok) if (r.requestBytes !== undefined) sizes.push(r.requestBytes);
  return summarize(sizes, pct);
}

export type { Summary };
export { percentileKey };
