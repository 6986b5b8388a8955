/**
 * `-f`: the server's Prometheus metrics over time, ready to draw next to the load: the monitoring
 * summary's per-snapshot series (gauges as read, counters as the rate over each scrape interval,
 * the prefix-cache hit rate as Δhits / Δqueries) put on the timeline's axis (seconds since its
 * t = 0) and grouped into panels with units. Pure: the plots reporter supplies the summary and the
 * clock mapping. A gauge's missing scrape (an interval over 1.5× the median) is a gap (null), never
 * a line drawn across it; a counter's rate over such an interval is still known (its average).
 */
import type { MetricSummary, MonitoringSummary, TargetMonitoring } from '../../metrics/monitoring.ts';
import { SERVER_PANELS, type Source } from './server-panels.ts';

/** One value of one line; v null breaks the line. */
export interface ServerRow {
  t: number;
  v: number | null;
  s: string;
}

export interface ServerPanel {
  id: string;
  title: string;
  /** y-axis title, with the unit. */
  axis: string;
  /** gauge: values at each scrape (lines through points); rate: constant over each scrape interval (steps). */
  kind: 'gauge' | 'rate';
  rows: ServerRow[];
}

export interface ServerPlotData {
  targets: string[];
  /** How the scrapes were put on the records' time axis: by the run's clock anchor, or (no anchor) first scrape = first request. */
  aligned: 'clock' | 'first-scrape';
  /** Median time between scrapes (s). */
  intervalS: number;
  panels: ServerPanel[];
}

type Pts = [number, number][];
const seriesOf = (m: MetricSummary | undefined): Pts | undefined => (m && m.type !== 'histogram' ? m.series : undefined);

/** [t_i, value over (t_i, t_i+1]] per interval: a counter's rate (a drop is a restart: the new value counts whole). */
function intervals(p: Pts, value: (i: number) => number | null): Array<[number, number | null]> {
  const out: Array<[number, number | null]> = [];
  for (let i = 1; i < p.length; i++) out.push([p[i - 1]![0], value(i)]);
  return out;
}
const inc = (p: Pts, i: number): number => (p[i]![1] >= p[i - 1]![1] ? p[i]![1] - p[i - 1]![1] : p[i]![1]);

/** Raw [epoch ms, value|null] points of one source on one target. */
function sourcePoints(t: TargetMonitoring, src: Source): Array<[number, number | null]> | undefined {
  const name = src.names.find((n) => seriesOf(t.metrics[n]));
  const p = name ? seriesOf(t.metrics[name]) : undefined;
  if (!p?.length) return undefined;
  const k = src.scale ?? 1;
  if (src.type === 'gauge') return p.map(([ts, v]) => [ts, v * k]);
  if (p.length < 2) return undefined;
  if (src.type === 'counter') return intervals(p, (i) => (inc(p, i) * k * 1000) / (p[i]![0] - p[i - 1]![0]));
  const q = seriesOf(t.metrics[src.per!]);
  if (!q || q.length !== p.length) return undefined;
  return intervals(p, (i) => (inc(q, i) > 0 ? (inc(p, i) * k) / inc(q, i) : null));
}

function medianStep(ts: number[]): number {
  const d = ts.slice(1).map((t, i) => t - ts[i]!).sort((a, b) => a - b);
  return d.length ? d[Math.floor(d.length / 2)]! : 0;
}

/**
 * The panels with data for `summary`, times mapped by `toS(epoch ms)` onto the timeline's axis.
 * Undefined when no panel has data.
 */
export function serverPlotData(summary: MonitoringSummary, toS: (epochMs: number) => number, aligned: ServerPlotData['aligned']): ServerPlotData | undefined {
  const targets = summary.targets.filter((t) => t.snapshots > 0);
  const steps = targets.map((t) => medianStep(Object.values(t.metrics).map(seriesOf).find((p) => p)?.map((x) => x[0]) ?? []));
  const panels: ServerPanel[] = [];
  for (const def of SERVER_PANELS) {
    const rows: ServerRow[] = [];
    for (const src of def.sources) {
      for (const [ti, t] of targets.entries()) {
        const pts = sourcePoints(t, src);
        if (!pts || pts.every(([, v]) => v === null || (def.hideZero && v === 0))) continue;
        const s = targets.length > 1 ? `${src.label} · ${t.target}` : src.label;
        const gap = steps[ti]! * 1.5;
        pts.forEach(([ts, v], i) => {
          // A missing scrape: break the line in the middle of the hole.
          if (src.type === 'gauge' && i > 0 && gap > 0 && ts - pts[i - 1]![0] > gap) rows.push({ t: toS((ts + pts[i - 1]![0]) / 2), v: null, s });
          rows.push({ t: toS(ts), v, s });
        });
        // Steps end where the last interval ends.
        const last = seriesOf(t.metrics[src.names.find((n) => seriesOf(t.metrics[n]))!])!.at(-1)!;
        if (src.type !== 'gauge') rows.push({ t: toS(last[0]), v: pts.at(-1)![1], s });
      }
    }
    if (rows.length) panels.push({ id: def.id, title: def.title, axis: def.axis, kind: def.kind, rows });
  }
  if (!panels.length) return undefined;
  const intervalS = Math.max(0, ...steps) / 1000;
  return { targets: targets.map((t) => t.target), aligned, intervalS, panels };
}
