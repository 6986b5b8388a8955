import type { RequestRecord } from '../engine/types.ts';
import { percentileSorted } from './stats.ts';
import { inputTokens, outputTokens } from './tokens.ts';

/**
 * `vllm bench serve` definitions (harness-formats §4.3–4.5; vllm/benchmarks/serve.py
 * `calculate_metrics`), so a user sees the figures vLLM's tool would print for the same
 * requests. Per successful request: TTFT to the first chunk with `choices` (the chat role
 * chunk counts), latency to the last such chunk (the usage chunk and [DONE] excluded),
 * TPOT = (latency − TTFT)/(out − 1) only for out > 1, ITL = every gap between choice chunks,
 * pooled. Statistics: numpy mean / median / population std / linear percentiles; an empty
 * list counts as [0]. Client queue time = sent − scheduled (waiting for a --max-concurrency
 * slot), reported separately and never part of TTFT or latency. Our records keep every
 * content chunk plus the first/last choice chunk, so a choice chunk without text in the
 * middle of a stream (rare) is not a separate ITL sample.
 */

/** mean / median / std and the selected percentiles, ms. */
export interface VllmStat {
  mean: number;
  median: number;
  std: number;
  /** [percentile, value] in the order asked. */
  percentiles: [number, number][];
}

export interface VllmBenchOptions {
  /** --metric-percentiles (default [99]). */
  percentiles?: number[];
  /** --goodput SLOs in ms (ttft, tpot, e2el); request_goodput is null without them. */
  goodput?: Partial<Record<'ttft' | 'tpot' | 'e2el', number>>;
  /** vLLM's benchmark_duration: dispatch start → all requests done (ms, monotonic). Default: first scheduled → last end. */
  windowMs?: { startMs: number; endMs: number };
}

export interface VllmBenchMetrics {
  completed: number;
  failed: number;
  durationS: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  requestThroughput: number;
  /** null without goodput SLOs. */
  requestGoodput: number | null;
  outputThroughput: number;
  totalTokenThroughput: number;
  /** Peak over 1 s buckets of choice-chunk times (vLLM: start + ttft + cumulative ITLs). */
  maxOutputTokensPerS: number;
  /** Exact peak of in-flight successful requests over [start, start + latency). */
  maxConcurrentRequests: number;
  ttftMs: VllmStat;
  tpotMs: VllmStat;
  itlMs: VllmStat;
  e2elMs: VllmStat;
  /** sent − scheduled of successful requests (the wait for a concurrency slot). */
  clientQueueTimeMs: VllmStat;
  /** latency + queue time of successful requests. */
  e2elIncludingClientQueueMs: VllmStat;
  /** Per request, in record order (vLLM's arrays; seconds; 0 / [] for failures). */
  perRequest: {
    inputLens: number[];
    outputLens: number[];
    ttftsS: number[];
    itlsS: number[][];
    latenciesS: number[];
    startTimesS: number[];
    queueTimesS: number[];
    errors: string[];
  };
}

/** Times of the chunks with `choices`: content chunks plus the first/last choice chunk. */
export function choiceTimes(r: RequestRecord): number[] {
  const t = r.chunkTimesMs.slice();
  // choice chunks without text (the chat role chunk, a final finish_reason chunk): vLLM times
  // each one; a final one read together with the last token shares its time (a 0 gap).
  let missing = r.choiceEventCount !== undefined ? r.choiceEventCount - t.length : undefined;
  if (r.firstChoiceAtMs !== undefined && (t.length === 0 || r.firstChoiceAtMs < t[0]!)) {
    t.unshift(r.firstChoiceAtMs);
    if (missing !== undefined) missing--;
  }
  if (r.lastChoiceAtMs !== undefined && (missing === undefined ? r.lastChoiceAtMs > t[t.length - 1]! : missing > 0 && r.lastChoiceAtMs >= t[t.length - 1]!)) t.push(r.lastChoiceAtMs);
  return t;
}

/** vLLM's success: no error and at least one chunk with choices (or a whole non-streamed response). */
export function vllmSuccess(r: RequestRecord): boolean {
  if (r.error) return false;
  if (r.stream === false) return true;
  return r.firstChoiceAtMs !== undefined || r.chunkTimesMs.length > 0;
}

/** numpy statistics of values (ms); an empty list is [0], as `np.mean(x or 0)`. */
export function vllmStat(values: readonly number[], percentiles: readonly number[]): VllmStat {
  const s = Float64Array.from(values.length ? values : [0]).sort();
  const n = s.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
  return { mean, median: percentileSorted(s, 50), std: Math.sqrt(ss / n), percentiles: percentiles.map((p) => [p, percentileSorted(s, p)]) };
}

/** vLLM's output length: server usage (when non-zero), else the client count, else 1. */
export function vllmOutputTokens(r: RequestRecord): number {
  const n = outputTokens(r);
  return n > 0 ? n : (r.completionTokensClient ?? 1) || 1;
}

