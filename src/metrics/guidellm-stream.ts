/**
 * guidellmSeedMetrics (GuideLLM's definitions, ./guidellm-definitions.ts) one record at a time,
 * for the streaming analysis of guidellm result directories: per successful request a few numbers
 * in F64Buffer columns (TTFT, TPOT and ITL with their token weights, latency), never the records.
 * The latency distributions are GuideLLM's exactly (glFromColumns: glFromValues's numbers over the
 * same values in the same order, without a [value, weight] pair per value). The three rates (requests, prompt and output tokens per second) are GuideLLM's rate
 * distributions over event times: their events are kept while there are at most RATE_EVENT_CAP
 * of them (then exactly GuideLLM's glRateFromTimings, over the columns: glRateFromColumns); past that — a long run: ~32 output
 * events per request — the mean is computed as the rate distribution's mean is by construction,
 * Σ weights / (last event − first event), without GuideLLM's merging of events < 0.1 ms apart at
 * the window's end (a difference of at most 0.1 ms of the window: docs/metrics.md §6).
 * test/unit/metrics/definitions-stream.test.ts checks it against guidellmSeedMetrics.
 */
import type { RequestRecord } from '../engine/types.ts';
import { F64Buffer } from '../util/f64-buffer.ts';
import { glFromColumns, glRateFromColumns } from './guidellm-dist.ts';
import { glRequest, outputTimings, promptTiming, type GlRequest } from './guidellm.ts';
import type { SeedMetrics } from './seed.ts';
import type { RecordAccumulator } from './seed-stream.ts';
import type { Summary } from './stats.ts';
import type { GlDistribution } from './guidellm-dist.ts';

/** Rate events kept per rate (exact GuideLLM rates up to here; GuideLLM's own computation over them allocates ~0.5 KB per event). */
export const RATE_EVENT_CAP = 250_000;

/** One rate's events (kept up to the cap) and its running Σ weights and time extremes. */
class RateEvents {
  private t: F64Buffer | undefined = new F64Buffer();
  private w: F64Buffer | undefined = new F64Buffer();
  private sumW = 0;
  private min = Infinity;
  private max = -Infinity;
  constructor(private readonly cap: number) {}
  add(time: number, weight: number): void {
    this.sumW += weight;
    if (time < this.min) this.min = time;
    if (time > this.max) this.max = time;
    if (!this.t || !this.w) return;
    if (this.t.length >= this.cap) {
      this.t = this.w = undefined;
      return;
    }
    this.t.push(time);
    this.w.push(weight);
  }
  /** Events are still kept (the exact rate is still possible). */
  get exact(): boolean {
    return this.t !== undefined;
  }
  /** `count` events of `weight` each between `first` and `last` (past the cap: only the sum and the ends matter). */
  addSpan(first: number, last: number, weight: number, count: number): void {
    this.sumW += weight * count;
    if (first < this.min) this.min = first;
    if (last > this.max) this.max = last;
  }
  /** The mean of GuideLLM's rate distribution (window: zero-weight sentinels at its ends, as GuideLLM). */
  mean(window?: { startS: number; endS: number }): number {
    if (this.t && this.w) {
      return glRateFromColumns(this.t.view(), this.w.view(), window?.startS, window?.endS).mean;
    }
    const span = window ? window.endS - window.startS : this.max - this.min;
    return span > 0 ? this.sumW / span : 0;
  }
}

/** A GuideLLM distribution as the summary's Summary (× k: s → ms); undefined when empty. */
export function glSummary(d: GlDistribution, k = 1): Summary | undefined {
  if (d.count === 0) return undefined;
  return { count: d.count, mean: d.mean * k, min: d.min * k, max: d.max * k, std: d.std_dev * k, p50: d.median * k, p90: d.percentiles.p90 * k, p95: d.percentiles.p95 * k, p99: d.percentiles.p99 * k };
}

/** outputTimings(q) into a rate past its cap, without building the ~32 events per request. */
function outputSpan(q: GlRequest, rate: RateEvents): void {
  const per = q.iterTokensPerIteration;
  if (q.firstTokenS === undefined || q.lastTokenS === undefined || per === undefined || q.tokenIterations <= 1) {
    if (q.firstTokenS === undefined || q.lastTokenS === undefined || q.tokenIterations <= 1) rate.add(q.lastTokenS ?? q.endS, q.outputTokens ?? 0);
    else rate.add(q.firstTokenS, q.outputTokens ? 1 : 0);
    return;
  }
  rate.add(q.firstTokenS, q.outputTokens ? 1 : 0);
  rate.addSpan(q.firstTokenS, q.lastTokenS, per, q.tokenIterations - 1);
}

export class GuidellmAccumulator implements RecordAccumulator {
  private counts = { successful: 0, errored: 0, incomplete: 0 };
  private start = Infinity;
  private end = -Infinity;
  private readonly ttft = new F64Buffer();
  private readonly tpot = new F64Buffer();
  private readonly tpotW = new F64Buffer();
  private readonly itl = new F64Buffer();
  private readonly itlW = new F64Buffer();
  private readonly lat = new F64Buffer();
  private readonly reqRate: RateEvents;
  private readonly promptRate: RateEvents;
  private readonly outRate: RateEvents;

  constructor(rateEventCap = RATE_EVENT_CAP) {
    this.reqRate = new RateEvents(rateEventCap);
    this.promptRate = new RateEvents(rateEventCap);
    this.outRate = new RateEvents(rateEventCap);
  }

  add(r: RequestRecord): void {
    if (r.sentAtMs < this.start) this.start = r.sentAtMs;
    if (r.endAtMs > this.end) this.end = r.endAtMs;
    const q = glRequest(r);
    this.counts[q.status]++;
    if (q.status !== 'successful') return;
    this.ttft.push(q.ttftMs ?? 0);
    this.tpot.push(q.tpotMs ?? 0);
    this.tpotW.push(q.outputTokens ?? 0);
    this.itl.push(q.itlMs ?? 0);
    this.itlW.push((q.outputTokens ?? 1) - 1);
    this.lat.push(q.latencyS ?? 0);
    this.reqRate.add(q.endS, 1);
    const p = promptTiming(q);
    this.promptRate.add(p[0], p[1]);
    if (this.outRate.exact) for (const [t, w] of outputTimings(q)) this.outRate.add(t, w);
    else outputSpan(q, this.outRate);
  }

  result(): SeedMetrics {
    const c = this.counts;
    const total = c.successful + c.errored + c.incomplete;
    const failures = c.errored + c.incomplete;
    const window = { startS: this.start / 1000, endS: this.end / 1000 };
    const ok = c.successful > 0;
    return {
      outputTokensPerS: ok ? this.outRate.mean() : 0,
      inputTokensPerS: ok ? this.promptRate.mean() : 0,
      requestsPerS: ok ? this.reqRate.mean(window) : 0,
      ttftMs: glSummary(glFromColumns(this.ttft.view())),
      tpotMs: glSummary(glFromColumns(this.tpot.view(), this.tpotW.view())),
      requestLatencyMs: glSummary(glFromColumns(this.lat.view()), 1000),
      itlMs: glSummary(glFromColumns(this.itl.view(), this.itlW.view())),
      failureRate: total ? failures / total : 0,
      benchmarkDurationS: total ? (this.end - this.start) / 1000 : 0,
      requests: total,
      failures,
    };
  }
}
