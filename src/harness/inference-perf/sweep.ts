/**
 * inference-perf's `load.sweep` (harness-formats.md §2.3): a pre-stage (id −1, not reported)
 * sends num_requests at num_requests/5 req/s for at most `timeout` s while the number of
 * requests in flight is sampled every 0.5 s; the saturation S is the `saturation_percentile`
 * of the drain rates; the stages are then linear/geometric rates up to S.
 */
import { runLoad, type RequestSource as LoadSource } from '../../engine/loadgen/index.ts';
import { saturationFromSamples, sweepPreStage, type ActiveSample, type SweepConfig } from '../../engine/schedule/sweep.ts';
import type { ClientOptions } from '../../engine/client/http-client.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { IpConfig } from './config-map.ts';
import { planSweepStages, type PlannedStage } from './load-map.ts';
import { arrivalsOf, withPlan } from '../../engine/schedule/arrivals.ts';

export async function measureSweep(
  cfg: IpConfig,
  client: Omit<ClientOptions, 'connections'>,
  source: LoadSource,
  signal: AbortSignal,
  log: Logger,
): Promise<PlannedStage[]> {
  const sweep = cfg.load.sweep as SweepConfig;
  const type = cfg.load.type === 'poisson' ? 'poisson' : 'constant';
  const pre = sweepPreStage(sweep, type, cfg.load.base_seed);
  log.info(`sweep: measuring saturation with ${pre.plan.kind === 'open' ? arrivalsOf(pre.plan).count : 0} requests (at most ${pre.timeoutMs / 1000} s)`);
  const samples: ActiveSample[] = [];
  const stop = AbortSignal.any([signal, AbortSignal.timeout(pre.timeoutMs)]);
  await runLoad({
    client,
    stages: [withPlan(pre.plan, { stage: 0 })],
    source,
    leadMs: 100,
    signal: stop,
    graceMs: 0,
    keepRecords: false,
    progressIntervalMs: 500,
    onProgress: (p) => samples.push({ tMs: p.elapsedMs, active: p.inFlight }),
  });
  if (signal.aborted) return [];
  const s = saturationFromSamples(samples, sweep.saturation_percentile ?? 95);
  if (s === undefined || !(s > 0)) {
    throw new LlmdbenchError('E_SWEEP_SATURATION', 'sweep: the saturation could not be measured (the number of requests in flight never went down)', {
      kind: 'environment',
      hint: 'raise load.sweep.num_requests or load.sweep.timeout, or write the stages out under load.stages',
    });
  }
  log.info(`sweep: saturation ${s.toFixed(2)} req/s`);
  return planSweepStages(cfg, s);
}
