/**
 * `vllm bench serve` traffic → engine plans through the schedule registry (`gamma`):
 * gaps ~ Gamma(shape = burstiness, scale = 1/(rate·burstiness)) rescaled so the last arrival
 * is exactly num_prompts/rate (newer vLLM), `request-rate inf` = everything at t = 0, ramp-up
 * linear/exponential over the request index. `--max-concurrency` is vLLM's semaphore: runLoad's
 * `maxInFlight`, so a due request waits in our executor and the wait is the client queue time
 * (sent − scheduled), reported apart from TTFT and latency. Seeded from --seed.
 */
import type { StagePlan } from '../../engine/types.ts';
import { planStages } from '../../engine/schedule/index.ts';
import type { VllmArgs } from './config-map.ts';

/** Arrivals of `n` prompts under the profile's traffic options (stage index 0). */
export function planTraffic(a: VllmArgs, n: number, seed: number): StagePlan {
  const stage: Record<string, unknown> = { rate: Number.isFinite(a.request_rate) ? a.request_rate : 'inf', num_requests: n, burstiness: a.burstiness };
  if (a.ramp_up_strategy) {
    stage.ramp_up_strategy = a.ramp_up_strategy;
    stage.ramp_up_start_rps = a.ramp_up_start_rps;
    stage.ramp_up_end_rps = a.ramp_up_end_rps;
  }
  return planStages('gamma', [stage], { seed, intervalS: 0 }).stages[0]!;
}

/** vLLM's semaphore (open loop): undefined = no cap. */
export const maxInFlight = (a: VllmArgs): number | undefined => a.max_concurrency ?? undefined;
