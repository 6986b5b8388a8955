/**
 * `-f` (monitoring) for one unit on Kubernetes, the user's-machine side: before the pods are
 * created, find the serving pods behind the endpoint (serving-pods.ts) and give the launcher
 * pods their metrics URLs (metrics-targets.ts: the pod scrapes them, into the results that come
 * home with the copy-back, then the same analysis as a local run fills `observability` and the
 * summary's monitoring brief); after the pods finished, capture the stack's and the launchers'
 * logs (stack-logs.ts). Off (undefined) unless LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED.
 */
import type { RunUnit } from '../../plan/types.ts';
import type { Logger } from '../../util/logger.ts';
import type { Cluster } from './cluster.ts';
import { monitoringEnv } from './metrics-targets.ts';
import { findServingPods, type ServingPodQuery } from './serving-pods.ts';
import type { KubeSettings } from './settings.ts';
import { captureStackLogs } from './stack-logs.ts';

export interface UnitMonitoring {
  /** Variables every launcher pod of the unit gets. */
  env: Record<string, string>;
  /** After the pods finished (before they are deleted): logs into each result directory. */
  capture(launchers: readonly string[], resultsDirs: readonly string[]): Promise<void>;
}

export function monitoringOn(unit: RunUnit): boolean {
  return unit.config.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED') === 'true';
}

function query(unit: RunUnit, s: KubeSettings, endpointUrl: string, endpointSource: string | undefined): ServingPodQuery {
  const c = unit.config;
  const port = Number(c.get('LLMDBENCH_VLLM_COMMON_METRICS_PORT'));
  return {
    namespace: s.stackNamespace,
    endpointUrl,
    ...(endpointSource ? { endpointSource } : {}),
    ...(Number.isInteger(port) && port > 0 ? { metricsPort: port } : {}),
    inferencePort: Number(c.get('LLMDBENCH_VLLM_COMMON_INFERENCE_PORT')) || 8000,
    podPattern: c.get('LLMDBENCH_METRICS_POD_PATTERN') || 'decode',
  };
}

export async function startUnitMonitoring(cluster: Cluster, s: KubeSettings, unit: RunUnit, endpointUrl: string, endpointSource: string | undefined, log: Logger): Promise<UnitMonitoring | undefined> {
  if (!monitoringOn(unit)) return undefined;
  const q = query(unit, s, endpointUrl, endpointSource);
  const path = unit.config.get('LLMDBENCH_VLLM_MONITORING_METRICS_PATH') || '/metrics';
  const interval = unit.config.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL') ?? '15';
  let found: Awaited<ReturnType<typeof findServingPods>> = { pods: [], via: '' };
  try {
    found = await findServingPods(cluster, q);
  } catch (e) {
    log.warn(`-f: serving pods not found (${(e as Error).message})`);
  }
  if (found.pods.length > 0) log.info(`-f: scraping ${found.pods.map((p) => `${p.name} (${p.ip}:${p.metricsPort})`).join(', ')} every ${interval} s from the launcher pod (found by ${found.via})`);
  else log.warn(`-f: no running serving pod found behind ${endpointUrl} in namespace ${s.stackNamespace}; the launcher scrapes the endpoint's own ${path} instead`);
  return {
    env: monitoringEnv(found.pods, path, interval),
    async capture(launchers, resultsDirs) {
      let serving = found.pods;
      try {
        // Again at the end: a pod restarted during the run has a new name (its old log is gone with it).
        const again = await findServingPods(cluster, q);
        if (again.pods.length > 0) serving = again.pods;
      } catch {
        /* keep the pods found at the start */
      }
      try {
        await captureStackLogs({ cluster, config: unit.config, stackNamespace: s.stackNamespace, harnessNamespace: s.namespace, serving, launchers, resultsDirs, log });
      } catch (e) {
        // Monitoring never fails a unit whose load ran.
        log.warn(`-f: logs not captured: ${(e as Error).message}`);
      }
    },
  };
}
