/**
 * inference-perf's `load` section → engine StagePlans (harness-formats.md §2.3), stage i
 * seeded from base_seed:
 *   constant  N = int(rate × duration) exponential gaps rescaled to sum to exactly `duration`
 *             (Poisson-like, exactly N arrivals, the last at t0 + duration);
 *   poisson   one second at a time: k ~ Poisson(rate) arrivals placed by the constant rule
 *             inside that second; the first N = int(rate × duration) are used;
 *   concurrent closed loop: `concurrency_level` in flight until `num_requests` are done
 *             (requested_rate reported = num_requests, as inference-perf).
 * The stage clock starts 1 s ahead (leadMs 1000) as inference-perf's.
 *
 * Worker sizing: inference-perf caps in-flight requests at num_workers × worker_max_concurrency
 * (its semaphore; past it, sends go out late). Our engine has no such cap: the connection
 * pool is sized to the plan and worker threads are chosen by the engine ('auto'). The cap is
 * kept only for reporting: health warns when a run went past it (inference-perf would have
 * sent late there, so the two tools' numbers would differ).
 */
import type { StagePlan } from '../../engine/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { Rng } from '../../util/rng.ts';
import { stageRequestCount, type IpConfig } from './config-map.ts';

export interface PlannedStage {
  plan: StagePlan;
  /** inference-perf's requested_rate (rate, or num_requests for concurrent). */
  requestedRate: number;
  concurrency?: number;
  planned: number;
}

export interface WorkerSizing {
  /** inference-perf's in-flight cap, for reporting. */
  connections: number;
  workers: 'auto';
}

/** n exponential gaps of mean 1/rate, rescaled so they sum to spanMs; cumulative offsets from `startMs`. */
function rescaledExponential(rng: Rng, n: number, spanMs: number, startMs: number, out: number[]): void {
  const gaps = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    gaps[i] = rng.exponential(1);
    sum += gaps[i]!;
  }
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += (gaps[i]! / sum) * spanMs;
    out.push(startMs + t);
  }
}

export function constantOffsets(rate: number, durationS: number, seed: number): Float64Array {
  const n = Math.trunc(rate * durationS + 1e-9);
  const out: number[] = [];
  if (n > 0) rescaledExponential(new Rng(seed), n, durationS * 1000, 0, out);
  return Float64Array.from(out);
}

export function poissonOffsets(rate: number, durationS: number, seed: number): Float64Array {
  const n = Math.trunc(rate * durationS + 1e-9);
  const rng = new Rng(seed);
  const out: number[] = [];
  // Bounded: the expected number of seconds is `duration`; give up far beyond it.
  const maxSeconds = Math.ceil(durationS) * 100 + 1000;
  for (let s = 0; out.length < n && s < maxSeconds; s++) {
    const k = rng.poisson(rate);
    if (k > 0) rescaledExponential(rng, k, 1000, s * 1000, out);
  }
  return Float64Array.from(out.slice(0, n));
}

export function planStages(cfg: IpConfig, log: Logger): PlannedStage[] {
  const type = cfg.load.type;
  if (cfg.load.sweep && cfg.load.stages.length === 0) {
    throw new LlmdbenchError('E_IP_UNSUPPORTED', 'load.sweep is not supported yet by llmdbench', {
      location: { keyPath: 'load.sweep' },
      hint: 'write the stages out under load.stages (e.g. a ladder of rates)',
    });
  }
  if (cfg.load.sweep) log.warn('load.sweep is ignored because load.stages is set');
  if (type === 'trace_replay' || type === 'trace_session_replay') {
    throw new LlmdbenchError('E_IP_UNSUPPORTED', `load.type ${type} is not supported yet by llmdbench`, {
      location: { keyPath: 'load.type' },
      hint: 'use constant, poisson or concurrent',
    });
  }
  return cfg.load.stages.map((s, i): PlannedStage => {
    const seed = (cfg.load.base_seed + i) >>> 0;
    const planned = stageRequestCount(type, s);
    if (type === 'concurrent') {
      const concurrency = Math.max(1, Math.trunc(s.concurrency_level ?? 1));
      return { plan: { kind: 'closed', stage: i, concurrency, maxRequests: planned }, requestedRate: planned, concurrency, planned };
    }
    const rate = s.rate ?? 0;
    const duration = s.duration ?? 0;
    const offsetsMs = type === 'poisson' ? poissonOffsets(rate, duration, seed) : constantOffsets(rate, duration, seed);
    return { plan: { kind: 'open', stage: i, offsetsMs, requestedRate: rate, durationMs: duration * 1000 }, requestedRate: rate, planned: offsetsMs.length };
  });
}

export function workerSizing(cfg: IpConfig): WorkerSizing {
  return { connections: Math.max(1, cfg.load.num_workers) * Math.max(1, cfg.load.worker_max_concurrency), workers: 'auto' };
}
