/**
 * The seed's ten metrics read back from a v0.2 report (ours or the Python
 * tools'), in fixed units (ms, per second), whatever harness wrote it: the
 * common ground `compare`, plots and the HTML report stand on.
 */
import type { Stats } from './types.ts';

export interface Dist {
  mean?: number;
  p50?: number;
  p90?: number;
  p99?: number;
}

export interface SummaryRow {
  tool: string;
  /** Position of the results directory within a work directory holding several (compare). */
  group?: number;
  stage: number;
  rateQps?: number;
  concurrency?: number;
  outputTokensPerS?: number;
  inputTokensPerS?: number;
  requestsPerS?: number;
  ttftMs?: Dist;
  tpotMs?: Dist;
  requestLatencyMs?: Dist;
  ntpotMs?: Dist;
  itlMs?: Dist;
  failureRate?: number;
  durationS?: number;
  total?: number;
  /** From records.jsonl under the SLOs `compare --slo` was given: share (0–1) and rate (req/s). */
  goodputShare?: number;
  goodputPerS?: number;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const TO_MS: Record<string, number> = { ms: 1, s: 1000, 'ms/token': 1, 's/token': 1000 };

function dist(s: unknown): Dist | undefined {
  const st = o(s) as Partial<Stats>;
  const k = TO_MS[st.units ?? ''];
  if (k === undefined || n(st.mean) === undefined) return undefined;
  const m = (v: unknown): number | undefined => (n(v) === undefined ? undefined : n(v)! * k);
  return { mean: m(st.mean), p50: m(st.p50), p90: m(st.p90), p99: m(st.p99) };
}

/** `PT12.5S` → 12.5 (hours/minutes too); undefined when not an ISO 8601 duration. */
export function isoDurationS(d: unknown): number | undefined {
  const m = typeof d === 'string' ? /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)S)?$/.exec(d) : null;
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function summaryRow(report: unknown): SummaryRow {
  const r = o(report);
  const std = o(o(o(r['scenario'])['load'])['standardized']);
  const agg = o(o(o(r['results'])['request_performance'])['aggregate']);
  const req = o(agg['requests']);
  const lat = o(agg['latency']);
  const tp = o(agg['throughput']);
  const mean = (k: string): number | undefined => n(o(tp[k])['mean']);
  const out = mean('output_token_rate');
  const total = mean('total_token_rate');
  const input = mean('input_token_rate') ?? (out !== undefined && total !== undefined ? total - out : undefined);
  const t = n(req['total']);
  const f = n(req['failures']);
  return {
    tool: typeof std['tool'] === 'string' ? (std['tool'] as string) : 'unknown',
    stage: n(std['stage']) ?? 0,
    rateQps: n(std['rate_qps']),
    concurrency: n(std['concurrency']),
    outputTokensPerS: out,
    inputTokensPerS: input,
    requestsPerS: mean('request_rate'),
    ttftMs: dist(lat['time_to_first_token']),
    tpotMs: dist(lat['time_per_output_token']),
    requestLatencyMs: dist(lat['request_latency']),
    ntpotMs: dist(lat['normalized_time_per_output_token']),
    itlMs: dist(lat['inter_token_latency']),
    failureRate: t ? (f ?? 0) / t : undefined,
    durationS: isoDurationS(o(o(r['run'])['time'])['duration']),
    total: t,
  };
}
