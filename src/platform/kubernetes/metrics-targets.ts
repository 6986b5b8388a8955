/**
 * `-f` on Kubernetes, both sides of the pod contract: the user's machine finds the serving pods
 * (serving-pods.ts) and hands the launcher pod their metrics URLs in one variable,
 * LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS = `<pod>=http://<podIP>:<port><path>,…`; the pod
 * (in-pod.ts) scrapes them with the same scraper a local run uses (src/run/monitor), so the
 * snapshots land in `<results>/metrics/raw/<pod>_<ms>_metrics.txt` on the PVC and travel home
 * with the copy-back. Scraping from inside the cluster needs no RBAC at all (pod IPs are
 * reachable from a pod; the pods/proxy alternative would grant arbitrary GETs on every pod).
 */
import type { ScrapeTarget } from '../../run/monitor/scraper.ts';
import type { ServingPod } from './serving-pods.ts';

export const METRICS_TARGETS_VAR = 'LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS';

/** The variables the launcher pod gets under -f (set whatever the method's variable list passes: a name-matched method's list has no VLLM_COMMON_*). */
export function monitoringEnv(pods: readonly ServingPod[], path: string, intervalS: string): Record<string, string> {
  const p = path.startsWith('/') ? path : `/${path}`;
  const targets = pods.map((x) => `${x.name}=http://${x.ip.includes(':') ? `[${x.ip}]` : x.ip}:${x.metricsPort}${p}`).join(',');
  return {
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true',
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: intervalS,
    LLMDBENCH_VLLM_MONITORING_METRICS_PATH: p,
    ...(targets ? { [METRICS_TARGETS_VAR]: targets } : {}),
  };
}

/** `<name>=<url>,…` → targets; malformed entries are returned apart (the pod warns). */
export function parseMetricsTargets(value: string | undefined): { targets: ScrapeTarget[]; bad: string[] } {
  const targets: ScrapeTarget[] = [];
  const bad: string[] = [];
  for (const entry of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq).replace(/[^A-Za-z0-9._-]/g, '_');
    const url = entry.slice(eq + 1);
    let ok = eq > 0;
    try {
      ok &&= /^https?:$/.test(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (ok) targets.push({ name, url });
    else bad.push(entry);
  }
  return { targets, bad };
}
