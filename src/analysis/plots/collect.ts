/**
 * One streaming pass over records.jsonl into everything the plots draw: latency histograms
 * (TTFT, ITL, TPOT, E2E; inference-perf definitions, ms), the time series and per-stage
 * points. Records are binned as they are read, never held, so a million records fit in a few
 * MB. The result (`PlotData`) is small, serialisable, and saved as plot_data.json so the work
 * directory's report can draw its curves without reading the records again.
 */
import { forEachRecord } from '../../engine/record/reader.ts';
import type { RequestRecord } from '../../engine/types.ts';
import { outputTokens } from '../../metrics/tokens.ts';
import { LogHistogram } from '../../metrics/log-histogram.ts';
import { TimeBins, type TimeBin } from '../../metrics/time-bins.ts';
import type { ServerPlotData } from './server-series.ts';

export const PLOT_DATA_FILE = 'plot_data.json';
/**
 * Time series drawn with at most this many bins, each at least this wide (rates from 100 ms bins
 * are mostly noise) and wide enough to hold this many sends on average: at a low rate, bins
 * narrower than the gap between sends alternate 0 / 2× the rate and leave the latency line as
 * isolated points (bins without a send have no latency: a gap).
 */
const TIMELINE_BINS = 120;
const TIMELINE_MIN_BIN_MS = 500;
const TIMELINE_SENDS_PER_BIN = 2;

export const LATENCY_METRICS = ['ttft', 'itl', 'tpot', 'e2e'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** A latency distribution, reduced for drawing (ms). */
export interface DistPlotData {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  /** [bin start, bin end, count], equal width, min..p99.9 (the last bin holds the tail). */
  histogram: Array<[number, number, number]>;
  /** [value, cumulative share], ascending. */
  cdf: Array<[number, number]>;
}

/** One stage's operating point (inference-perf definitions: rates over max(end) − min(send)). */
export interface StagePoint {
  stage: number;
  requests: number;
  failed: number;
  requestedRate?: number;
  requestsPerS: number;
  outputTokensPerS: number;
  ttftP50Ms?: number;
  ttftP90Ms?: number;
  e2eP50Ms?: number;
  e2eP90Ms?: number;
  itlP50Ms?: number;
  tpotP50Ms?: number;
}

export interface PlotData {
  name: string;
  requests: number;
  dists: Partial<Record<LatencyMetric, DistPlotData>>;
  timeline: TimeBin[];
  /** Where the timeline's t = 0 lies on the records' clock (monotonic ms), to align other series with it. */
  originMs?: number;
  stages: StagePoint[];
  /** -f: the server's metrics over time on the timeline's axis (added by the plots reporter, server-series.ts). */
  server?: ServerPlotData;
}

interface StageAcc {
  n: number;
  failed: number;
  minSent: number;
  maxEnd: number;
  okOutTokens: number;
  ok: number;
  h: Record<LatencyMetric, LogHistogram>;
}

const hists = (): Record<LatencyMetric, LogHistogram> => ({ ttft: new LogHistogram(), itl: new LogHistogram(), tpot: new LogHistogram(), e2e: new LogHistogram() });
const q = (h: LogHistogram, p: number): number | undefined => (h.count ? h.quantile(p) : undefined);

function reduce(h: LogHistogram): DistPlotData | undefined {
  if (!h.count) return undefined;
  const cdf = h.cdf();
  // Keep the CDF small: at most ~200 points, always the first and last.
  const step = Math.max(1, Math.ceil(cdf.length / 200));
  const thin = cdf.filter((_, i) => i % step === 0 || i === cdf.length - 1);
  return { count: h.count, mean: h.mean, p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99), histogram: h.linearBins(40, h.quantile(0.999)), cdf: thin };
}

/**
 * Stream `recordsPath` into the plot data; `requestedRates[stage]` from loadgen_health.json when
 * known. Several files (compare: every results directory of a run) pool their distributions.
 */
export async function collectPlotData(name: string, recordsPath: string | readonly string[], requestedRates: Record<number, number> = {}): Promise<PlotData> {
  const c = plotDataCollector(name, requestedRates);
  for (const f of typeof recordsPath === 'string' ? [recordsPath] : recordsPath) await forEachRecord(f, (r) => c.add(r), []);
  return c.result();
}

