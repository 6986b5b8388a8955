/**
 * `llmdbench compare`: the latency CDFs of several runs overlaid, one line per run (legend = run
 * letter and name, as in the table), 2×2 panels TTFT / ITL / TPOT / E2E. A run of our engine is
 * drawn from its records (every request, inference-perf definitions, as the per-run plots); a run
 * the Python tools wrote, from its report's percentiles p0.1…p99.9 (the harness's own
 * definitions), which the legend says.
 */
import type { LatencyMetric, StagePoint } from './collect.ts';
import { LATENCY_METRICS } from './collect.ts';
import { METRIC_LABEL, PANEL } from './labels.ts';
import type { VlSpec } from './render.ts';

export interface CompareDist {
  /** [value (ms), cumulative share 0–1], ascending. */
  cdf: Array<[number, number]>;
  /** Values behind it (records: exact; report: the requests its percentiles cover). */
  count?: number;
  from: 'records' | 'report';
}

export interface CompareRun {
  /** "A · <dir name>" (the table's letter). */
  label: string;
  dists: Partial<Record<LatencyMetric, CompareDist>>;
  /** One per stage / rate (the throughput-vs-latency curve). */
  points: StagePoint[];
}

export interface CompareData {
  runs: CompareRun[];
}

const lineName = (r: CompareRun, d: CompareDist): string => (d.from === 'report' ? `${r.label} (report percentiles)` : r.label);

export function compareCdfs(d: CompareData): VlSpec | undefined {
  const panels = LATENCY_METRICS.flatMap((k) => {
    const rows = d.runs.flatMap((r) => {
      const x = r.dists[k];
      return x ? x.cdf.map(([v, s]) => ({ run: lineName(r, x), v, s: s * 100 })) : [];
    });
    if (!rows.length) return [];
    const L = METRIC_LABEL[k];
    return [
      {
        title: L.short,
        ...PANEL,
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2.5, clip: true },
        encoding: {
          x: { field: 'v', type: 'quantitative', title: L.axis, scale: { zero: false } },
          y: { field: 's', type: 'quantitative', title: `share of ${L.count} ≤ x (%)`, scale: { domain: [0, 100] } },
          color: { field: 'run', type: 'nominal', title: null, legend: { columns: 1, labelLimit: 900 } },
          order: { field: 'v', type: 'quantitative' },
        },
      },
    ];
  });
  if (!panels.length) return undefined;
  const grid = [];
  for (let i = 0; i < panels.length; i += 2) grid.push({ hconcat: panels.slice(i, i + 2) });
  const fromReport = d.runs.some((r) => Object.values(r.dists).some((x) => x?.from === 'report'));
  return {
    title: {
      text: 'Latency CDFs by run',
      subtitle: [`${d.runs.length} runs; from the records: inference-perf definitions, successful requests`, ...(fromReport ? ['(report percentiles): the harness\'s own definitions, p0.1…p99.9 joined by straight lines'] : [])],
    },
    vconcat: grid,
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
  };
}
