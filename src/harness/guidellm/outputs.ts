/**
 * GuideLLM's report file (benchmarks.json / llm-d's results.json), v0.7.3 structure: top level
 * `{metadata, config, benchmarks[]}`, each benchmark `{type_, config, scheduler_state,
 * scheduler_metrics, metrics, requests, start_time, end_time, duration, warmup_duration,
 * cooldown_duration}` (compared key by key with a real v0.7.3 run against our simulator in
 * test/unit/harness/guidellm/outputs.test.ts). Metrics come from src/metrics/guidellm.ts; this
 * file only arranges them and the per-request entries. Scheduler internals GuideLLM measures
 * in its own worker processes that our engine does not have are -1 (GuideLLM's "not available").
 */
import { arch, platform, release } from 'node:os';
import type { RequestRecord } from '../../engine/types.ts';
import { glRequest, guidellmMetrics, glWithin, type GlRequest, type GuidellmMetrics } from '../../metrics/guidellm.ts';
import type { GlConfig } from './config-map.ts';
import type { GlStrategy } from './load-map.ts';
import { textSize } from './data-map.ts';

/** The GuideLLM version whose report format we write. */
export const GUIDELLM_FORMAT_VERSION = '0.7.3';

/** What one strategy's run produced, in our clock. */
export interface GlStrategyRun {
  strategy: GlStrategy;
  records: RequestRecord[];
  /** Monotonic ms → epoch ms for this run. */
  epochOffsetMs: number;
  /** Stage clock start and end (monotonic ms). */
  startMs: number;
  endMs: number;
  /** Prompt words/characters by record id. */
  inputSize: Map<number, { words: number; chars: number }>;
  workers: number;
  runId: string;
}

type Obj = Record<string, unknown>;

/** The measurement window (monotonic ms): first request start (+ warm-up) → duration stop or last end (− cool-down). */
export function measureWindow(run: GlStrategyRun, cfg: GlConfig): { startMs: number; endMs: number; warmupS: number; cooldownS: number } {
  const recs = run.records;
  if (recs.length === 0) return { startMs: run.startMs, endMs: run.endMs, warmupS: 0, cooldownS: 0 };
  let first = Infinity;
  let lastEnd = -Infinity;
  for (const r of recs) {
    first = Math.min(first, r.sentAtMs);
    lastEnd = Math.max(lastEnd, r.endAtMs);
  }
  const secs = run.strategy.limits.seconds;
  const count = run.strategy.limits.count;
  let start = first;
  // GuideLLM measures to the duration limit unless the request count ended the strategy first
  const byCount = count !== undefined && recs.length >= count;
  let end = secs !== undefined && !byCount ? first + secs * 1000 : lastEnd;
  const span = end - start;
  const amount = (t: GlConfig['spec']['profile']['warmup']): { ms: number; requests: number } => {
    const byDuration = t.mode !== 'requests' && t.mode !== 'prefer_requests' ? secs !== undefined || count === undefined : count === undefined;
    if (byDuration) return { ms: t.value !== null ? t.value * 1000 : t.percent !== null ? t.percent * span : 0, requests: 0 };
    return { ms: 0, requests: t.value !== null ? t.value : t.percent !== null ? Math.round(t.percent * (count ?? recs.length)) : 0 };
  };
  const w = amount(cfg.spec.profile.warmup);
  const c = amount(cfg.spec.profile.cooldown);
  const sortedStarts = w.requests > 0 ? recs.map((r) => r.sentAtMs).sort((a, b) => a - b) : [];
  const sortedEnds = c.requests > 0 ? recs.map((r) => r.endAtMs).sort((a, b) => a - b) : [];
  if (w.ms > 0) start += w.ms;
  else if (w.requests > 0) start = sortedStarts[Math.min(sortedStarts.length - 1, w.requests)] ?? start;
  if (c.ms > 0) end -= c.ms;
  else if (c.requests > 0) end = sortedEnds[Math.max(0, sortedEnds.length - 1 - c.requests)] ?? end;
  if (end < start) end = start;
  return { startMs: start, endMs: end, warmupS: (start - first) / 1000, cooldownS: Math.max(0, (first + span - end) / 1000) };
}

