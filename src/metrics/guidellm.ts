/**
 * GuideLLM's measurement rules as pure functions of our RequestRecords (harness-formats §3.5–3.6,
 * guidellm's GenerativeRequestStats / GenerativeMetrics), so a run on our engine reports what
 * GuideLLM would have printed for the same requests:
 *  - status: successful; errored (any failure but a cancellation); incomplete (cancelled: by a
 *    stage duration limit, max_errors, or shutdown — error label 'aborted');
 *  - token iterations = our content events; output tokens = server usage, else the iteration count;
 *  - TTFT = first iteration − start; TPOT = (last iteration (or end) − start)/out, so it includes
 *    the first token, weighted by out; ITL = (last − first)/(out − 1) per request, weighted by out − 1;
 *  - measurement window: requests with end ≥ window start and start ≤ window end (warm-up /
 *    cool-down trimming keeps requests that only partly overlap, as GuideLLM does);
 *  - distributions: GuideLLM's weighted nearest-rank summaries (./guidellm-dist.ts).
 * Times given to GuideLLM's rate/concurrency functions are epoch seconds: `epochOffsetMs` maps
 * our monotonic ms onto wall-clock ms (0 keeps them monotonic; latencies do not depend on it).
 */
import type { RequestRecord } from '../engine/types.ts';
import {
  glConcurrencyFromTimings,
  glFromValues,
  glRateFromTimings,
  glStatus,
  type ByStatus,
  type GlDistribution,
  type GlStatusDistribution,
  type Weighted,
} from './guidellm-dist.ts';

export type GlStatusName = 'successful' | 'errored' | 'incomplete';

/** Text sizes GuideLLM reports per request (words and characters of prompt and output). */
export interface GlTextSizes {
  inputWords?: number;
  inputChars?: number;
  outputWords?: number;
  outputChars?: number;
}

/** One request as GuideLLM sees it (its GenerativeRequestStats computed fields), seconds unless `Ms`. */
export interface GlRequest {
  record: RequestRecord;
  status: GlStatusName;
  startS: number;
  /** request_end_time: the end of the response, or when the request was resolved (cancelled / failed). */
  endS: number;
  firstTokenS?: number;
  lastTokenS?: number;
  tokenIterations: number;
  requestIterations: number;
  promptTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** null for a cancelled request (GuideLLM has no request_end for it). */
  latencyS?: number;
  ttftMs?: number;
  tpotMs?: number;
  itlMs?: number;
  tokensPerS?: number;
  outputTokensPerS?: number;
  iterTokensPerIteration?: number;
  outputTokensPerIteration?: number;
}

export function glStatusOf(r: RequestRecord): GlStatusName {
  if (!r.error) return 'successful';
  return r.error.label === 'aborted' ? 'incomplete' : 'errored';
}

/** GuideLLM's computed per-request fields for one record. */
export function glRequest(r: RequestRecord, epochOffsetMs = 0): GlRequest {
  const s = (ms: number): number => (ms + epochOffsetMs) / 1000;
  const status = glStatusOf(r);
  const iters = r.chunkTimesMs.length;
  const startS = s(r.sentAtMs);
  const endS = s(r.endAtMs);
  const firstTokenS = iters > 0 ? s(r.chunkTimesMs[0]!) : undefined;
  const lastTokenS = iters > 0 ? s(r.chunkTimesMs[iters - 1]!) : undefined;
  const outputTokens = r.completionTokensServer ?? (iters > 0 ? iters : undefined);
  const promptTokens = r.promptTokensServer ?? r.promptTokensClient;
  const totalTokens = promptTokens === undefined && outputTokens === undefined ? undefined : (promptTokens ?? 0) + (outputTokens ?? 0);
  // request iterations: every non-empty SSE line — the events with choices, the usage-only chunk, [DONE]
  const requestIterations = (r.choiceEventCount ?? iters) + (r.completionTokensServer !== undefined && status === 'successful' ? 1 : 0) + (r.doneSeen ? 1 : 0);
  const latencyS = status === 'incomplete' ? undefined : (r.endAtMs - r.sentAtMs) / 1000;
  const out: GlRequest = { record: r, status, startS, endS, tokenIterations: iters, requestIterations };
  if (firstTokenS !== undefined) out.firstTokenS = firstTokenS;
  if (lastTokenS !== undefined) out.lastTokenS = lastTokenS;
  if (promptTokens !== undefined) out.promptTokens = promptTokens;
  if (outputTokens !== undefined) out.outputTokens = outputTokens;
  if (totalTokens !== undefined) out.totalTokens = totalTokens;
  if (latencyS !== undefined) out.latencyS = latencyS;
  if (iters > 0) out.ttftMs = r.chunkTimesMs[0]! - r.sentAtMs;
  const last = iters > 0 ? r.chunkTimesMs[iters - 1]! : r.endAtMs;
  if (outputTokens) out.tpotMs = (last - r.sentAtMs) / outputTokens;
  if (iters > 0 && outputTokens !== undefined && outputTokens > 1) out.itlMs = (r.chunkTimesMs[iters - 1]! - r.chunkTimesMs[0]!) / (outputTokens - 1);
  if (latencyS && totalTokens !== undefined) out.tokensPerS = totalTokens / latencyS;
  if (latencyS && outputTokens !== undefined) out.outputTokensPerS = outputTokens / latencyS;
  if (outputTokens !== undefined && outputTokens > 1 && iters > 1) out.iterTokensPerIteration = (outputTokens - 1) / (iters - 1);
  if (outputTokens !== undefined && iters >= 1) out.outputTokensPerIteration = outputTokens / iters;
  return out;
}

