/**
 * inference-perf's `load` section → engine StagePlans (harness-formats.md §2.3) through the
 * schedule registry (src/engine/schedule), seeded from base_seed:
 *   constant  N = int(rate × duration) exponential gaps rescaled to sum to exactly `duration`
 *             (Poisson-like, exactly N arrivals, the last at t0 + duration);
 *   poisson   one second at a time: k ~ Poisson(rate) arrivals placed by the constant rule
 *             inside that second; the first N = int(rate × duration) are used;
 *   concurrent closed loop: `concurrency_level` in flight until `num_requests` are done
 *             (requested_rate reported = num_requests, as inference-perf).
 * inference-perf starts each stage clock 1 s ahead (queue fill); ours starts 100 ms ahead.
 *
 * Worker sizing: inference-perf caps in-flight requests at num_workers × worker_max_concurrency
 * (its semaphore; past it, sends go out late). We keep that cap as runLoad's `maxInFlight`:
 * a due request waits for a slot in our executor and the wait is schedule lag, not TTFT; the
 * connection pool is sized to min(planned requests, cap), so no request ever queues inside
 * the pool. Worker threads are chosen by the engine ('auto').
 */
import type { StagePlan } from '../../engine/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { arrivalsOf, planStages as planScheduleStages } from '../../engine/schedule/index.ts';
import { sweepStages, type SweepConfig } from '../../engine/schedule/sweep.ts';
import type { IpConfig, IpStage } from './config-map.ts';

export interface PlannedStage {
  plan: StagePlan;
  /** inference-perf's requested_rate (rate, or num_requests for concurrent). */
  requestedRate: number;
  concurrency?: number;
  planned: number;
}

export interface WorkerSizing {
  /**
   * inference-perf's in-flight cap (open loop), passed to runLoad as maxInFlight; undefined for
   * `num_workers: 0` (its single-process mode has no worker semaphores).
   */
  connections: number | undefined;
  workers: 'auto';
}

/** The per-stage fields each load type takes (explicit nulls were dropped by resolveIpConfig). */
function stageFields(type: string, s: IpStage): Record<string, number> {
  const pick = (keys: (keyof IpStage)[]): Record<string, number> => {
    const o: Record<string, number> = {};
    for (const k of keys) if (s[k] !== undefined) o[k] = s[k]!;
    return o;
  };
  return type === 'concurrent' ? pick(['num_requests', 'concurrency_level']) : pick(['rate', 'duration']);
}

function toPlanned(plan: StagePlan): PlannedStage {
  if (plan.kind === 'closed') {
    const planned = plan.maxRequests ?? 0;
    // inference-perf reports requested_rate = num_requests for a concurrent stage.
    return { plan, requestedRate: planned, concurrency: plan.concurrency, planned };
  }
  return { plan, requestedRate: plan.requestedRate, planned: arrivalsOf(plan).count };
}

export function planStages(cfg: IpConfig, log: Logger): PlannedStage[] {
  const type = cfg.load.type;
  if (type === 'trace_replay' || type === 'trace_session_replay') {
    throw new LlmdbenchError('E_IP_UNSUPPORTED', `load.type ${type} is not supported yet by llmdbench`, {
      location: { keyPath: 'load.type' },
      hint: 'use constant, poisson or concurrent',
    });
  }
  if (cfg.load.sweep && cfg.load.stages.length > 0) log.warn('load.sweep is ignored because load.stages is set');
  if (cfg.load.stages.length === 0) return [];
  const load = planScheduleStages(type, cfg.load.stages.map((s) => stageFields(type, s)), { seed: cfg.load.base_seed, intervalS: cfg.load.interval });
  return load.stages.map(toPlanned);
}

/** The sweep's stages once the saturation (req/s) is measured. */
export function planSweepStages(cfg: IpConfig, saturation: number): PlannedStage[] {
  const type = cfg.load.type === 'poisson' ? 'poisson' : 'constant';
  return sweepStages(cfg.load.sweep as SweepConfig, type, saturation, cfg.load.base_seed).map(toPlanned);
}

export function workerSizing(cfg: IpConfig): WorkerSizing {
  const nw = cfg.load.num_workers;
  return { connections: nw > 0 ? nw * Math.max(1, cfg.load.worker_max_concurrency) : undefined, workers: 'auto' };
}
