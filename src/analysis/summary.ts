/**
 * The summary of one result directory: the seed's ten metrics computed with the producing
 * harness's metric-definition set (inference-perf's = seedMetrics by default), failures counted
 * by that set's labels, plus the load-generator health the harness wrote; and its text form.
 * Pure: reading and writing files is analyze.ts.
 */
import type { RequestRecord } from '../engine/types.ts';
import { inferencePerfDefinitions, type MetricDefinitionSet } from '../metrics/definition-set.ts';
import type { SeedMetrics } from '../metrics/seed.ts';
import type { Summary } from '../metrics/stats.ts';
import type { Dist, LoadgenHealthFile, ResultSummary } from '../metrics/seed-summary.ts';
import type { GoodputBlock } from '../metrics/slo.ts';

export { HEALTH_FILE, RECORDS_FILE } from '../metrics/seed-summary.ts';
export type { Dist, LoadgenHealthFile, ResultSummary } from '../metrics/seed-summary.ts';

function dist(x: Summary | undefined): Dist | null {
  return x ? { mean: x.mean, p50: x.p50, p90: x.p90, p99: x.p99 } : null;
}

/**
 * summarizeRecords over records that arrive one at a time (one file or several: `-j N` merges),
 * memory bounded when the definitions have an accumulator (numbers per metric, never records);
 * otherwise the records are collected and summarised as summarizeRecords does.
 */
/** Hands every record to `sink`, one at a time (engine/record/reader.ts forEachRecord over one or more files). */
export type RecordSource = (sink: (r: RequestRecord) => void) => Promise<void>;

/** summarizeRecordStream keeps every record (the set has no accumulator): its source must hand it fresh objects. */
export function summaryKeepsRecords(definitions: MetricDefinitionSet = inferencePerfDefinitions): boolean {
  return definitions.accumulator === undefined;
}

export async function summarizeRecordStream(
  name: string,
  source: RecordSource,
  complete: boolean,
  definitions: MetricDefinitionSet = inferencePerfDefinitions,
): Promise<ResultSummary> {
  const acc = definitions.accumulator?.();
  if (!acc) {
    const all: RequestRecord[] = [];
    await source((r) => all.push(r));
    return summarizeRecords(name, all, complete, definitions);
  }
  const byLabel: Record<string, number> = {};
  const examples: Record<string, string> = {};
  await source((r) => {
    acc.add(r);
    if (r.error) {
      const label = definitions.failureLabel(r);
      byLabel[label] = (byLabel[label] ?? 0) + 1;
      examples[label] ??= r.error.message.split('\n')[0]!.slice(0, 200);
    }
  });
  return toResultSummary(name, acc.result(), byLabel, examples, complete);
}

export function summarizeRecords(
  name: string,
  records: readonly RequestRecord[],
  complete: boolean,
  definitions: MetricDefinitionSet = inferencePerfDefinitions,
): ResultSummary {
  const m = definitions.summarize(records);
  const byLabel: Record<string, number> = {};
  const examples: Record<string, string> = {};
  for (const r of records) {
    if (!r.error) continue;
    const label = definitions.failureLabel(r);
    byLabel[label] = (byLabel[label] ?? 0) + 1;
    examples[label] ??= r.error.message.split('\n')[0]!.slice(0, 200);
  }
  return toResultSummary(name, m, byLabel, examples, complete);
}

function toResultSummary(name: string, m: SeedMetrics, byLabel: Record<string, number>, examples: Record<string, string>, complete: boolean): ResultSummary {
  return {
    name,
    complete,
    requests: { total: m.requests, succeeded: m.requests - m.failures, failed: m.failures },
    output_tokens_per_s: m.outputTokensPerS,
    input_tokens_per_s: m.inputTokensPerS,
    requests_per_s: m.requestsPerS,
    ttft_ms: dist(m.ttftMs),
    tpot_ms: dist(m.tpotMs),
    request_latency_ms: dist(m.requestLatencyMs),
    ntpot_ms: dist(m.ntpotMs),
    itl_ms: dist(m.itlMs),
    failure_rate: m.failureRate,
    failures_by_label: byLabel,
    ...(Object.keys(examples).length > 0 ? { failure_examples: examples } : {}),
    benchmark_duration_s: m.benchmarkDurationS,
  };
}

const f = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const dl = (label: string, x: Dist | null): string =>
  `${label.padEnd(26)} ${x ? `mean ${f(x.mean)}  p50 ${f(x.p50)}  p90 ${f(x.p90)}  p99 ${f(x.p99)}` : 'n/a'}`;

