/**
 * Per run: histograms of TTFT, ITL, TPOT and E2E latency (2×2), p50 / p90 / p99 marked.
 * Bins are equal width from the minimum to p99.9 (the last bin holds the tail).
 */
import { LATENCY_METRICS, type PlotData } from './collect.ts';
import { METRIC_LABEL, PANEL } from './labels.ts';
import type { VlSpec } from './render.ts';

export function latencyHistograms(d: PlotData): VlSpec | undefined {
  const panels = LATENCY_METRICS.flatMap((k) => {
    const x = d.dists[k];
    if (!x) return [];
    const L = METRIC_LABEL[k];
    const marks = [
      { q: 'p50', v: x.p50 },
      { q: 'p90', v: x.p90 },
      { q: 'p99', v: x.p99 },
    ];
    return [
      {
        title: { text: `${L.short}`, subtitle: `${x.count} ${L.count}; p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms` },
        ...PANEL,
        layer: [
          {
            data: { values: x.histogram.map(([a, b, c]) => ({ a, b, c })) },
            mark: { type: 'rect', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              x: { field: 'a', type: 'quantitative', title: L.axis, scale: { zero: false } },
              x2: { field: 'b' },
              y: { field: 'c', type: 'quantitative', title: L.count },
            },
          },
          {
            data: { values: marks },
            mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 2 },
            encoding: {
              x: { field: 'v', type: 'quantitative' },
              color: { field: 'q', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p90', 'p99'], range: ['#54a24b', '#f58518', '#e45756'] } },
            },
          },
        ],
      },
    ];
  });
  if (!panels.length) return undefined;
  const rows = [];
  for (let i = 0; i < panels.length; i += 2) rows.push({ hconcat: panels.slice(i, i + 2) });
  return { title: { text: 'Latency distributions', subtitle: [d.name, 'inference-perf definitions, successful requests'] }, vconcat: rows, resolve: { scale: { color: 'shared' } } };
}
