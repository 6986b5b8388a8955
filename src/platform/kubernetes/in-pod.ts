/**
 * The launcher pod's side of the contract (`llmdbench harness`, the equivalent of upstream's
 * llm-d-benchmark.sh): from the variables the pod spec sets and the mounted profile
 * (`<workspace>/profiles/<harness>/<workload>`), wait for the start barrier (-j N), then run the
 * unit exactly as a local run does (src/run/unit.ts: harness, run_metadata.yaml, analysis,
 * completion marker) into LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR with the analysis in its
 * `analysis/` folder (upstream's layout, which the copy-back routes). A failed attempt is retried
 * up to LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES times (upstream's rule). Exit code: harness
 * failed (0/1) + analysis missing (0/1). A harness that reads the serving engine's log (nop) gets
 * the vLLM pod's log, found from the endpoint through the pod's service account (vllm-pod.ts),
 * as upstream's nop does in its launcher pod. Under -f the serving pods' metrics URLs the
 * executor passed (LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS) are scraped during the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectiveConfig } from '../../config/types.ts';
import { recordsPath } from '../../harness/common/run-harness.ts';
import { harnesses } from '../../harness/registry.ts';
import { throwOnProfileErrors, validateProfileText } from '../../harness/validate.ts';
import type { RunUnit } from '../../plan/types.ts';
import { runUnit, type UnitRunOptions } from '../../run/unit.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { ServerLogReader } from '../../harness/server-log.ts';
import { podLogSource } from '../../harness/nop/sources.ts';
import { vllmPodLogAccess } from './vllm-pod.ts';
import { METRICS_TARGETS_VAR, parseMetricsTargets } from './metrics-targets.ts';

export interface InPodOptions extends UnitRunOptions {
  config: EffectiveConfig;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

function need(c: EffectiveConfig, name: string): string {
  const v = c.get(name);
  if (!v) throw new LlmdbenchError('E_POD_ENV', `${name} is not set: llmdbench harness runs inside a launcher pod, whose spec sets it`, { kind: 'usage', hint: 'see docs/kubernetes.md ("The launcher image and the pod contract")' });
  return v;
}

/** Wait until the barrier file exists (bounded), then until the time it holds. */
async function startBarrier(path: string, timeoutS: number, log: Logger, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  if (!existsSync(path)) log.info(`waiting for the start barrier ${path}`);
  while (!existsSync(path)) {
    if (Date.now() > deadline || signal.aborted) throw new LlmdbenchError('E_POD_BARRIER', `start barrier ${path} did not appear within ${timeoutS} s`, { kind: 'environment' });
    await sleep(200, signal);
  }
  const at = Number(readFileSync(path, 'utf8').trim());
  if (Number.isFinite(at) && at > Date.now()) {
    log.info(`start barrier: load starts at ${new Date(at).toISOString()}`);
    await sleep(at - Date.now(), signal);
  }
}