/** One record at a time (the analysis step's single pass over records.jsonl feeds this beside the summary). */
export interface PlotDataCollector {
  add(r: RequestRecord): void;
  result(): PlotData;
}

export function plotDataCollector(name: string, requestedRates: Record<number, number> = {}): PlotDataCollector {
  const all = hists();
  const stages = new Map<number, StageAcc>();
  const bins = new TimeBins();
  let requests = 0;
  const add = (r: RequestRecord): void => {
    requests++;
    let st = stages.get(r.stage);
    if (!st) stages.set(r.stage, (st = { n: 0, failed: 0, minSent: Infinity, maxEnd: -Infinity, okOutTokens: 0, ok: 0, h: hists() }));
    st.n++;
    st.minSent = Math.min(st.minSent, r.sentAtMs);
    st.maxEnd = Math.max(st.maxEnd, r.endAtMs);
    if (r.error) {
      st.failed++;
      bins.add(r);
      return;
    }
    // inferencePerfRequest(r, {}, false)'s values with its expressions, without its object per record
    const out = outputTokens(r);
    const t = r.chunkTimesMs;
    const n = t.length;
    const ttftMs = n > 1 ? ((t[0]! - r.sentAtMs) / 1000) * 1000 : undefined;
    bins.add(r, ttftMs);
    st.ok++;
    st.okOutTokens += out;
    // Per stage only: the run's histograms are the stages' merged at the end (half the work per value, 1M-record runs).
    const h = st.h;
    h.e2e.add(((r.endAtMs - r.sentAtMs) / 1000) * 1000);
    if (ttftMs !== undefined) h.ttft.add(ttftMs);
    if (n > 1 && out > 1) h.tpot.add(((t[n - 1]! - t[0]!) / 1000 / (out - 1)) * 1000);
    // inferencePerfRequest's ITL gaps (per-chunk times), without its array per record
    if (n > 1) for (let i = 1; i < n; i++) h.itl.add(((t[i]! - t[i - 1]!) / 1000) * 1000);
  };
  let done: PlotData | undefined;
  return {
    add,
    result: () => {
      if (done) return done;
      for (const st of stages.values()) for (const k of LATENCY_METRICS) all[k].merge(st.h[k]);
      return (done = plotDataOf(name, requests, all, stages, bins, requestedRates));
    },
  };
}

function plotDataOf(name: string, requests: number, all: Record<LatencyMetric, LogHistogram>, stages: Map<number, StageAcc>, bins: TimeBins, requestedRates: Record<number, number>): PlotData {
  const dists: PlotData['dists'] = {};
  for (const k of LATENCY_METRICS) {
    const d = reduce(all[k]);
    if (d) dists[k] = d;
  }
  const points: StagePoint[] = [...stages.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([stage, s]) => {
      const spanS = Math.max(s.maxEnd - s.minSent, 0) / 1000;
      const p: StagePoint = { stage, requests: s.n, failed: s.failed, requestsPerS: spanS > 0 ? s.ok / spanS : 0, outputTokensPerS: spanS > 0 ? s.okOutTokens / spanS : 0 };
      if (requestedRates[stage] !== undefined) p.requestedRate = requestedRates[stage];
      const set = (k: keyof StagePoint, v: number | undefined): void => {
        if (v !== undefined) (p as unknown as Record<string, number>)[k] = v;
      };
      set('ttftP50Ms', q(s.h.ttft, 0.5));
      set('ttftP90Ms', q(s.h.ttft, 0.9));
      set('e2eP50Ms', q(s.h.e2e, 0.5));
      set('e2eP90Ms', q(s.h.e2e, 0.9));
      set('itlP50Ms', q(s.h.itl, 0.5));
      set('tpotP50Ms', q(s.h.tpot, 0.5));
      return p;
    });
  const origin = bins.originMs();
  const spanMs = Math.max(...[...stages.values()].map((s) => s.maxEnd)) - Math.min(...[...stages.values()].map((s) => s.minSent));
  const minBinMs = Math.max(TIMELINE_MIN_BIN_MS, requests > 0 && spanMs > 0 ? (TIMELINE_SENDS_PER_BIN * spanMs) / requests : 0);
  return { name, requests, dists, timeline: bins.bins(TIMELINE_BINS, minBinMs), ...(Number.isFinite(origin) ? { originMs: origin } : {}), stages: points };
}