export function vllmBenchMetrics(records: readonly RequestRecord[], o: VllmBenchOptions = {}): VllmBenchMetrics {
  const pcts = o.percentiles ?? [99];
  const ttft: number[] = [];
  const tpot: number[] = [];
  const allTpot: number[] = [];
  const itl: number[] = [];
  const e2el: number[] = [];
  const queue: number[] = [];
  const e2elQ: number[] = [];
  const pr: VllmBenchMetrics['perRequest'] = { inputLens: [], outputLens: [], ttftsS: [], itlsS: [], latenciesS: [], startTimesS: [], queueTimesS: [], errors: [] };
  const spans: [number, number][] = [];
  const tokenTimes: number[] = [];
  let completed = 0;
  let inTot = 0;
  let outTot = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const r of records) {
    first = Math.min(first, r.scheduledAtMs);
    last = Math.max(last, r.endAtMs);
    const q = r.sentAtMs - r.scheduledAtMs;
    pr.queueTimesS.push(q / 1000);
    pr.startTimesS.push(r.sentAtMs / 1000);
    pr.inputLens.push(inputTokens(r));
    if (!vllmSuccess(r)) {
      pr.outputLens.push(0);
      pr.ttftsS.push(0);
      pr.itlsS.push([]);
      pr.latenciesS.push(0);
      pr.errors.push(r.error ? r.error.message : 'no chunk with choices');
      continue;
    }
    pr.errors.push('');
    completed++;
    const out = vllmOutputTokens(r);
    inTot += inputTokens(r);
    outTot += out;
    pr.outputLens.push(out);
    const times = r.stream === false ? [] : choiceTimes(r);
    const lat = (times.length ? times[times.length - 1]! : r.endAtMs) - r.sentAtMs;
    const t0 = times.length ? times[0]! - r.sentAtMs : lat;
    const gaps: number[] = [];
    for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
    ttft.push(t0);
    e2el.push(lat);
    const tp = out > 1 ? (lat - t0) / (out - 1) : 0;
    if (out > 1) tpot.push(tp);
    allTpot.push(tp);
    for (const g of gaps) itl.push(g);
    queue.push(q);
    e2elQ.push(lat + q);
    pr.ttftsS.push(t0 / 1000);
    pr.itlsS.push(gaps.map((g) => g / 1000));
    pr.latenciesS.push(lat / 1000);
    spans.push([r.sentAtMs, r.sentAtMs + lat]);
    if (times.length) for (const t of times) tokenTimes.push(t);
    else tokenTimes.push(r.sentAtMs + t0);
  }
  const startMs = o.windowMs?.startMs ?? first;
  const endMs = o.windowMs?.endMs ?? last;
  const durationS = records.length ? (endMs - startMs) / 1000 : 0;
  const per = (x: number): number => (durationS > 0 ? x / durationS : 0);
  let good: number | null = null;
  const slo = o.goodput;
  if (slo && Object.keys(slo).length > 0) {
    good = 0;
    for (let i = 0; i < ttft.length; i++) {
      if ((slo.ttft === undefined || ttft[i]! <= slo.ttft) && (slo.tpot === undefined || allTpot[i]! <= slo.tpot) && (slo.e2el === undefined || e2el[i]! <= slo.e2el)) good++;
    }
  }
  return {
    completed,
    failed: records.length - completed,
    durationS,
    totalInputTokens: inTot,
    totalOutputTokens: outTot,
    requestThroughput: per(completed),
    requestGoodput: good === null ? null : per(good),
    outputThroughput: per(outTot),
    totalTokenThroughput: per(inTot + outTot),
    maxOutputTokensPerS: peakPerSecond(spans, tokenTimes),
    maxConcurrentRequests: peakConcurrency(spans),
    ttftMs: vllmStat(ttft, pcts),
    tpotMs: vllmStat(tpot, pcts),
    itlMs: vllmStat(itl, pcts),
    e2elMs: vllmStat(e2el, pcts),
    clientQueueTimeMs: vllmStat(queue, pcts),
    e2elIncludingClientQueueMs: vllmStat(e2elQ, pcts),
    perRequest: pr,
  };
}

/** Most token chunks in one 1-s bucket counted from the first successful start (vLLM's bucketing). */
function peakPerSecond(spans: readonly [number, number][], times: readonly number[]): number {
  if (spans.length === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [s, e] of spans) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, e);
  }
  const n = Math.ceil((hi - lo) / 1000) + 1;
  const buckets = new Float64Array(n);
  for (const t of times) {
    const b = Math.trunc((t - lo) / 1000);
    if (b >= 0 && b < n) buckets[b]!++;
  }
  let max = 0;
  for (const v of buckets) max = Math.max(max, v);
  return max;
}

/** Peak of a sweep over half-open [start, end) intervals; a departure before an arrival at the same instant. */
function peakConcurrency(spans: readonly [number, number][]): number {
  const ev: [number, number][] = [];
  for (const [s, e] of spans) ev.push([s, 1], [e, -1]);
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of ev) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}
