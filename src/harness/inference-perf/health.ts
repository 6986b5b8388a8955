/**
 * Load-generator health for the result set (loadgen_health.json): per stage achieved vs
 * requested rate and schedule lag, max in flight against the configured cap, event-loop delay
 * and CPU; and a verdict — was the client itself the bottleneck? Thresholds are deliberately
 * coarse (tens of ms) so a loaded CI machine does not cry wolf on healthy runs.
 */
import type { LoadResult } from '../../engine/loadgen/types.ts';
import type { LoadgenHealthFile } from '../../platform/local/analysis.ts';
import { percentileSorted } from './stats.ts';
import type { StageInfo } from './outputs.ts';
import type { WorkerSizing } from './load-map.ts';

/** Schedule lag (sent − scheduled) p99 above this means sends went out late. */
export const LAG_P99_LIMIT_MS = 50;
/** Event-loop delay p99 above this inflates TTFT/ITL measured on that loop. */
export const LOOP_P99_LIMIT_MS = 50;

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function healthVerdict(result: LoadResult, stages: readonly StageInfo[], sizing: WorkerSizing): LoadgenHealthFile {
  const warnings: string[] = [];
  const perStage = stages.map((st) => {
    const run = result.stages.find((s) => s.stage === st.index);
    const recs = result.records.filter((r) => r.stage === st.index);
    const lag = Float64Array.from(recs.map((r) => r.sentAtMs - r.scheduledAtMs)).sort();
    let first = Infinity;
    let last = -Infinity;
    for (const r of recs) {
      first = Math.min(first, r.sentAtMs);
      last = Math.max(last, r.sentAtMs);
    }
    const sendS = recs.length > 1 ? (last - first) / 1000 : 0;
    const open = run?.kind === 'open';
    const achieved = sendS > 0 ? recs.length / sendS : 0;
    const lagP99 = lag.length ? percentileSorted(lag, 99) : 0;
    if (open && lagP99 > LAG_P99_LIMIT_MS) warnings.push(`stage ${st.index}: schedule lag p99 ${lagP99.toFixed(1)} ms (requests were sent late)`);
    if (open && recs.length >= 20 && st.requestedRate > 0 && achieved < 0.9 * st.requestedRate && lagP99 > LAG_P99_LIMIT_MS) {
      warnings.push(`stage ${st.index}: achieved ${achieved.toFixed(2)} req/s of ${st.requestedRate} requested`);
    }
    return {
      stage: st.index,
      kind: run?.kind ?? 'open',
      requested_rate: st.requestedRate,
      achieved_rate: r3(achieved),
      ...(st.concurrency !== undefined ? { concurrency: st.concurrency } : {}),
      planned: run?.planned ?? null,
      sent: run?.submitted ?? recs.length,
      dropped: run?.dropped ?? 0,
      schedule_lag_ms: lag.length
        ? { p50: r3(percentileSorted(lag, 50)), p90: r3(percentileSorted(lag, 90)), p99: r3(lagP99), max: r3(lag[lag.length - 1]!) }
        : null,
    };
  });
  const h = result.health;
  for (const t of h.threads) {
    if (t.eventLoopDelayMs.p99 > LOOP_P99_LIMIT_MS) warnings.push(`${t.thread}: event-loop delay p99 ${t.eventLoopDelayMs.p99.toFixed(1)} ms (timestamps may be late)`);
  }
  const notes: string[] = [];
  if (perStage.some((s) => s.kind === 'open') && h.maxInFlight > sizing.connections) {
    // Not a bottleneck of ours (we have no such cap): a comparability note.
    notes.push(
      `max in flight ${h.maxInFlight} exceeded inference-perf's cap num_workers × worker_max_concurrency = ${sizing.connections}; ` +
        'inference-perf would have sent those requests late',
    );
  }
  return {
    client_bottleneck: warnings.length > 0,
    warnings,
    notes,
    stages: perStage,
    max_in_flight: h.maxInFlight,
    inference_perf_in_flight_cap: sizing.connections,
    worker_threads: h.workers,
    cpu: h.cpu,
    threads: h.threads,
  };
}