const nulls = (keys: string[]): Obj => Object.fromEntries(keys.map((k) => [k, null]));
const MEDIA = ['image_tokens', 'image_count', 'image_pixels', 'image_bytes', 'video_tokens', 'video_frames', 'video_seconds', 'video_bytes', 'audio_tokens', 'audio_samples', 'audio_seconds', 'audio_bytes', 'tool_call_tokens', 'mixed_content_tool_tokens', 'tool_call_count'];

/** One `generative_request_stats` entry. */
function requestEntry(q: GlRequest, run: GlStrategyRun, off: number): Obj {
  const r = q.record;
  const s = (ms: number | undefined): number | null => (ms === undefined ? null : (ms + off) / 1000);
  const id = `${run.runId}-${r.id}`;
  const inSize = run.inputSize.get(r.id);
  const outSize = r.outputText !== undefined ? textSize(r.outputText) : undefined;
  const status = q.status === 'successful' ? 'completed' : q.status === 'incomplete' ? 'cancelled' : 'errored';
  const n = r.chunkTimesMs.length;
  return {
    type_: 'generative_request_stats',
    request_id: id,
    response_id: null,
    request_args: null,
    output: r.outputText ?? null,
    reasoning_output: null,
    tool_calls: null,
    info: {
      request_id: id,
      conversation_id: r.tags?.conversation !== undefined ? `${run.runId}-c${r.tags.conversation}` : id,
      turn_index: typeof r.tags?.turn === 'number' ? r.tags.turn : 0,
      status,
      scheduler_node_id: 0,
      scheduler_process_id: r.worker,
      scheduler_start_time: s(run.startMs),
      timings: {
        targeted_start: s(r.scheduledAtMs),
        queued: null,
        dequeued: null,
        scheduled_at: s(r.scheduledAtMs),
        resolve_start: s(r.sentAtMs),
        request_start: s(r.sentAtMs),
        first_request_iteration: s(r.firstChoiceAtMs ?? r.chunkTimesMs[0]),
        first_token_iteration: s(r.chunkTimesMs[0]),
        first_output_token_iteration: s(r.chunkTimesMs[0]),
        last_token_iteration: n > 0 ? s(r.chunkTimesMs[n - 1]) : null,
        last_request_iteration: s(r.lastChoiceAtMs ?? r.chunkTimesMs[n - 1]),
        request_iterations: q.requestIterations,
        token_iterations: n,
        request_end: q.status === 'incomplete' ? null : s(r.endAtMs),
        resolve_end: s(r.endAtMs),
        finalized: s(r.endAtMs),
      },
      settings: { relative_timestamp: null, requeue_delay: null },
      error: r.error ? r.error.message : null,
      traceback: null,
      started_at: s(r.sentAtMs),
      completed_at: s(r.endAtMs),
    },
    input_metrics: { text_tokens: q.promptTokens ?? null, text_words: inSize?.words ?? null, text_characters: inSize?.chars ?? null, ...nulls(MEDIA), total_tokens: q.promptTokens ?? null },
    output_metrics: { text_tokens: r.completionTokensServer ?? null, text_words: outSize?.words ?? 0, text_characters: outSize?.chars ?? 0, ...nulls(MEDIA), total_tokens: r.completionTokensServer ?? null },
    request_start_time: q.startS,
    request_end_time: q.endS,
    request_latency: q.latencyS ?? null,
    prompt_tokens: q.promptTokens ?? null,
    output_tokens: q.outputTokens ?? null,
    total_tokens: q.totalTokens ?? null,
    time_to_first_token_ms: q.ttftMs ?? null,
    time_per_output_token_ms: q.tpotMs ?? null,
    inter_token_latency_ms: q.itlMs ?? null,
    tokens_per_second: q.tokensPerS ?? null,
    output_tokens_per_second: q.outputTokensPerS ?? null,
    time_to_first_output_token_ms: q.ttftMs ?? null,
    iter_tokens_per_iteration: q.iterTokensPerIteration ?? null,
    output_tokens_per_iteration: q.outputTokensPerIteration ?? null,
  };
}

