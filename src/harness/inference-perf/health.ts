/**
 * Load-generator health for the result set (loadgen_health.json): src/metrics' loadgenHealth
 * (per stage achieved vs requested rate and schedule lag, max in flight, event-loop delay,
 * CPU, GC, and the verdict: was the client itself the bottleneck, the machine, or the profile's
 * in-flight cap (num_workers × worker_max_concurrency)?
 */
import type { LoadResult } from '../../engine/loadgen/types.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import type { LoadgenHealthFile } from '../../metrics/seed-summary.ts';
import type { WorkerSizing } from './load-map.ts';

export function healthVerdict(result: LoadResult, sizing: WorkerSizing): LoadgenHealthFile {
  const rep = loadgenHealth(
    result.columns,
    result.stages,
    result.health,
    sizing.connections !== undefined
      ? { inFlightCap: { value: sizing.connections, name: 'num_workers × worker_max_concurrency', hint: 'raise load.worker_max_concurrency (or num_workers)' } }
      : {},
  );
  const notes: string[] = [];
  return {
    client_bottleneck: rep.clientBottleneck,
    warnings: rep.reasons,
    notes,
    inference_perf_in_flight_cap: sizing.connections ?? null,
    ...rep,
  };
}
