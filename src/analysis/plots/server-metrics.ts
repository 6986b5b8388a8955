/**
 * Per run with `-f`: the server's metrics over time under the request rate, stacked panels on one
 * shared time axis (the timeline's: seconds since the first request), so a KV cache filling up or
 * a queue forming lines up with the load that caused it. Top: requests sent and completed per
 * second (client, the timeline's bins) with the server's completion counter as a rate; then one
 * panel per metric group that was scraped (server-series.ts), units on every y axis.
 */
import type { PlotData } from './collect.ts';
import { WIDE } from './labels.ts';
import type { VlSpec } from './render.ts';
import type { ServerRow } from './server-series.ts';

const X = { field: 't', type: 'quantitative', title: 'time since the first request (s)' };
const H = 150;
const LEGEND = { orient: 'right', direction: 'vertical', labelLimit: 260 };

type Colors = { domain: string[]; range: string[] };

/** One panel; `x` is the shared time domain (scrapes before the first request are clipped away). */
function panel(title: string, axis: string, rows: ServerRow[], step: boolean, x: [number, number], colors?: Colors): VlSpec {
  const lines = new Set(rows.map((r) => r.s)).size;
  // A metric that stayed at 0 still gets a readable axis (0…1), not a degenerate one.
  const flat = rows.every((r) => r.v === null || r.v === 0);
  return {
    width: WIDE.width,
    height: H,
    title,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2.5, clip: true, interpolate: step ? 'step-after' : 'linear', point: !step && rows.length <= 80 * lines, invalid: 'break-paths-show-domains' },
    encoding: {
      x: { ...X, scale: { domain: x, nice: false } },
      y: { field: 'v', type: 'quantitative', title: axis, ...(flat ? { scale: { domain: [0, 1] } } : {}) },
      color: { field: 's', type: 'nominal', title: null, legend: LEGEND, ...(colors ? { scale: colors } : {}) },
    },
  };
}

const RATE_COLORS: Colors = { domain: ['sent (client)', 'completed (client)', 'completed (server)'], range: ['#4c78a8', '#54a24b', '#f58518'] };

export function serverMetricsPlot(d: PlotData): VlSpec | undefined {
  const srv = d.server;
  if (!srv?.panels.length) return undefined;
  // Client side, from the timeline's bins (steps ending where the last bin ends).
  const rate: ServerRow[] = d.timeline.flatMap((b) => [
    { t: b.tS, v: b.requestsPerS, s: 'sent (client)' },
    { t: b.tS, v: b.completionsPerS, s: 'completed (client)' },
  ]);
  const last = d.timeline.at(-1);
  if (last) rate.push({ t: last.tS + last.widthS, v: last.requestsPerS, s: 'sent (client)' }, { t: last.tS + last.widthS, v: last.completionsPerS, s: 'completed (client)' });
  const serverRate = srv.panels.find((p) => p.id === 'request-rate');
  rate.push(...(serverRate?.rows ?? []));
  const rest = srv.panels.filter((p) => p.id !== 'request-rate');
  const every = srv.intervalS > 0 ? `scraped every ${srv.intervalS < 1 ? `${Math.round(srv.intervalS * 1000)} ms` : `${+srv.intervalS.toFixed(1)} s`}` : 'one scrape';
  const where = srv.targets.length === 1 ? srv.targets[0]! : `${srv.targets.length} targets`;
  const align = srv.aligned === 'clock' ? 'same clock as the requests' : 'no clock anchor in the results: first scrape placed at the first request (approximate)';
  // The time axis: from the first request to whatever ends last (the load or the final scrape).
  const end = Math.max(last ? last.tS + last.widthS : 0, ...srv.panels.flatMap((p) => p.rows.map((r) => r.t)));
  const x: [number, number] = [0, end > 0 ? end : 1];
  const serverKeys = [...new Set(rate.map((r) => r.s))].filter((k) => !RATE_COLORS.domain.includes(k));
  const colors = serverKeys.length ? undefined : RATE_COLORS;
  return {
    title: { text: 'Server metrics over time (-f)', subtitle: [d.name, `${where}, ${every}; ${align}`] },
    vconcat: [panel('request rate (req/s)', 'requests/s', rate, true, x, colors), ...rest.map((p) => panel(p.title, p.axis, p.rows, p.kind === 'rate', x))],
    resolve: { scale: { color: 'independent', x: 'shared' } },
  };
}