export function formatSummaryText(s: ResultSummary): string {
  const lines = [
    `${s.name}${s.complete ? '' : '  (INCOMPLETE: interrupted)'}`,
    ...(s.attempt ? [`attempt                    ${s.attempt.number}; earlier attempts kept in ${s.attempt.failed_attempts.join(', ') || '-'}`] : []),
    `requests                   total ${s.requests.total}  succeeded ${s.requests.succeeded}  failed ${s.requests.failed}`,
    `output tokens/s            ${f(s.output_tokens_per_s)}`,
    `input tokens/s             ${f(s.input_tokens_per_s)}`,
    `requests/s                 ${f(s.requests_per_s, 3)}`,
    dl('TTFT (ms)', s.ttft_ms),
    dl('TPOT (ms)', s.tpot_ms),
    dl('request latency (ms)', s.request_latency_ms),
    dl('NTPOT (ms)', s.ntpot_ms),
    dl('ITL (ms)', s.itl_ms),
    `failure rate               ${f(s.failure_rate * 100)} %${Object.keys(s.failures_by_label).length ? `  (${Object.entries(s.failures_by_label).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
    `benchmark duration (s)     ${f(s.benchmark_duration_s)}`,
  ];
  if (s.goodput) lines.push(`goodput                    ${goodputText(s.goodput)}`);
  if (s.merged_from) lines.push(`merged from                ${s.merged_from.length} load generators: ${s.merged_from.join(', ')}`);
  if (s.merge) lines.push(`generator start skew       ${s.merge.start_skew_s.toFixed(3)} s (clocks ${s.merge.clock_alignment}; windows ${s.merge.windows_overlap ? 'overlap' : 'DO NOT overlap'})`);
  if (s.monitoring) {
    const m = s.monitoring;
    lines.push(
      `server metrics (-f)        ${m.snapshots} snapshots of ${m.targets} target(s); KV cache usage % mean ${f(m.kv_cache_usage_pct_mean)} max ${f(m.kv_cache_usage_pct_max)}; ` +
        `running requests mean ${f(m.running_requests_mean)} max ${f(m.running_requests_max, 0)}; waiting mean ${f(m.waiting_requests_mean)} max ${f(m.waiting_requests_max, 0)}`,
      ...m.warnings.map((w) => `  warning: ${w}`),
    );
  }
  if (s.bad_record_lines?.length) {
    lines.push(`bad record lines           ${s.bad_record_lines.length} (not counted in the metrics above)`, ...s.bad_record_lines.map((l) => `  ${l}`));
  }
  if (s.loadgen_health) {
    lines.push(`load generator             ${healthWord(s.loadgen_health)}`);
    if (s.loadgen_health.verdict) lines.push(`  ${s.loadgen_health.verdict}`);
    lines.push(...healthDetail(s.loadgen_health));
  }
  return `${lines.join('\n')}\n`;
}

/** `62.5 % of requests, 12.345 req/s (ttft≤200ms tpot≤50ms)`. */
export function goodputText(g: GoodputBlock): string {
  return `${f(g.good_fraction * 100, 1)} % of requests (${g.good_requests}/${g.total_requests}), ${f(g.good_requests_per_s, 3)} req/s (${sloText(g.slo_ms)})`;
}

/** `ttft≤200ms tpot≤50ms`. */
export function sloText(slo: Record<string, number>): string {
  return Object.entries(slo)
    .map(([k, v]) => `${k}≤${v}ms`)
    .join(' ');
}

type Num = number | undefined;
interface HealthStageView {
  stage: number;
  kind?: string;
  requestedRate?: number;
  achievedRate?: number;
  concurrency?: number;
  maxInFlight?: number;
  scheduleLagMs?: { p50?: number; p99?: number; max?: number };
}

/** The load generator's numbers in a few lines: per stage achieved vs requested, lag, in flight; loop delay, CPU. */
export function healthDetail(h: LoadgenHealthFile): string[] {
  const out: string[] = [];
  const stages = Array.isArray(h.stages) ? (h.stages as HealthStageView[]) : [];
  for (const st of stages) {
    const lag = st.scheduleLagMs;
    const rate = st.kind === 'closed' ? `concurrency ${st.concurrency ?? '-'}, ${f(st.achievedRate)} req/s` : `${f(st.achievedRate)} of ${f(st.requestedRate)} req/s`;
    out.push(`  stage ${st.stage}: ${rate}; schedule lag (ms) p50 ${f(lag?.p50)} p99 ${f(lag?.p99)} max ${f(lag?.max)}; max in flight ${st.maxInFlight ?? '-'}`);
  }
  const n = (k: string): Num => (typeof h[k] === 'number' ? (h[k] as number) : undefined);
  const share = n('runQueueWaitShare');
  out.push(
    `  event-loop delay (ms) p99 ${f(n('eventLoopDelayP99Ms'))} max ${f(n('eventLoopDelayMaxMs'))}; client CPU ${f((n('cpuUtilisation') ?? NaN) * 100, 0)}% of a core` +
      (share !== undefined ? `; waited for a CPU ${f(share * 100, 0)}% of busy time` : ''),
  );
  const sr = h.sameReadGaps as { gaps?: number; sameRead?: number; share?: number | null } | undefined;
  if (sr && typeof sr.gaps === 'number' && sr.gaps > 0) {
    out.push(`  stream events in the same read as the previous one: ${f((sr.share ?? 0) * 100)}% of ${sr.gaps} gaps (${sr.sameRead ?? 0} gaps of exactly 0 ms)`);
  }
  for (const w of h.warnings) out.push(`  warning: ${w}`);
  return out;
}

/** One word or two for the load generator's health: ok, or who held it back. */
export function healthWord(h: LoadgenHealthFile): string {
  if (!h.client_bottleneck) return 'ok';
  switch (h.cause) {
    case 'machine':
      return 'BEHIND (CPU starved)';
    case 'client+machine':
      return 'BOTTLENECK (busy+starved)';
    case 'unknown':
      return 'BEHIND (cause unclear)';
    case 'in-flight-cap':
      return 'BEHIND (in-flight cap)';
    default:
      return 'BOTTLENECK (client busy)';
  }
}
