/**
 * `-n` on Kubernetes: every manifest the run would create, as YAML documents, computed from
 * the plan alone (nothing is contacted). Secret values never appear: the HF token is a
 * secretKeyRef and catalog secrets are not passed.
 */
import { stringify } from 'yaml';
import { bindEndpoint } from '../../plan/bind.ts';
import type { RunPlan } from '../../plan/types.ts';
import { accessPod, launcherPod, profilesConfigMap, pvcManifest } from './manifests.ts';
import { monitoringEnv } from './metrics-targets.ts';
import { monitoringOn } from './monitoring.ts';
import { kubeSettings } from './settings.ts';

/** Upstream's dry-run endpoint (host `mock`, port 1234) when none is configured. */
export const DRY_RUN_ENDPOINT = 'http://mock:1234';

export function dryRunManifests(unbound: RunPlan, endpointUrl?: string): object[] {
  const first = unbound.units[0];
  if (!first) return [];
  const s = kubeSettings(first.config);
  const url = endpointUrl ?? s.endpointUrl ?? DRY_RUN_ENDPOINT;
  const plan = { ...unbound, units: unbound.units.map((u) => bindEndpoint(u, url)) };
  const docs: object[] = [pvcManifest(s)];
  const harnesses = [...new Set(plan.units.map((u) => u.harness))];
  for (const model of [...new Set(plan.units.map((u) => u.model))]) {
    for (const h of harnesses) {
      const files = Object.fromEntries(plan.units.filter((u) => u.model === model && u.harness === h).map((u) => [u.profileName, u.profileText]));
      if (Object.keys(files).length) docs.push(profilesConfigMap(s, h, files));
    }
  }
  for (const unit of plan.units) {
    const n = unit.resultsDirs.length;
    const barrier = n > 1 ? `${s.resultsPrefix}/.llmdbench-start-${unit.experimentId}-${unit.stackName}` : undefined;
    // -f: the scrape switch; the serving pods' URLs are found when the run contacts the cluster.
    const extraEnv = monitoringOn(unit) ? monitoringEnv([], unit.config.get('LLMDBENCH_VLLM_MONITORING_METRICS_PATH') || '/metrics', unit.config.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL') ?? '15') : {};
    for (let i = 1; i <= n; i++) docs.push(launcherPod({ settings: s, unit, index: i, of: n, endpointUrl: url, harnesses, extraEnv, ...(barrier ? { startBarrier: barrier } : {}) }));
  }
  docs.push(accessPod(s));
  return docs;
}

export function formatDryRun(plan: RunPlan, endpointUrl?: string): string {
  return dryRunManifests(plan, endpointUrl)
    .map((d) => stringify(d, { lineWidth: 0 }))
    .join('---\n');
}
