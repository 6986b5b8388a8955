/** Per run: cumulative distributions of TTFT, ITL, TPOT and E2E latency (2×2), share in %. */
import { LATENCY_METRICS, type PlotData } from './collect.ts';
import { METRIC_LABEL, PANEL } from './labels.ts';
import type { VlSpec } from './render.ts';

export function latencyCdfs(d: PlotData): VlSpec | undefined {
  const panels = LATENCY_METRICS.flatMap((k) => {
    const x = d.dists[k];
    if (!x) return [];
    const L = METRIC_LABEL[k];
    return [
      {
        title: { text: L.short, subtitle: `${x.count} ${L.count}` },
        ...PANEL,
        data: { values: x.cdf.map(([v, s]) => ({ v, s: s * 100 })) },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5, color: '#4c78a8' },
        encoding: {
          x: { field: 'v', type: 'quantitative', title: L.axis, scale: { zero: false } },
          y: { field: 's', type: 'quantitative', title: `share of ${L.count} ≤ x (%)`, scale: { domain: [0, 100] } },
        },
      },
    ];
  });
  if (!panels.length) return undefined;
  const rows = [];
  for (let i = 0; i < panels.length; i += 2) rows.push({ hconcat: panels.slice(i, i + 2) });
  return { title: { text: 'Latency CDFs', subtitle: [d.name, 'inference-perf definitions, successful requests'] }, vconcat: rows };
}
