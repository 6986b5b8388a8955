/**
 * Monitoring (`-f`): the summary of the Prometheus snapshots scraped from the stack during a run.
 * Pure and incremental: `MonitoringAccumulator.add(snapshot)` per snapshot (in time order per
 * target), `result()` at the end. Memory: one number per series per snapshot for gauges and
 * counters, and only the first and last bucket vectors of each histogram — never the texts.
 * Formulas (docs/metrics.md, "Monitoring"):
 *  - gauge: the snapshots' values (summed over label sets, e.g. per-model series) → mean, stddev,
 *    min, p25…p99, max over the snapshots;
 *  - counter: increase = Σ positive steps (a drop is a restart: the new value counts whole),
 *    rate = increase / (last − first snapshot time);
 *  - histogram: Δcount, Δsum, mean = Δsum/Δcount and quantiles interpolated inside the buckets of
 *    the Δ bucket counts (Prometheus `histogram_quantile`).
 */
import { familyOf, parsePrometheusText, type PromType } from './prometheus.ts';
import { percentileSorted } from '../util/quantile.ts';

/** One scrape of one target. */
export interface MetricsSnapshot {
  /** Wall clock, unix ms, when the answer arrived. */
  tsMs: number;
  /** Which target (a URL or a pod name). */
  target: string;
  text: string;
}

export interface ValueStats {
  count: number;
  mean: number;
  stddev: number;
  min: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface GaugeSummary {
  type: 'gauge';
  stats: ValueStats;
  /** [unix ms, value] per snapshot. */
  series: [number, number][];
}
export interface CounterSummary {
  type: 'counter';
  first: number;
  last: number;
  increase: number;
  ratePerS: number;
  series: [number, number][];
}
export interface HistogramSummary {
  type: 'histogram';
  count: number;
  sum: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}
export type MetricSummary = GaugeSummary | CounterSummary | HistogramSummary;

export interface TargetMonitoring {
  target: string;
  snapshots: number;
  firstMs: number;
  lastMs: number;
  metrics: Record<string, MetricSummary>;
}

export interface MonitoringSummary {
  targets: TargetMonitoring[];
  /** Unparseable lines and the like (scrape failures are added by the scraper). */
  warnings: string[];
}

/** Statistics of a list of values (numpy linear percentiles, population stddev). */
export function valueStats(values: readonly number[]): ValueStats {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  let sum = 0;
  for (const v of s) sum += v;
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (const v of s) ss += (v - mean) ** 2;
  const p = (q: number): number => percentileSorted(s, q);
  return { count: n, mean, stddev: n ? Math.sqrt(ss / n) : NaN, min: s[0] ?? NaN, p25: p(25), p50: p(50), p75: p(75), p90: p(90), p95: p(95), p99: p(99), max: s[n - 1] ?? NaN };
}

/** `histogram_quantile(q, Δbuckets)`: linear inside the bucket that holds rank q·count; null when empty. */
export function histogramQuantile(q: number, bounds: readonly number[], cumCounts: readonly number[]): number | null {
  const total = cumCounts[cumCounts.length - 1] ?? 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (cumCounts[i]! >= rank) {
      const hi = bounds[i]!;
      if (hi === Infinity) return i > 0 ? bounds[i - 1]! : null;
      const lo = i > 0 ? bounds[i - 1]! : 0;
      const below = i > 0 ? cumCounts[i - 1]! : 0;
      const inBucket = cumCounts[i]! - below;
      return inBucket > 0 ? lo + (hi - lo) * ((rank - below) / inBucket) : hi;
    }
  }
  return null;
}

interface HistState {
  first?: Map<number, number>;
  last: Map<number, number>;
  firstSum: number;
  lastSum: number;
  firstCount: number;
  lastCount: number;
}
interface TargetState {
  snapshots: number;
  firstMs: number;
  lastMs: number;
  gauges: Map<string, [number, number][]>;
  counters: Map<string, { series: [number, number][]; increase: number }>;
  hists: Map<string, HistState>;
}

/** Incremental summary of snapshots; feed each target's snapshots in time order. */
export class MonitoringAccumulator {
  private readonly targets = new Map<string, TargetState>();
  readonly warnings: string[] = [];

