/**
 * The shared shape of "latency vs throughput" plots: two panels (TTFT, E2E latency) with output
 * tokens/s on x, one line per series through its points ordered by throughput, p50 solid and p90
 * dashed. Used per run (series = the run, points = stages) and per work directory (series = result
 * directories, the Pareto view users compare stacks with).
 */
import type { StagePoint } from './collect.ts';
import { PANEL } from './labels.ts';
import type { VlSpec } from './render.ts';

export interface Series {
  label: string;
  points: StagePoint[];
}

export function operatingPointsSpec(title: string, subtitle: string | string[], series: Series[]): VlSpec | undefined {
  const rows = series.flatMap((s) =>
    s.points.flatMap((p) =>
      (
        [
          ['TTFT', 'p50', p.ttftP50Ms],
          ['TTFT', 'p90', p.ttftP90Ms],
          ['E2E latency', 'p50', p.e2eP50Ms],
          ['E2E latency', 'p90', p.e2eP90Ms],
        ] as const
      ).flatMap(([metric, q, v]) => (v === undefined ? [] : [{ series: s.label, metric, q, x: p.outputTokensPerS, y: v, stage: p.stage, rate: p.requestedRate ?? null }])),
    ),
  );
  if (!rows.length) return undefined;
  const panel = (metric: string): VlSpec => ({
    title: `${metric} vs throughput`,
    ...PANEL,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line', point: { size: 110, filled: true }, strokeWidth: 2.5 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'output tokens/s', axis: { format: ',.4~r' } },
      y: { field: 'y', type: 'quantitative', title: `${metric} (ms)` },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 900, columns: 1 } },
      strokeDash: { field: 'q', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p90'], range: [[1, 0], [6, 4]] } },
      shape: { field: 'q', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p90'], range: ['circle', 'triangle-up'] } },
      order: { field: 'x', type: 'quantitative' },
      detail: [{ field: 'series' }, { field: 'q' }],
    },
  });
  return { title: { text: title, subtitle }, data: { values: rows }, hconcat: [panel('TTFT'), panel('E2E latency')] };
}
