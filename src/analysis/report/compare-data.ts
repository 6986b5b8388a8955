/**
 * What `llmdbench compare`'s overlay plots draw for one run, whatever harness wrote it: the
 * latency distributions from the run's records.jsonl when every results directory has one (our
 * engine, any harness: every request, pooled over the run's stages), else from its v0.2 reports'
 * percentiles (files the Python tools wrote: a CDF through p0.1…p99.9, the stages mixed by their
 * request counts); the throughput-vs-latency points from the report rows (one per stage / rate).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { collectPlotData, LATENCY_METRICS, type LatencyMetric, type StagePoint } from '../plots/collect.ts';
import type { CompareDist, CompareRun } from '../plots/compare-cdfs.ts';
import { resultDirs } from './analyze.ts';
import type { RunReport } from './compare.ts';
import type { SummaryRow } from './summary-row.ts';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** v0.2 latency field of each plotted metric. */
const REPORT_FIELD: Record<LatencyMetric, string> = { ttft: 'time_to_first_token', itl: 'inter_token_latency', tpot: 'time_per_output_token', e2e: 'request_latency' };
const TO_MS: Record<string, number> = { ms: 1, s: 1000, 'ms/token': 1, 's/token': 1000 };
const QUANTILES: Array<[string, number]> = [
  ['min', 0], ['p0p1', 0.001], ['p1', 0.01], ['p5', 0.05], ['p10', 0.1], ['p25', 0.25], ['p50', 0.5],
  ['p75', 0.75], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['p99p9', 0.999], ['max', 1],
];

/** A report statistic's percentiles as CDF points (ms), non-decreasing; undefined without units or percentiles. */
export function percentileCdf(stats: unknown): Array<[number, number]> | undefined {
  const st = o(stats);
  const k = TO_MS[String(st.units ?? '')];
  if (k === undefined) return undefined;
  const pts: Array<[number, number]> = [];
  for (const [key, q] of QUANTILES) {
    const v = num(st[key]);
    if (v !== undefined && (pts.length === 0 || v * k >= pts.at(-1)![0])) pts.push([v * k, q]);
  }
  return pts.length >= 2 ? pts : undefined;
}

/** F(x) of a piecewise-linear CDF. */
function at(cdf: Array<[number, number]>, x: number): number {
  if (x < cdf[0]![0]) return 0;
  for (let i = 1; i < cdf.length; i++) {
    const [x1, y1] = cdf[i]!;
    if (x <= x1) {
      const [x0, y0] = cdf[i - 1]!;
      return x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y1;
    }
  }
  return cdf.at(-1)![1];
}

/** The mixture Σ wᵢ Fᵢ / Σ wᵢ of several CDFs, evaluated at every point of each. */
export function mixCdfs(parts: Array<{ cdf: Array<[number, number]>; w: number }>): Array<[number, number]> {
  if (parts.length === 1) return parts[0]!.cdf;
  const total = parts.reduce((s, p) => s + p.w, 0);
  const xs = [...new Set(parts.flatMap((p) => p.cdf.map((c) => c[0])))].sort((a, b) => a - b);
  return xs.map((x) => [x, parts.reduce((s, p) => s + p.w * at(p.cdf, x), 0) / total]);
}

function reportDists(reports: readonly RunReport[]): CompareRun['dists'] {
  const out: CompareRun['dists'] = {};
  for (const m of LATENCY_METRICS) {
    const parts = reports.flatMap((r) => {
      const agg = o(o(o(o(r.report).results).request_performance).aggregate);
      const cdf = percentileCdf(o(agg.latency)[REPORT_FIELD[m]]);
      const n = num(o(agg.requests).total) ?? 1;
      return cdf ? [{ cdf, w: n > 0 ? n : 1 }] : [];
    });
    if (parts.length) out[m] = { cdf: mixCdfs(parts), count: parts.reduce((s, p) => s + p.w, 0), from: 'report' };
  }
  return out;
}

/** A report row as an operating point (x: output tokens/s); undefined without a throughput. */
function point(r: SummaryRow, i: number): StagePoint | undefined {
  if (r.outputTokensPerS === undefined) return undefined;
  const total = r.total ?? 0;
  const p: StagePoint = { stage: i, requests: total, failed: Math.round((r.failureRate ?? 0) * total), requestsPerS: r.requestsPerS ?? 0, outputTokensPerS: r.outputTokensPerS };
  const set = <K extends keyof StagePoint>(k: K, v: StagePoint[K] | undefined): void => {
    if (v !== undefined) p[k] = v;
  };
  set('requestedRate', r.rateQps);
  set('ttftP50Ms', r.ttftMs?.p50);
  set('ttftP90Ms', r.ttftMs?.p90);
  set('e2eP50Ms', r.requestLatencyMs?.p50);
  set('e2eP90Ms', r.requestLatencyMs?.p90);
  set('itlP50Ms', r.itlMs?.p50);
  set('tpotP50Ms', r.tpotMs?.p50);
  return p;
}

/** One run's overlay data: `label` as drawn, `dir` as given, its report rows and reports. */
export async function compareRunData(label: string, dir: string, rows: readonly SummaryRow[], reports: readonly RunReport[]): Promise<CompareRun> {
  const records = resultDirs(dir).map((d) => join(d, RECORDS_FILE));
  let dists: CompareRun['dists'] = {};
  if (records.length && records.every((f) => existsSync(f))) {
    const pd = await collectPlotData(label, records);
    for (const m of LATENCY_METRICS) {
      const x = pd.dists[m];
      if (x) dists[m] = { cdf: x.cdf, count: x.count, from: 'records' } satisfies CompareDist;
    }
  }
  if (!Object.keys(dists).length) dists = reportDists(reports);
  return { label, dists, points: rows.flatMap((r, i) => point(r, i) ?? []) };
}
