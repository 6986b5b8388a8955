/**
 * Per work directory (a sweep or a treatment set): throughput vs latency, one curve per result
 * directory through its stages: the Pareto view (further right and lower is better).
 */
import { operatingPointsSpec, type Series } from './operating-points.ts';
import type { VlSpec } from './render.ts';

export function paretoPlot(series: Series[]): VlSpec | undefined {
  const n = series.length;
  return operatingPointsSpec('Throughput vs latency', `${n} result${n === 1 ? '' : 's'}, one point per stage; right and low is better`, series);
}
