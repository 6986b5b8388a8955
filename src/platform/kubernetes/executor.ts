/**
 * The Kubernetes executor (platform kind `kubernetes`): carries out a RunPlan with launcher
 * pods next to the stack. Per plan: connect (kubeconfig + context, or in-cluster), check the
 * namespace, make sure the results PVC exists; per method: the endpoint (explicit, else
 * discovered) and the plan re-rendered for it; per model: the `<harness>-profiles` ConfigMap;
 * per unit: launch.ts. The data-access pod is created on first need and deleted at the end.
 * `-n` prints the manifests (dry-run.ts) and contacts nothing. `-m auto` adopts the served model
 * (adopt-model.ts); `-r gs://…|s3://…` uploads what was collected (upload.ts); --retries and
 * --resume rerun failed or unfinished pods (attempts.ts); `-f` scrapes the serving pods from
 * the launcher and captures the stack's logs (monitoring.ts).
 */
import { bindEndpoint } from '../../plan/bind.ts';
import type { RunPlan, RunUnit } from '../../plan/types.ts';
import { checkRunnable, preflight } from '../../run/checks.ts';
import { mergeGenerators } from '../../run/merged.ts';
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { prepareWorkDir } from '../local/workdir.ts';
import type { ExecuteOptions, Platform, RunOutcome, UnitOutcome } from '../types.ts';
import { openAccessPod, type AccessPod } from './access.ts';
import { KubeApiError, type Cluster } from './cluster.ts';
import { discoverEndpoint } from './discovery.ts';
import { servedModelsInCluster } from './model-check.ts';
import { adoptServedModel, AUTO_MODEL } from './adopt-model.ts';
import { uploaderFor, uploadResults } from './upload.ts';
import { formatDryRun } from './dry-run.ts';
import { createFresh } from './launch.ts';
import { runUnitAttempts } from './attempts.ts';
import { profilesConfigMap, pvcManifest } from './manifests.ts';
import { kubeSettings, type KubeSettings } from './settings.ts';

async function checkNamespace(cluster: Cluster, ns: string, what: string): Promise<void> {
  try {
    if (await cluster.get('Namespace', ns, ns)) return;
  } catch (e) {
    // Namespace-scoped users may not read Namespace objects: the next call will tell.
    if (e instanceof KubeApiError && e.status === 403) return;
    throw e;
  }
  throw new LlmdbenchError('E_K8S_NAMESPACE', `${what} namespace "${ns}" does not exist on ${cluster.describe}`, {
    kind: 'environment',
    hint: 'name an existing namespace with -p <stack>[,<harness>] (llmdbench does not create namespaces)',
  });
}

async function ensurePvc(cluster: Cluster, s: KubeSettings, log: ExecuteOptions['log']): Promise<void> {
  const pvc = await cluster.get('PersistentVolumeClaim', s.namespace, s.pvcName);
  if (pvc) {
    const phase = (pvc.status as { phase?: string } | undefined)?.phase;
    if (phase && phase !== 'Bound') log.warn(`PVC ${s.pvcName} is ${phase} (pods wait until it binds)`);
    return;
  }
  await cluster.create(pvcManifest(s));
  log.info(`created PVC ${s.pvcName} (${s.pvcSize}, ${s.accessMode}${s.storageClass !== 'default' ? `, class ${s.storageClass}` : ''})`);
}

/**
 * The served models (asked from inside the cluster). Upstream fails on a mismatch; like the local
 * executor we warn (requests would 404). `-m auto` is adopted by the caller (adopt-model.ts).
 */
async function checkServedModels(cluster: Cluster, s: KubeSettings, url: string, units: RunUnit[], opts: ExecuteOptions): Promise<string[] | undefined> {
  const served = await servedModelsInCluster(cluster, s, url, opts.signal);
  if (served === undefined) {
    opts.log.warn(`${url}/v1/models did not answer from inside the cluster; is the stack up? (the run goes on, failures are counted)`);
    return undefined;
  }
  opts.log.info(`${url} serves ${served.join(', ') || 'no model'}`);
  for (const model of new Set(units.map((u) => u.model))) {
    if (model !== AUTO_MODEL && served.length > 0 && !served.includes(model)) opts.log.warn(`${url} serves ${served.join(', ')}, not ${model}; pass the served model with -m`);
  }
  return served;
}

