/**
 * Load-generator health for the result set (loadgen_health.json): src/metrics' loadgenHealth
 * (per stage achieved vs requested rate and schedule lag, max in flight, event-loop delay,
 * CPU, GC, and the verdict: was the client itself the bottleneck?) plus a comparability note
 * when the run went past inference-perf's own in-flight cap.
 */
import type { LoadResult } from '../../engine/loadgen/types.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import type { LoadgenHealthFile } from '../../platform/local/analysis.ts';
import type { WorkerSizing } from './load-map.ts';

export function healthVerdict(result: LoadResult, sizing: WorkerSizing): LoadgenHealthFile {
  const rep = loadgenHealth(result.records, result.stages, result.health);
  const notes: string[] = [];
  if (rep.stages.some((s) => s.kind === 'open') && rep.maxInFlight > sizing.connections) {
    // Not a bottleneck of ours (we have no such cap): a comparability note.
    notes.push(
      `max in flight ${rep.maxInFlight} exceeded inference-perf's cap num_workers × worker_max_concurrency = ${sizing.connections}; ` +
        'inference-perf would have sent those requests late',
    );
  }
  return {
    client_bottleneck: rep.clientBottleneck,
    warnings: rep.reasons,
    notes,
    inference_perf_in_flight_cap: sizing.connections,
    ...rep,
  };
}
