/** Per run: each stage's latency (p50, p90) against the output throughput it achieved. */
import type { PlotData } from './collect.ts';
import { operatingPointsSpec } from './operating-points.ts';
import type { VlSpec } from './render.ts';

export function stageLatencyPlot(d: PlotData): VlSpec | undefined {
  const n = d.stages.length;
  return operatingPointsSpec('Per-stage latency vs throughput', [d.name, `${n} stage${n === 1 ? '' : 's'}; one point per stage (inference-perf definitions)`], [{ label: d.name, points: d.stages }]);
}
