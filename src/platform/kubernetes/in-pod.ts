/**
 * The launcher pod's side of the contract (`llmdbench harness`, the equivalent of upstream's
 * llm-d-benchmark.sh): from the variables the pod spec sets and the mounted profile
 * (`<workspace>/profiles/<harness>/<workload>`), wait for the start barrier (-j N), run the
 * harness, then the analyzer, each up to LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES times with
 * a sleep between, write run_metadata.yaml, and return 0 + 1 per failed step (upstream's rule).
 * Results go to LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR, analysis to its `analysis/` folder.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EffectiveConfig } from '../../config/types.ts';
import { harnesses } from '../../harness/registry.ts';
import { throwOnProfileErrors, validateProfileText } from '../../harness/validate.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { analyzeResultDir } from '../local/analysis.ts';
import { deltaString, isoSeconds, writeRunMetadata } from '../local/metadata.ts';

export interface InPodOptions {
  config: EffectiveConfig;
  log: Logger;
  signal: AbortSignal;
  cancel?: AbortSignal;
  version: string;
  args: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

function need(c: EffectiveConfig, name: string): string {
  const v = c.get(name);
  if (!v) throw new LlmdbenchError('E_POD_ENV', `${name} is not set: llmdbench harness runs inside a launcher pod, whose spec sets it`, { kind: 'usage', hint: 'see docs/kubernetes.md ("The pod contract")' });
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

async function withRetries<T>(what: string, tries: number, sleepS: number, log: Logger, signal: AbortSignal, f: () => Promise<T>): Promise<T | undefined> {
  for (let i = 1; i <= tries; i++) {
    try {
      return await f();
    } catch (e) {
      if (e instanceof LlmdbenchError && e.kind === 'usage') throw e;
      log.error(`${what} failed (attempt ${i}/${tries}): ${(e as Error).message}`);
      if (i < tries && !signal.aborted) await sleep(sleepS * 1000, signal);
      if (signal.aborted) return undefined;
    }
  }
  return undefined;
}

export async function runInPod(o: InPodOptions): Promise<number> {
  const c = o.config;
  const harness = need(c, 'LLMDBENCH_HARNESS_NAME');
  const plugin = harnesses.get(harness);
  let workload = need(c, 'LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME');
  if (!/\.ya?ml$/.test(workload)) workload += '.yaml';
  const workspace = c.get('LLMDBENCH_RUN_WORKSPACE_DIR') ?? '/workspace';
  const resultsDir = c.get('LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR') ?? need(c, 'LLMDBENCH_CONTROL_WORK_DIR');
  const analysisDir = join(resultsDir, 'analysis');
  const endpointUrl = need(c, 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL');
  const model = need(c, 'LLMDBENCH_DEPLOY_CURRENT_MODEL');
  const eid = c.get('LLMDBENCH_RUN_EXPERIMENT_ID') ?? '';
  const profilePath = join(workspace, 'profiles', harness, workload);
  if (!existsSync(profilePath)) throw new LlmdbenchError('E_POD_PROFILE', `profile ${profilePath} not found (is the ${harness}-profiles ConfigMap mounted?)`, { kind: 'environment' });
  const profileText = readFileSync(profilePath, 'utf8');
  const validation = validateProfileText(harness, profileText, profilePath);
  for (const w of throwOnProfileErrors(validation, harness, profilePath)) o.log.warn(`${profilePath}: ${w.message}`);
  if (!plugin.run) throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness "${harness}" cannot run yet in llmdbench`, { kind: 'usage' });
  plugin.preflight?.({ profile: validation.doc, profileName: workload, config: c, log: o.log });
  mkdirSync(analysisDir, { recursive: true });
  const barrier = c.get('LLMDBENCH_RUN_EXPERIMENT_START_BARRIER');
  if (barrier) await startBarrier(barrier, Number(c.get('LLMDBENCH_CONTROL_WAIT_TIMEOUT') ?? 900), o.log, o.signal);

  const tries = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES') ?? 3);
  const sleepS = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_RETRY_SLEEP_S') ?? 30);
  const startMs = Date.now();
  o.log.info(`harness ${harness} ${workload} model ${model} -> ${endpointUrl}; results ${resultsDir}`);
  const run = await withRetries('harness', tries, sleepS, o.log, o.signal, () =>
    plugin.run!({ profile: validation.doc, profileText, profileName: workload, endpointUrl, model, resultsDir, config: c, signal: o.signal, ...(o.cancel ? { cancel: o.cancel } : {}), log: o.log }),
  );
  const stopMs = Date.now();
  const complete = run?.complete === true && !o.signal.aborted;
  const harnessRc = complete ? 0 : 1;
  writeRunMetadata(resultsDir, {
    harness_start: isoSeconds(startMs),
    harness_stop: isoSeconds(stopMs),
    harness_delta: deltaString((stopMs - startMs) / 1000),
    harness_args: o.args,
    harness_version: `llmdbench ${o.version}`,
    harness_name: harness,
    harness_workload: workload,
    harness_rc: harnessRc,
    experiment_id: eid,
    model,
    endpoint_url: endpointUrl,
    namespace: c.get('LLMDBENCH_HARNESS_NAMESPACE') ?? '',
    description_text: `${model} [${eid}]`,
    description_keywords: '',
    stack_name: c.get('LLMDBENCH_HARNESS_STACK_NAME') ?? '',
    method: c.get('LLMDBENCH_DEPLOY_METHODS') ?? '',
    treatment: c.get('LLMDBENCH_RUN_EXPERIMENT_TREATMENT') ?? null,
    complete,
    duration_seconds: (stopMs - startMs) / 1000,
  });
  const analysed = await withRetries('analyzer', tries, sleepS, o.log, o.signal, async () => (await analyzeResultDir(basename(resultsDir), resultsDir, analysisDir, complete)) ?? null);
  const analyzerRc = analysed === undefined ? 1 : 0;
  return harnessRc + analyzerRc;
}
