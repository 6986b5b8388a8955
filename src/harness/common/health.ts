/**
 * The default loadgen_health.json of a harness run: src/metrics' loadgenHealth (per stage
 * achieved vs requested, schedule lag, in flight, event-loop delay, CPU, GC) and its verdict.
 * A harness with an in-flight cap of its own passes it so the verdict can blame it.
 */
import type { LoadResult } from '../../engine/loadgen/types.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import type { LoadgenHealthFile } from '../../metrics/seed-summary.ts';

export interface InFlightCap {
  value: number;
  /** What the profile calls it, e.g. `num_workers × worker_max_concurrency`. */
  name: string;
  hint: string;
}

export function defaultHealth(result: LoadResult, cap?: InFlightCap): LoadgenHealthFile {
  const rep = loadgenHealth(result.columns, result.stages, result.health, cap ? { inFlightCap: cap } : {});
  return { client_bottleneck: rep.clientBottleneck, warnings: rep.reasons, notes: [], ...rep };
}