function constraintsBlock(cfg: GlConfig, index: number): Obj {
  const out: Obj = {};
  for (const c of cfg.spec.constraints) out[c.kind] = { type_: c.kind, args: { ...c }, current_index: index };
  return out;
}

/** The scheduler's view of each constraint at the end of a strategy (scheduler_state.*_constraints). */
function constraintState(run: GlStrategyRun, firstSentS: number, endS: number): Obj {
  const out: Obj = {};
  const { seconds, count } = run.strategy.limits;
  if (seconds !== undefined) {
    const stop = firstSentS + seconds;
    const progress = { remaining_requests: null, total_requests: null, remaining_duration: Math.max(0, stop - endS), total_duration: seconds, stop_time: stop };
    out.max_duration = {
      request_queuing: 'stop',
      request_processing: 'stop_local',
      stopping_scope: 'current',
      metadata: { max_duration: seconds, elapsed_time: endS - firstSentS, duration_exceeded: endS >= stop, start_time: firstSentS, current_time: endS, stop_time: stop },
      progress,
    };
  }
  if (count !== undefined) {
    const n = run.records.length;
    out.max_requests = {
      request_queuing: n >= count ? 'stop' : 'continue',
      request_processing: n >= count ? 'stop_local' : 'continue',
      stopping_scope: 'current',
      metadata: { max_requests: count, create_exceeded: n >= count, processed_exceeded: n >= count, created_requests: n, processed_requests: n, remaining_requests: Math.max(0, count - n), stop_time: null },
      progress: { remaining_requests: Math.max(0, count - n), total_requests: count, remaining_duration: null, total_duration: null, stop_time: null },
    };
  }
  return out;
}

const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : -1);