  add(snap: MetricsSnapshot): void {
    const parsed = parsePrometheusText(snap.text);
    if (parsed.badLines.length) this.warnings.push(`${snap.target} @ ${new Date(snap.tsMs).toISOString()}: ${parsed.badLines.length} unparseable line(s), first at line ${parsed.badLines[0]}`);
    let t = this.targets.get(snap.target);
    if (!t) {
      t = { snapshots: 0, firstMs: snap.tsMs, lastMs: snap.tsMs, gauges: new Map(), counters: new Map(), hists: new Map() };
      this.targets.set(snap.target, t);
    }
    t.snapshots++;
    t.lastMs = snap.tsMs;
    // Sum each series over its label sets in this snapshot (per-model, per-reason series).
    const scalars = new Map<string, { type: PromType; v: number }>();
    const hists = new Map<string, { buckets: Map<number, number>; sum: number; count: number }>();
    for (const s of parsed.samples) {
      const fam = familyOf(s.name, parsed.types);
      const type = parsed.types.get(fam) ?? 'untyped';
      if (type === 'histogram') {
        let h = hists.get(fam);
        if (!h) hists.set(fam, (h = { buckets: new Map(), sum: 0, count: 0 }));
        if (s.name.endsWith('_bucket')) {
          const le = Number(s.labels.le === '+Inf' ? Infinity : s.labels.le);
          h.buckets.set(le, (h.buckets.get(le) ?? 0) + s.value);
        } else if (s.name.endsWith('_sum')) h.sum += s.value;
        else if (s.name.endsWith('_count')) h.count += s.value;
        continue;
      }
      if (type === 'summary') continue; // quantiles of summaries are not additive: not summarised
      if (!Number.isFinite(s.value)) continue;
      const cur = scalars.get(s.name);
      scalars.set(s.name, { type, v: (cur?.v ?? 0) + s.value });
    }
    for (const [name, { type, v }] of scalars) {
      if (type === 'counter') {
        let c = t.counters.get(name);
        if (!c) t.counters.set(name, (c = { series: [], increase: 0 }));
        const prev = c.series[c.series.length - 1]?.[1];
        if (prev !== undefined) c.increase += v >= prev ? v - prev : v;
        c.series.push([snap.tsMs, v]);
      } else {
        let g = t.gauges.get(name);
        if (!g) t.gauges.set(name, (g = []));
        g.push([snap.tsMs, v]);
      }
    }
    for (const [name, h] of hists) {
      const st = t.hists.get(name);
      if (!st) t.hists.set(name, { last: h.buckets, firstSum: h.sum, lastSum: h.sum, firstCount: h.count, lastCount: h.count });
      else {
        st.first ??= st.last;
        st.last = h.buckets;
        st.lastSum = h.sum;
        st.lastCount = h.count;
      }
    }
  }

  result(): MonitoringSummary {
    const targets: TargetMonitoring[] = [];
    for (const [target, t] of this.targets) {
      const metrics: Record<string, MetricSummary> = {};
      for (const [name, series] of t.gauges) metrics[name] = { type: 'gauge', stats: valueStats(series.map((p) => p[1])), series };
      const spanS = (t.lastMs - t.firstMs) / 1000;
      for (const [name, c] of t.counters) {
        metrics[name] = { type: 'counter', first: c.series[0]![1], last: c.series[c.series.length - 1]![1], increase: c.increase, ratePerS: spanS > 0 ? c.increase / spanS : 0, series: c.series };
      }
      for (const [name, h] of t.hists) metrics[name] = histogramSummary(h);
      targets.push({ target, snapshots: t.snapshots, firstMs: t.firstMs, lastMs: t.lastMs, metrics });
    }
    return { targets, warnings: [...this.warnings] };
  }
}

/** Δ between the first and last snapshot of a histogram (one snapshot: its own values since the server started). */
function histogramSummary(h: HistState): HistogramSummary {
  const bounds = [...h.last.keys()].sort((a, b) => a - b);
  const single = h.first === undefined;
  const cum = bounds.map((b) => (h.last.get(b) ?? 0) - (single ? 0 : (h.first!.get(b) ?? 0)));
  const count = single ? h.lastCount : h.lastCount - h.firstCount;
  const sum = single ? h.lastSum : h.lastSum - h.firstSum;
  return {
    type: 'histogram',
    count,
    sum,
    mean: count > 0 ? sum / count : null,
    p50: histogramQuantile(0.5, bounds, cum),
    p90: histogramQuantile(0.9, bounds, cum),
    p99: histogramQuantile(0.99, bounds, cum),
  };
}

/** Summarise snapshots in one go (tests, re-analysis). */
export function summarizeMonitoring(snapshots: Iterable<MetricsSnapshot>): MonitoringSummary {
  const acc = new MonitoringAccumulator();
  for (const s of snapshots) acc.add(s);
  return acc.result();
}