/** (time, tokens) events of a request's output: the first token, then iterations evenly spaced to the last. */
export function outputTimings(q: GlRequest): Weighted[] {
  if (q.firstTokenS === undefined || q.lastTokenS === undefined || q.tokenIterations <= 1) {
    return [[q.lastTokenS ?? q.endS, q.outputTokens ?? 0]];
  }
  return [[q.firstTokenS, q.outputTokens ? 1 : 0], ...iterTimings(q)];
}

function iterTimings(q: GlRequest): Weighted[] {
  const per = q.iterTokensPerIteration;
  if (q.firstTokenS === undefined || q.lastTokenS === undefined || per === undefined || q.tokenIterations <= 1) return [];
  const n = q.tokenIterations;
  const out: Weighted[] = [];
  // numpy.linspace(first, last, n)[1:]
  const step = (q.lastTokenS - q.firstTokenS) / (n - 1);
  for (let i = 1; i < n; i++) out.push([i === n - 1 ? q.lastTokenS : q.firstTokenS + i * step, per]);
  return out;
}

export const promptTiming = (q: GlRequest): Weighted => [q.firstTokenS ?? q.endS, q.promptTokens ?? 0];

/** `{input, input_per_second, input_concurrency, output, …, total_concurrency}` for one quantity (GenerativeMetricsSummary). */
export interface GlMetricsSummary {
  input: GlStatusDistribution | null;
  input_per_second: GlStatusDistribution | null;
  input_concurrency: GlStatusDistribution | null;
  output: GlStatusDistribution | null;
  output_per_second: GlStatusDistribution | null;
  output_concurrency: GlStatusDistribution | null;
  total: GlStatusDistribution | null;
  total_per_second: GlStatusDistribution | null;
  total_concurrency: GlStatusDistribution | null;
}

const NULL_SUMMARY: GlMetricsSummary = {
  input: null, input_per_second: null, input_concurrency: null,
  output: null, output_per_second: null, output_concurrency: null,
  total: null, total_per_second: null, total_concurrency: null,
};

/** GenerativeMetricsSummary.compile_timed_metrics: (start, end, input, output) per request. */
function timedSummary(by: ByStatus<GlRequest>, input: (q: GlRequest) => number | undefined, output: (q: GlRequest) => number | undefined): GlMetricsSummary {
  type T = { q: GlRequest; v: number | undefined };
  const part = (f: (q: GlRequest) => number | undefined) => {
    const m: ByStatus<T> = { successful: by.successful.map((q) => ({ q, v: f(q) })), errored: by.errored.map((q) => ({ q, v: f(q) })), incomplete: by.incomplete.map((q) => ({ q, v: f(q) })) };
    const any = [...m.successful, ...m.errored, ...m.incomplete].some((t) => t.v !== undefined);
    return { m, any };
  };
  const vals = (xs: T[]): number[] => xs.filter((t) => t.v !== undefined).map((t) => t.v!);
  const rates = (xs: T[]): Weighted[] => xs.map((t) => [t.q.endS, t.v ?? 0] as const);
  const conc = (xs: T[]): [number, number, number][] => xs.map((t) => [t.q.startS, t.q.endS, t.v ?? 0]);
  const i = part(input);
  const o = part(output);
  const three = (p: { m: ByStatus<T> }) => ({
    v: glStatus(p.m, (xs) => glFromValues(vals(xs))),
    r: glStatus(p.m, (xs) => glRateFromTimings(rates(xs))),
    c: glStatus(p.m, (xs) => glConcurrencyFromTimings(conc(xs))),
  });
  const out: GlMetricsSummary = { ...NULL_SUMMARY };
  if (i.any) {
    const d = three(i);
    Object.assign(out, { input: d.v, input_per_second: d.r, input_concurrency: d.c });
  }
  if (o.any) {
    const d = three(o);
    Object.assign(out, { output: d.v, output_per_second: d.r, output_concurrency: d.c });
  }
  if (i.any && o.any) {
    const both = (k: keyof ByStatus<T>): { i: T[]; o: T[] } => ({ i: i.m[k], o: o.m[k] });
    const st = (f: (x: { i: T[]; o: T[] }) => GlDistribution): GlStatusDistribution => ({
      successful: f(both('successful')),
      errored: f(both('errored')),
      incomplete: f(both('incomplete')),
      total: f({ i: [...i.m.successful, ...i.m.incomplete, ...i.m.errored], o: [...o.m.successful, ...o.m.incomplete, ...o.m.errored] }),
    });
    out.total = st((x) => glFromValues([...vals(x.i), ...vals(x.o)]));
    out.total_per_second = st((x) => glRateFromTimings([...rates(x.i), ...rates(x.o)]));
    out.total_concurrency = st((x) => glConcurrencyFromTimings([...conc(x.i), ...conc(x.o)]));
  }
  return out;
}

