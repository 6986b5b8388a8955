/**
 * The analysis step: the seed's ten metrics for one result directory, computed from the raw
 * records (records.jsonl, written by every harness on our engine) with inference-perf's
 * definitions, plus the load-generator health the harness wrote (loadgen_health.json).
 * Writes analysis/<dir>/summary.json and summary.txt.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import { lifecycleReport } from '../../harness/inference-perf/lifecycle.ts';
import { DEFAULT_PERCENTILES } from '../../harness/inference-perf/config-map.ts';

/** File names shared by every harness on our engine. */
export const RECORDS_FILE = 'records.jsonl';
export const HEALTH_FILE = 'loadgen_health.json';

/** mean and p50/p90/p99, in milliseconds. */
export interface Dist {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ResultSummary {
  name: string;
  complete: boolean;
  requests: { total: number; succeeded: number; failed: number };
  output_tokens_per_s: number;
  input_tokens_per_s: number;
  requests_per_s: number;
  ttft_ms: Dist | null;
  tpot_ms: Dist | null;
  request_latency_ms: Dist | null;
  ntpot_ms: Dist | null;
  itl_ms: Dist | null;
  /** failed / total, 0..1 */
  failure_rate: number;
  failures_by_label: Record<string, number>;
  benchmark_duration_s: number;
  /** As the harness wrote it (schedule lag, achieved vs requested, in-flight, event-loop delay...). */
  loadgen_health?: LoadgenHealthFile;
}

/** loadgen_health.json: F1's health numbers plus our verdict. */
export interface LoadgenHealthFile {
  /** True when the client itself limited the load (lag, event-loop delay, in-flight cap). */
  client_bottleneck: boolean;
  warnings: string[];
  [k: string]: unknown;
}

export async function readRecords(file: string): Promise<RequestRecord[]> {
  if (!existsSync(file)) return [];
  const out: RequestRecord[] = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as RequestRecord);
    } catch {
      // A line cut by a hard kill: everything before it is kept.
    }
  }
  return out;
}

function dist(summary: unknown): Dist | null {
  if (!summary || typeof summary !== 'object') return null;
  const s = summary as Record<string, number>;
  const ms = (v: number | undefined): number => (v ?? NaN) * 1000;
  return { mean: ms(s.mean), p50: ms(s.median), p90: ms(s.p90), p99: ms(s.p99) };
}

export function summarizeRecords(name: string, records: readonly RequestRecord[], complete: boolean): ResultSummary {
  const rep = lifecycleReport(records, {
    percentiles: DEFAULT_PERCENTILES,
    perTokenTimes: true,
    useServerOutputTokens: false,
    maxErrorMessages: 0,
  }) as {
    benchmark_time_seconds: number;
    successes: { count: number; latency: Record<string, unknown>; throughput: Record<string, number> };
    failures: { count: number; by_label: Record<string, { count: number }> };
  };
  const lat = rep.successes.latency;
  const total = records.length;
  return {
    name,
    complete,
    requests: { total, succeeded: rep.successes.count, failed: rep.failures.count },
    output_tokens_per_s: rep.successes.throughput.output_tokens_per_sec ?? 0,
    input_tokens_per_s: rep.successes.throughput.input_tokens_per_sec ?? 0,
    requests_per_s: rep.successes.throughput.requests_per_sec ?? 0,
    ttft_ms: dist(lat.time_to_first_token),
    tpot_ms: dist(lat.time_per_output_token),
    request_latency_ms: dist(lat.request_latency),
    ntpot_ms: dist(lat.normalized_time_per_output_token),
    itl_ms: dist(lat.inter_token_latency),
    failure_rate: total > 0 ? rep.failures.count / total : 0,
    failures_by_label: Object.fromEntries(Object.entries(rep.failures.by_label).map(([k, v]) => [k, v.count])),
    benchmark_duration_s: rep.benchmark_time_seconds,
  };
}

const f = (v: number | undefined, d = 2): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const dl = (label: string, x: Dist | null): string =>
  `${label.padEnd(26)} ${x ? `mean ${f(x.mean)}  p50 ${f(x.p50)}  p90 ${f(x.p90)}  p99 ${f(x.p99)}` : 'n/a'}`;

export function formatSummaryText(s: ResultSummary): string {
  const lines = [
    `${s.name}${s.complete ? '' : '  (INCOMPLETE: interrupted)'}`,
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
  if (s.loadgen_health) {
    lines.push(`load generator             ${s.loadgen_health.client_bottleneck ? 'WAS THE BOTTLENECK' : 'ok'}`);
    for (const w of s.loadgen_health.warnings) lines.push(`  warning: ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Analyse one results directory into its analysis directory. */
export async function analyzeResultDir(name: string, resultsDir: string, analysisDir: string, complete: boolean): Promise<ResultSummary | undefined> {
  const records = await readRecords(join(resultsDir, RECORDS_FILE));
  if (records.length === 0) return undefined;
  const summary = summarizeRecords(name, records, complete);
  const hf = join(resultsDir, HEALTH_FILE);
  if (existsSync(hf)) summary.loadgen_health = JSON.parse(readFileSync(hf, 'utf8')) as LoadgenHealthFile;
  writeFileSync(join(analysisDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(analysisDir, 'summary.txt'), formatSummaryText(summary));
  return summary;
}