export const kubernetesPlatform: Platform = {
  kind: 'kubernetes',
  clusterFlags: true,
  // --retries / --resume are supported (attempts.ts): nothing to refuse here.
  check(plan, config, log): void {
    // The launcher runs our CLI (deploy/launcher): the same harness checks as a local run.
    checkRunnable(plan);
    // The launcher pod hands harnesses that read the server log (nop) the vLLM pod's log (in-pod.ts).
    preflight(plan, log, { serverLogSupplied: true });
    // -r gs://…|s3://…: the matching cloud CLI must be on PATH before anything starts.
    uploaderFor(config.get('LLMDBENCH_HARNESS_OUTPUT'));
  },
  dryRun(plan: RunPlan): string {
    return formatDryRun(plan);
  },
  // -z: execute() sees LLMDBENCH_HARNESS_SKIP_RUN and only copies back what the PVC holds.
  collectOnly: (plan: RunPlan, opts: ExecuteOptions): Promise<RunOutcome> => kubernetesPlatform.execute(plan, opts),
  async execute(plan: RunPlan, opts: ExecuteOptions): Promise<RunOutcome> {
    const first = plan.units[0];
    if (!first) return { workDir: plan.workDir, endpointUrl: '', units: [], interrupted: false };
    const s = kubeSettings(first.config);
    const upload = s.dryRun ? undefined : uploaderFor(first.config.get('LLMDBENCH_HARNESS_OUTPUT'));
    if (s.dryRun) {
      // `run -n` prints dryRun(plan) and never executes; a direct caller gets nothing contacted either.
      opts.log.info(formatDryRun(plan));
      return { workDir: plan.workDir, endpointUrl: s.endpointUrl ?? '', units: [], interrupted: false };
    }
    // The client library loads only when a cluster is contacted (not for -n, not for local runs).
    const { connect, loadKubeConfig } = await import('./client.ts');
    const cluster = connect(loadKubeConfig(s.kubeconfig, s.kubecontext));
    opts.log.info(`Kubernetes: ${cluster.describe}, harness namespace ${s.namespace}`);
    await checkNamespace(cluster, s.namespace, 'harness');
    if (s.stackNamespace !== s.namespace && !s.endpointUrl) await checkNamespace(cluster, s.stackNamespace, 'stack');
    if (s.skip) {
      // -z creates nothing: without the PVC there is nothing to collect.
      if (!(await cluster.get('PersistentVolumeClaim', s.namespace, s.pvcName))) {
        opts.log.warn(`-z: PVC ${s.pvcName} does not exist in namespace ${s.namespace}; nothing to collect`);
        return { workDir: plan.workDir, endpointUrl: '', units: [], interrupted: false };
      }
    } else await ensurePvc(cluster, s, opts.log);
    let access: AccessPod | undefined;
    // Not bound to the first Ctrl-C: after it, results are still collected (a second one cancels).
    const getAccess = async () => (access ??= await openAccessPod(cluster, s, opts.cancel));
    const outcomes: UnitOutcome[] = [];
    const merged: ResultSummary[] = [];
    let lastUrl = s.endpointUrl ?? '';
    try {
      for (const method of [...new Set(plan.units.map((u) => u.method))]) {
        let url = s.endpointUrl;
        let source: string | undefined;
        let units: RunUnit[] = plan.units.filter((u) => u.method === method);
        if (!url && !s.skip) {
          const ep = await discoverEndpoint(cluster, method, s.stackNamespace, first.config.get('LLMDBENCH_VLLM_COMMON_FQDN') ?? '.svc.cluster.local');
          url = ep.url;
          source = ep.source;
          opts.log.info(`endpoint for ${method}: ${url} (from ${ep.source})`);
        }
        if (url) units = units.map((u) => bindEndpoint(u, url!));
        lastUrl = url ?? lastUrl;
        if (url && !s.skip && !s.debug) {
          const served = await checkServedModels(cluster, s, url, units, opts);
          units = adoptServedModel(units, served, { method, endpointUrl: url, workDir: plan.workDir, log: opts.log });
        } else if (units.some((u) => u.model === AUTO_MODEL)) opts.log.warn('-m auto: the served model is not asked with -d or -z; the results keep the name "auto"');
        for (const model of [...new Set(units.map((u) => u.model))]) {
          const forModel = units.filter((u) => u.model === model);
          prepareWorkDir(plan, forModel);
          const harnesses = [...new Set(forModel.map((u) => u.harness))];
          if (!s.skip) {
            for (const h of harnesses) {
              const files = Object.fromEntries(forModel.filter((u) => u.harness === h).map((u) => [u.profileName, u.profileText]));
              await createFresh(cluster, profilesConfigMap(s, h, files));
            }
          }
          for (const unit of forModel) {
            if (opts.signal.aborted) break;
            opts.log.info(`unit ${unit.harness} ${unit.profileName} model ${model}${unit.treatment ? ` treatment ${unit.treatment}` : ''} x${unit.resultsDirs.length}`);
            const ctx = { cluster, settings: s, log: opts.log, signal: opts.signal, endpointUrl: url ?? '', ...(source ? { endpointSource: source } : {}), harnesses, access: getAccess };
            const outs = await runUnitAttempts(ctx, unit, { retries: Math.max(0, opts.retries ?? 0), resume: opts.resume === true });
            outcomes.push(...outs);
            // -j N: the pods' copied-back results merged into one summary and report (run/merged.ts).
            if (!s.debug && s.waitTimeoutS !== 0) {
              const m = await mergeGenerators(unit, outs, opts.log, { quick: opts.signal.aborted });
              if (m) merged.push(m);
            }
          }
        }
      }
    } finally {
      await access?.release();
    }
    // -r: upload what was collected (not with -d / -s 0: nothing was).
    if (upload && !s.debug && s.waitTimeoutS !== 0) {
      const failed = await uploadResults(upload, outcomes, opts.log, opts.cancel);
      if (failed > 0) opts.log.error(`${failed} upload(s) to ${upload.dest} failed; the results are in ${plan.workDir}`);
    }
    return { workDir: plan.workDir, endpointUrl: lastUrl, units: outcomes, merged, interrupted: opts.signal.aborted };
  },
};