export interface GlMetricsOptions {
  /** Measurement window (monotonic ms); default: first send → last end. */
  window?: { startMs: number; endMs: number };
  epochOffsetMs?: number;
  /** Words/characters of a request's prompt and output (text blocks); absent → token blocks only. */
  textOf?: (r: RequestRecord) => GlTextSizes | undefined;
}

/** GuideLLM's `metrics` block of one benchmark (field names and nesting as its report). */
export interface GuidellmMetrics {
  request_totals: { successful: number; errored: number; incomplete: number; total: number };
  requests_per_second: GlStatusDistribution;
  request_concurrency: GlStatusDistribution;
  request_latency: GlStatusDistribution;
  request_streaming_iterations_count: GlStatusDistribution;
  prompt_token_count: GlStatusDistribution;
  output_token_count: GlStatusDistribution;
  total_token_count: GlStatusDistribution;
  time_to_first_token_ms: GlStatusDistribution;
  time_to_first_output_token_ms: GlStatusDistribution;
  time_per_output_token_ms: GlStatusDistribution;
  inter_token_latency_ms: GlStatusDistribution;
  prompt_tokens_per_second: GlStatusDistribution;
  output_tokens_per_second: GlStatusDistribution;
  tokens_per_second: GlStatusDistribution;
  output_tokens_per_iteration: GlStatusDistribution;
  iter_tokens_per_iteration: GlStatusDistribution;
  text: { tokens: GlMetricsSummary; words: GlMetricsSummary; characters: GlMetricsSummary };
  image: { tokens: GlMetricsSummary; images: GlMetricsSummary; pixels: GlMetricsSummary; bytes: GlMetricsSummary };
  video: { tokens: GlMetricsSummary; frames: GlMetricsSummary; seconds: GlMetricsSummary; bytes: GlMetricsSummary };
  audio: { tokens: GlMetricsSummary; samples: GlMetricsSummary; seconds: GlMetricsSummary; bytes: GlMetricsSummary };
  tool_call: { tokens: GlMetricsSummary; mixed_tokens: GlMetricsSummary; count: GlMetricsSummary };
}

/** Requests GuideLLM keeps for a window: end ≥ start and start ≤ end (partial overlaps included). */
export function glWithin(records: readonly RequestRecord[], window: { startMs: number; endMs: number }): RequestRecord[] {
  return records.filter((r) => r.endAtMs >= window.startMs && r.sentAtMs <= window.endMs);
}