/** The run unit the pod's variables describe (one result directory); its harness is loaded (runInPod). */
export function podUnit(c: EffectiveConfig): RunUnit {
  const harness = need(c, 'LLMDBENCH_HARNESS_NAME');
  let workload = need(c, 'LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME');
  if (!/\.ya?ml$/.test(workload)) workload += '.yaml';
  const workspace = c.get('LLMDBENCH_RUN_WORKSPACE_DIR') ?? '/workspace';
  const resultsDir = c.get('LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR') ?? need(c, 'LLMDBENCH_CONTROL_WORK_DIR');
  const endpointUrl = need(c, 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL');
  const model = need(c, 'LLMDBENCH_DEPLOY_CURRENT_MODEL');
  const profilePath = join(workspace, 'profiles', harness, workload);
  if (!existsSync(profilePath)) throw new LlmdbenchError('E_POD_PROFILE', `profile ${profilePath} not found (is the ${harness}-profiles ConfigMap mounted?)`, { kind: 'environment' });
  const profileText = readFileSync(profilePath, 'utf8');
  const validation = validateProfileText(harness, profileText, profilePath);
  const issues = throwOnProfileErrors(validation, harness, profilePath);
  const treatment = c.get('LLMDBENCH_RUN_EXPERIMENT_TREATMENT');
  void endpointUrl;
  return {
    method: c.get('LLMDBENCH_DEPLOY_METHODS') ?? '',
    model,
    harness: harness as RunUnit['harness'],
    ...(treatment ? { treatment } : {}),
    experimentId: c.get('LLMDBENCH_RUN_EXPERIMENT_ID') ?? '',
    stackName: c.get('LLMDBENCH_HARNESS_STACK_NAME') ?? '',
    profileName: workload,
    profileText,
    profile: validation.doc,
    issues,
    renderedPath: profilePath,
    resultsDirs: [resultsDir],
    analysisDirs: [join(resultsDir, 'analysis')],
    config: c,
  };
}

/**
 * The vLLM pod's log behind `url`, through the in-pod service account (or LLMDBENCH_KUBECONFIG):
 * undefined, with a warning saying why, when it cannot be found or read.
 */
async function vllmPodLog(c: EffectiveConfig, url: string, log: Logger): Promise<ServerLogReader | undefined> {
  try {
    const { connect, loadKubeConfig } = await import('./client.ts');
    const cluster = connect(loadKubeConfig(c.get('LLMDBENCH_KUBECONFIG'), c.get('LLMDBENCH_KUBECONTEXT')));
    const access = vllmPodLogAccess(cluster, c.get('LLMDBENCH_VLLM_COMMON_NAMESPACE') ?? c.get('LLMDBENCH_HARNESS_NAMESPACE') ?? 'default');
    const pod = await access.findVllmPod(url);
    if (!pod) {
      log.warn(`no vLLM pod found behind ${url} (Service -> Deployment app selector -> pod)`);
      return undefined;
    }
    log.info(`vLLM log: pod ${pod.namespace}/${pod.pod} container ${pod.container} (${pod.image})`);
    return podLogSource(access, pod);
  } catch (e) {
    log.warn(`cannot find the vLLM pod behind ${url}: ${(e as Error).message}`);
    return undefined;
  }
}

/** -f: the serving pods' metrics URLs the executor found (metrics-targets.ts); none: the endpoint's own. */
function scrapeTargets(c: EffectiveConfig, log: Logger): Pick<UnitRunOptions, 'metricsTargets'> {
  if (c.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED') !== 'true') return {};
  const { targets, bad } = parseMetricsTargets(c.get(METRICS_TARGETS_VAR));
  if (bad.length > 0) log.warn(`${METRICS_TARGETS_VAR}: ignored malformed entries (want <pod>=<url>): ${bad.join(', ')}`);
  if (targets.length > 0) log.info(`monitoring: scraping ${targets.map((t) => t.name).join(', ')}`);
  return targets.length > 0 ? { metricsTargets: targets } : {};
}

export async function runInPod(o: InPodOptions): Promise<number> {
  const c = o.config;
  const plugin = await harnesses.load(need(c, 'LLMDBENCH_HARNESS_NAME'));
  const unit = podUnit(c);
  if (!plugin.prepare) throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness "${unit.harness}" cannot run yet in llmdbench`, { kind: 'usage' });
  const serverLog = plugin.wantsServerLog && !o.serverLog ? await vllmPodLog(c, need(c, 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'), o.log) : o.serverLog;
  const opts: UnitRunOptions = { ...o, ...(serverLog ? { serverLog } : {}), ...scrapeTargets(c, o.log) };
  plugin.preflight?.({ profile: unit.profile, profileName: unit.profileName, config: c, log: o.log, ...(serverLog ? { serverLogSupplied: true } : {}) });
  for (const w of unit.issues) o.log.warn(`${unit.renderedPath}: ${w.message}`);
  const barrier = c.get('LLMDBENCH_RUN_EXPERIMENT_START_BARRIER');
  if (barrier) await startBarrier(barrier, Number(c.get('LLMDBENCH_CONTROL_WAIT_TIMEOUT') ?? 900), o.log, o.signal);
  const url = need(c, 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL');
  const tries = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES') ?? 3);
  const sleepS = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_RETRY_SLEEP_S') ?? 30);
  // --retries on the user's side: which attempt this pod is (run_metadata.yaml and the marker say it).
  const attempt = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_ATTEMPT'));
  const allowed = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_ATTEMPTS_ALLOWED'));
  const info = Number.isInteger(attempt) && attempt >= 1 && Number.isInteger(allowed) && allowed >= attempt ? { attempt, of: allowed, failedAttempts: [] } : undefined;
  for (let i = 1; ; i++) {
    const out = await runUnit(unit, 0, url, opts, info);
    // The analyzer failed when there were records to summarise and no summary (a harness that sends no load, nop, has none).
    const analysisFailed = !out.summary && existsSync(recordsPath(out.resultsDir));
    if (out.complete || o.signal.aborted || i >= tries) return (out.rc === 0 ? 0 : 1) + (analysisFailed ? 1 : 0);
    o.log.error(`harness attempt ${i}/${tries} did not complete${out.error ? `: ${out.error}` : ''}; retrying in ${sleepS} s`);
    await sleep(sleepS * 1000, o.signal);
  }
}
