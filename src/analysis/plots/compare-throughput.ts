/**
 * `llmdbench compare`: throughput vs latency of several runs overlaid, one curve per run through
 * its stages / rates (from each run's reports: any harness), p50 solid and p90 dashed.
 */
import type { CompareData } from './compare-cdfs.ts';
import { operatingPointsSpec } from './operating-points.ts';
import type { VlSpec } from './render.ts';

export function compareThroughput(d: CompareData): VlSpec | undefined {
  const series = d.runs.filter((r) => r.points.length).map((r) => ({ label: r.label, points: r.points }));
  return operatingPointsSpec('Throughput vs latency by run', [`${series.length} runs, one point per stage / rate (from the reports)`, 'right and low is better'], series);
}
