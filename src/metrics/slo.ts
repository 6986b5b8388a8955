/**
 * Service-level objectives and goodput: which requests met every SLO, as a share
 * of all requests and as a rate. Per-request values use inference-perf's
 * definitions (docs/metrics.md §3); the SLO sources are `--slo ttft=200ms,...`,
 * inference-perf's `report.goodput.constraints` (seconds) and vllm bench's
 * `goodput` ("ttft:200 tpot:50", milliseconds). Pure functions; formulas in
 * docs/metrics.md §8.
 */
import type { RequestRecord } from '../engine/types.ts';
import { inferencePerfRequest, type InferencePerfOptions } from './inference-perf.ts';

/** The metrics an SLO can bound. */
export const SLO_METRICS = ['ttft', 'tpot', 'itl', 'ntpot', 'e2el'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

/** Upper bounds in milliseconds; a missing key is not constrained. */
export type Slo = Partial<Record<SloMetric, number>>;

const ALIASES: Record<string, SloMetric> = {
  ttft: 'ttft',
  tpot: 'tpot',
  itl: 'itl',
  ntpot: 'ntpot',
  e2el: 'e2el',
  e2e: 'e2el',
  latency: 'e2el',
  request_latency: 'e2el',
};

export interface SloParse {
  slo: Slo;
  problems: string[];
}

/**
 * Parse `ttft=200ms,tpot=50ms` (also `:` instead of `=`, spaces as separators,
 * units ms | s | us, default ms). Every problem is listed, none thrown.
 */
export function parseSlo(text: string, defaultUnit: 'ms' | 's' = 'ms'): SloParse {
  const slo: Slo = {};
  const problems: string[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const m = /^([a-z_0-9]+)\s*[=:]\s*([0-9]*\.?[0-9]+(?:e[-+]?\d+)?)\s*(ms|s|us)?$/i.exec(part);
    if (!m) {
      problems.push(`"${part}": expected <metric>=<number>[ms|s|us]`);
      continue;
    }
    const key = ALIASES[m[1]!.toLowerCase()];
    if (!key) {
      problems.push(`"${m[1]}": unknown SLO metric (known: ${SLO_METRICS.join(', ')})`);
      continue;
    }
    const unit = (m[3] ?? defaultUnit).toLowerCase();
    const v = Number(m[2]);
    if (!(v > 0)) {
      problems.push(`"${part}": the bound must be > 0`);
      continue;
    }
    slo[key] = unit === 's' ? v * 1000 : unit === 'us' ? v / 1000 : v;
  }
  return { slo, problems };
}

/** inference-perf's `report.goodput.constraints` (seconds) as an Slo (ms). */
export function sloFromInferencePerf(constraints: Record<string, unknown> | undefined | null): Slo {
  const slo: Slo = {};
  if (!constraints) return slo;
  for (const [k, v] of Object.entries(constraints)) {
    const key = ALIASES[k];
    if (key && typeof v === 'number' && v > 0) slo[key] = v * 1000;
  }
  return slo;
}

/** vllm bench's `goodput` ("ttft:200 tpot:50" or a list of such items; ms) as an Slo. */
export function sloFromVllmBench(goodput: string | string[] | undefined): SloParse {
  if (goodput === undefined) return { slo: {}, problems: [] };
  return parseSlo(Array.isArray(goodput) ? goodput.join(' ') : goodput, 'ms');
}

export interface Goodput {
  slo: Slo;
  /** All requests, failures included. */
  total: number;
  /** Requests that succeeded and met every SLO. */
  good: number;
  /** good / total (0 when there are none). */
  share: number;
  /** good / benchmark duration (max(end) − min(sent)), requests/s. */
  ratePerS: number;
  /** Per metric: successes that met that bound / successes. */
  attainment: Partial<Record<SloMetric, number>>;
}

/** Per-request values in ms for the SLO metrics; undefined when the request has none (e.g. no TTFT). */
export function sloValuesMs(r: RequestRecord, o: InferencePerfOptions = {}): Partial<Record<SloMetric, number>> {
  const m = inferencePerfRequest(r, o);
  const v: Partial<Record<SloMetric, number>> = { e2el: m.latencyS * 1000, ntpot: m.ntpotS * 1000 };
  if (m.ttftS !== undefined) v.ttft = m.ttftS * 1000;
  if (m.tpotS !== undefined) v.tpot = m.tpotS * 1000;
  if (m.itlS && m.itlS.length > 0) v.itl = Math.max(...m.itlS) * 1000;
  return v;
}

/**
 * A request is good when it succeeded and, for every bounded metric, has a value
 * ≤ the bound (a bounded metric the request lacks, e.g. TTFT of a non-streamed
 * response, fails it). ITL is bounded by the request's largest gap.
 */
export function goodput(records: readonly RequestRecord[], slo: Slo, o: InferencePerfOptions = {}): Goodput {
  const keys = SLO_METRICS.filter((k) => slo[k] !== undefined);
  let good = 0;
  let successes = 0;
  const met: Partial<Record<SloMetric, number>> = {};
  let minSent = Infinity;
  let maxEnd = -Infinity;
  for (const r of records) {
    if (r.sentAtMs < minSent) minSent = r.sentAtMs;
    if (r.endAtMs > maxEnd) maxEnd = r.endAtMs;
    if (r.error) continue;
    successes++;
    const v = sloValuesMs(r, o);
    let all = true;
    for (const k of keys) {
      const ok = v[k] !== undefined && v[k]! <= slo[k]!;
      if (ok) met[k] = (met[k] ?? 0) + 1;
      else all = false;
    }
    if (all) good++;
  }
  const durationS = records.length > 0 ? (maxEnd - minSent) / 1000 : 0;
  const attainment: Partial<Record<SloMetric, number>> = {};
  for (const k of keys) attainment[k] = successes ? (met[k] ?? 0) / successes : 0;
  return {
    slo,
    total: records.length,
    good,
    share: records.length ? good / records.length : 0,
    ratePerS: durationS > 0 ? good / durationS : 0,
    attainment,
  };
}
