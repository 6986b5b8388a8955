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
import { outputTokens } from './tokens.ts';

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

/**
 * Goodput as every file we write carries it (summary.json, the llm-d reports' extension points):
 * one serialized shape with units in the names, derived from {@link Goodput} by {@link goodputBlock}.
 */
export interface GoodputBlock {
  /** Upper bound per metric (ttft, tpot, itl, ntpot, e2el), ms. */
  slo_ms: Record<string, number>;
  /** Measured requests, failures included. */
  total_requests: number;
  /** Requests that succeeded and met every SLO. */
  good_requests: number;
  /** good_requests / total_requests, 0..1. */
  good_fraction: number;
  /** Good requests / the window (max end − min sent). */
  good_requests_per_s: number;
  /** Per bounded metric: successes meeting it / successes, 0..1. */
  attainment_fraction: Record<string, number>;
}

/** The serialized goodput block (docs/metrics.md §8): SLOs in SLO_METRICS order, units in the names. */
export function goodputBlock(g: Goodput): GoodputBlock {
  const slo: Record<string, number> = {};
  const attainment: Record<string, number> = {};
  for (const k of SLO_METRICS) {
    if (g.slo[k] === undefined) continue;
    slo[k] = g.slo[k]!;
    attainment[k] = g.attainment[k] ?? 0;
  }
  return { slo_ms: slo, total_requests: g.total, good_requests: g.good, good_fraction: g.share, good_requests_per_s: g.ratePerS, attainment_fraction: attainment };
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

/** sloValuesMs(r)[k] (default options; NaN where it has none), without allocating per-request arrays or objects. */
function leanValueMs(r: RequestRecord, k: SloMetric): number {
  const latencyS = (r.endAtMs - r.sentAtMs) / 1000;
  const t = r.chunkTimesMs;
  const n = t.length;
  if (k === 'e2el') return latencyS * 1000;
  if (k === 'ntpot') {
    const out = outputTokens(r);
    return (out > 0 ? latencyS / out : 0) * 1000;
  }
  if (n <= 1) return NaN;
  if (k === 'ttft') return ((t[0]! - r.sentAtMs) / 1000) * 1000;
  if (k === 'tpot') {
    const out = outputTokens(r);
    return out > 1 ? ((t[n - 1]! - t[0]!) / 1000 / (out - 1)) * 1000 : NaN;
  }
  let max = -Infinity;
  for (let i = 1; i < n; i++) {
    const g = (t[i]! - t[i - 1]!) / 1000;
    if (g > max) max = g;
  }
  return max * 1000;
}

/** Goodput built one record at a time (records streamed from disk; memory stays constant). */
export class GoodputAccumulator {
  private readonly keys: SloMetric[];
  private good = 0;
  private successes = 0;
  private total = 0;
  /** Per key (this.keys' order): its bound and the successes within it. */
  private readonly bounds: number[];
  private readonly met: Float64Array;
  private minSent = Infinity;
  private maxEnd = -Infinity;

  constructor(
    private readonly slo: Slo,
    private readonly o: InferencePerfOptions = {},
  ) {
    this.keys = SLO_METRICS.filter((k) => slo[k] !== undefined);
    this.bounds = this.keys.map((k) => slo[k]!);
    this.met = new Float64Array(this.keys.length);
  }

  add(r: RequestRecord): void {
    this.total++;
    if (r.sentAtMs < this.minSent) this.minSent = r.sentAtMs;
    if (r.endAtMs > this.maxEnd) this.maxEnd = r.endAtMs;
    if (r.error) return;
    this.successes++;
    let all = true;
    if (this.o.perToken || this.o.outputTokens === 'client') {
      const v = sloValuesMs(r, this.o);
      for (let j = 0; j < this.keys.length; j++) {
        const x = v[this.keys[j]!];
        if (x !== undefined && x <= this.bounds[j]!) this.met[j]!++;
        else all = false;
      }
    } else {
      // Default definitions (per-chunk times, server token counts): the few values the bounds need,
      // computed with sloValuesMs' exact expressions but without its per-request arrays and object
      // (1M-record runs); NaN (no value) meets no bound, as undefined does above.
      for (let j = 0; j < this.keys.length; j++) {
        if (leanValueMs(r, this.keys[j]!) <= this.bounds[j]!) this.met[j]!++;
        else all = false;
      }
    }
    if (all) this.good++;
  }

  result(): Goodput {
    const durationS = this.total > 0 ? (this.maxEnd - this.minSent) / 1000 : 0;
    const attainment: Partial<Record<SloMetric, number>> = {};
    this.keys.forEach((k, j) => (attainment[k] = this.successes ? this.met[j]! / this.successes : 0));
    return {
      slo: this.slo,
      total: this.total,
      good: this.good,
      share: this.total ? this.good / this.total : 0,
      ratePerS: durationS > 0 ? this.good / durationS : 0,
      attainment,
    };
  }
}

/**
 * A request is good when it succeeded and, for every bounded metric, has a value
 * ≤ the bound (a bounded metric the request lacks, e.g. TTFT of a non-streamed
 * response, fails it). ITL is bounded by the request's largest gap.
 */
export function goodput(records: readonly RequestRecord[], slo: Slo, o: InferencePerfOptions = {}): Goodput {
  const acc = new GoodputAccumulator(slo, o);
  for (const r of records) acc.add(r);
  return acc.result();
}