/** One benchmark of the report. */
export function benchmarkEntry(run: GlStrategyRun, cfg: GlConfig, model: string): Obj & { metrics: GuidellmMetrics } {
  const off = run.epochOffsetMs;
  const s = (ms: number): number => (ms + off) / 1000;
  const win = measureWindow(run, cfg);
  const metrics = guidellmMetrics(run.records, {
    window: { startMs: win.startMs, endMs: win.endMs },
    epochOffsetMs: off,
    textOf: (r) => {
      const i = run.inputSize.get(r.id);
      const o = r.outputText !== undefined ? textSize(r.outputText) : undefined;
      return { ...(i ? { inputWords: i.words, inputChars: i.chars } : {}), ...(o ? { outputWords: o.words, outputChars: o.chars } : {}) };
    },
  });
  const st = run.strategy;
  const kept = glWithin(run.records, win).map((r) => glRequest(r, off));
  const by = (k: GlRequest['status']): Obj[] => kept.filter((q) => q.status === k).map((q) => requestEntry(q, run, off));
  const all = run.records.map((r) => glRequest(r, off));
  const count = (k: GlRequest['status']): number => all.filter((q) => q.status === k).length;
  let firstSent = Infinity;
  let lastEnd = -Infinity;
  let lastSent = -Infinity;
  for (const r of run.records) {
    firstSent = Math.min(firstSent, r.sentAtMs);
    lastSent = Math.max(lastSent, r.sentAtMs);
    lastEnd = Math.max(lastEnd, r.endAtMs);
  }
  if (!Number.isFinite(firstSent)) firstSent = lastSent = lastEnd = run.startMs;
  const strategy: Obj = { type_: st.type_, worker_count: run.workers, max_concurrency: st.maxConcurrency };
  if (st.rate !== undefined) strategy.rate = st.rate;
  if (st.streams !== undefined) strategy.streams = st.streams;
  strategy.rampup_duration = st.rampupDuration;
  const { warmup, cooldown } = cfg.spec.profile;
  return {
    type_: 'generative_benchmark',
    config: {
      id_: `${run.runId}-b${st.index}`,
      run_id: run.runId,
      run_index: st.index,
      strategy,
      constraints: constraintsBlock(cfg, st.index),
      sample_size: cfg.spec.metrics.sample_size,
      warmup,
      cooldown,
      prefer_response_metrics: cfg.spec.metrics.prefer_response_metrics,
      profile: cfg.spec.profile,
      requests: cfg.spec.data_loader,
      backend: { ...cfg.spec.backend, model, api_key: cfg.spec.backend.api_key ? '***' : null },
      environment: { str: '<llmdbench engine: one process, worker threads>', type: 'NonDistributedEnvironment', class: 'NonDistributedEnvironment', module: 'llmdbench.engine', attributes: { run_errors: [] } },
    },
    scheduler_state: {
      node_id: 0,
      num_processes: run.workers,
      start_time: s(run.startMs),
      end_time: s(run.endMs),
      start_requests_time: s(firstSent),
      end_requests_time: s(lastEnd),
      end_queuing_time: s(lastSent),
      end_queuing_constraints: constraintState(run, s(firstSent), s(win.endMs)),
      end_processing_time: s(lastEnd),
      end_processing_constraints: constraintState(run, s(firstSent), s(win.endMs)),
      scheduler_constraints: constraintState(run, s(firstSent), s(lastEnd)),
      progress: { remaining_requests: null, total_requests: st.limits.count ?? null, remaining_duration: null, total_duration: st.limits.seconds ?? null, stop_time: st.limits.seconds !== undefined ? s(firstSent) + st.limits.seconds : null },
      created_requests: run.records.length,
      queued_requests: 0,
      pending_requests: 0,
      processing_requests: 0,
      processed_requests: run.records.length,
      successful_requests: count('successful'),
      errored_requests: count('errored'),
      cancelled_requests: count('incomplete'),
    },
    scheduler_metrics: {
      start_time: s(run.startMs),
      request_start_time: s(firstSent),
      measure_start_time: s(win.startMs),
      measure_end_time: s(win.endMs),
      request_end_time: s(Math.min(lastEnd, win.endMs)),
      end_time: s(run.endMs),
      requests_made: { successful: count('successful'), errored: count('errored'), incomplete: count('incomplete'), total: run.records.length },
      queued_time_avg: -1,
      resolve_start_delay_avg: -1,
      resolve_targeted_start_delay_avg: -1,
      request_start_delay_avg: -1,
      request_targeted_start_delay_avg: avg(run.records.map((r) => (r.sentAtMs - r.scheduledAtMs) / 1000)),
      request_time_avg: avg(run.records.map((r) => (r.endAtMs - r.sentAtMs) / 1000)),
      resolve_end_delay_avg: -1,
      resolve_time_avg: -1,
      finalized_delay_avg: -1,
      processed_delay_avg: -1,
    },
    metrics,
    requests: { successful: by('successful'), errored: by('errored'), incomplete: by('incomplete'), total: null },
    start_time: s(win.startMs),
    end_time: s(win.endMs),
    duration: (win.endMs - win.startMs) / 1000,
    warmup_duration: win.warmupS,
    cooldown_duration: win.cooldownS,
  };
}

/** The whole report. */
export function reportObject(cfg: GlConfig, benchmarks: Obj[], generator: string): Obj {
  return {
    metadata: { version: 2, guidellm_version: GUIDELLM_FORMAT_VERSION, python_version: null, platform: `${platform()}-${release()}-${arch()}`, generator },
    config: { metadata: cfg.metadata, spec: { ...cfg.spec, backend: { ...cfg.spec.backend, api_key: cfg.spec.backend.api_key ? '***' : null } }, benchmarks: cfg.benchmarks },
    benchmarks,
  };
}