export function guidellmMetrics(records: readonly RequestRecord[], o: GlMetricsOptions = {}): GuidellmMetrics {
  const off = o.epochOffsetMs ?? 0;
  let s = Infinity;
  let e = -Infinity;
  for (const r of records) {
    s = Math.min(s, r.sentAtMs);
    e = Math.max(e, r.endAtMs);
  }
  const win = o.window ?? { startMs: s, endMs: e };
  const qs = glWithin(records, win).map((r) => glRequest(r, off));
  const by: ByStatus<GlRequest> = { successful: [], errored: [], incomplete: [] };
  for (const q of qs) by[q.status].push(q);
  const ws = (win.startMs + off) / 1000;
  const we = (win.endMs + off) / 1000;
  const values = (f: (q: GlRequest) => number | Weighted | Weighted[] | undefined): GlStatusDistribution =>
    glStatus(by, (xs) => glFromValues(xs.flatMap((q) => {
      const v = f(q);
      return v === undefined ? [] : Array.isArray(v) && Array.isArray(v[0]) ? (v as Weighted[]) : [v as number | Weighted];
    })));
  const rate = (f: (q: GlRequest) => Weighted[], window: boolean): GlStatusDistribution =>
    glStatus(by, (xs) => glRateFromTimings(xs.flatMap(f), window ? ws : undefined, window ? we : undefined));
  const text = o.textOf;
  const sizes = (q: GlRequest): GlTextSizes => text?.(q.record) ?? {};
  return {
    request_totals: { successful: by.successful.length, errored: by.errored.length, incomplete: by.incomplete.length, total: qs.length },
    requests_per_second: rate((q) => [[q.endS, 1]], true),
    request_concurrency: glStatus(by, (xs) => glConcurrencyFromTimings(xs.map((q) => [q.startS, q.endS, 1] as const), ws, we)),
    request_latency: values((q) => q.latencyS ?? 0),
    request_streaming_iterations_count: values((q) => q.requestIterations),
    prompt_token_count: values((q) => q.promptTokens ?? 0),
    output_token_count: values((q) => q.outputTokens ?? 0),
    total_token_count: values((q) => q.totalTokens ?? 0),
    time_to_first_token_ms: values((q) => q.ttftMs ?? 0),
    // our content events exclude reasoning deltas, so the first output token is the first token
    time_to_first_output_token_ms: values((q) => q.ttftMs ?? 0),
    time_per_output_token_ms: values((q) => [q.tpotMs ?? 0, q.outputTokens ?? 0] as const),
    inter_token_latency_ms: values((q) => [q.itlMs ?? 0, (q.outputTokens ?? 1) - 1] as const),
    prompt_tokens_per_second: rate((q) => [promptTiming(q)], false),
    output_tokens_per_second: rate(outputTimings, false),
    tokens_per_second: rate((q) => [promptTiming(q), ...outputTimings(q)], false),
    output_tokens_per_iteration: glStatus(by, (xs) => glFromValues(xs.flatMap((q) => outputTimings(q).map((t) => t[1])))),
    iter_tokens_per_iteration: glStatus(by, (xs) => glFromValues(xs.flatMap((q) => iterTimings(q).map((t) => t[1])))),
    text: {
      // input: the request's count, overwritten by the server's usage; output: the server's usage only
      tokens: timedSummary(by, (q) => q.promptTokens, (q) => q.record.completionTokensServer),
      words: text ? timedSummary(by, (q) => sizes(q).inputWords, (q) => sizes(q).outputWords) : { ...NULL_SUMMARY },
      characters: text ? timedSummary(by, (q) => sizes(q).inputChars, (q) => sizes(q).outputChars) : { ...NULL_SUMMARY },
    },
    image: { tokens: { ...NULL_SUMMARY }, images: { ...NULL_SUMMARY }, pixels: { ...NULL_SUMMARY }, bytes: { ...NULL_SUMMARY } },
    video: { tokens: { ...NULL_SUMMARY }, frames: { ...NULL_SUMMARY }, seconds: { ...NULL_SUMMARY }, bytes: { ...NULL_SUMMARY } },
    audio: { tokens: { ...NULL_SUMMARY }, samples: { ...NULL_SUMMARY }, seconds: { ...NULL_SUMMARY }, bytes: { ...NULL_SUMMARY } },
    tool_call: { tokens: { ...NULL_SUMMARY }, mixed_tokens: { ...NULL_SUMMARY }, count: { ...NULL_SUMMARY } },
  };
}

/** The headline numbers (successful requests) for tables and the seed summary. */
export interface GuidellmHeadline {
  successful: number;
  errored: number;
  incomplete: number;
  requestLatencyMs: GlDistribution;
  ttftMs: GlDistribution;
  tpotMs: GlDistribution;
  itlMs: GlDistribution;
  requestsPerS: number;
  outputTokensPerS: number;
  promptTokensPerS: number;
  tokensPerS: number;
}

export function guidellmHeadline(m: GuidellmMetrics): GuidellmHeadline {
  const lat = m.request_latency.successful;
  const ms = { ...lat, mean: lat.mean * 1000, median: lat.median * 1000, min: lat.min * 1000, max: lat.max * 1000, std_dev: lat.std_dev * 1000, variance: lat.variance * 1e6, mode: lat.mode * 1000, total_sum: lat.total_sum * 1000, percentiles: Object.fromEntries(Object.entries(lat.percentiles).map(([k, v]) => [k, v * 1000])) as unknown as GlDistribution['percentiles'] };
  return {
    successful: m.request_totals.successful,
    errored: m.request_totals.errored,
    incomplete: m.request_totals.incomplete,
    requestLatencyMs: ms,
    ttftMs: m.time_to_first_token_ms.successful,
    tpotMs: m.time_per_output_token_ms.successful,
    itlMs: m.inter_token_latency_ms.successful,
    requestsPerS: m.requests_per_second.successful.mean,
    outputTokensPerS: m.output_tokens_per_second.successful.mean,
    promptTokensPerS: m.prompt_tokens_per_second.successful.mean,
    tokensPerS: m.tokens_per_second.successful.mean,
  };
}
