/**
 * One run unit on the cluster (llm-d-benchmark-run.md §2.6-2.9): its N launcher pods created
 * together, watched until running (crash states reported at once with events and log lines),
 * released through a start barrier on the PVC so their load overlaps, watched until finished
 * within -s seconds, then every pod's results copied back (failed pods' too), analysed, and the
 * pods deleted unless --no-cleanup. Whatever happens, pods this unit created are not left
 * behind (except on purpose: -d, -s 0, --no-cleanup).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { RunUnit } from '../../plan/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { analyzeResultDir } from '../../analysis/analyze.ts';
import { sloOption } from '../../analysis/slo-option.ts';
import { definitionsFor } from '../../analysis/definitions.ts';
import type { UnitOutcome } from '../types.ts';
import type { AccessPod } from './access.ts';
import type { Cluster, KubeObject } from './cluster.ts';
import { collectDir } from './collect.ts';
import { diagnosePod } from './diagnose.ts';
import { LAUNCHER_FUNCTION, launcherPod, podResultsDir } from './manifests.ts';
import type { PodState } from './pod-state.ts';
import { startUnitMonitoring } from './monitoring.ts';
import type { KubeSettings } from './settings.ts';
import { summarizeStates, waitForPods } from './wait.ts';

export interface UnitContext {
  cluster: Cluster;
  settings: KubeSettings;
  log: Logger;
  signal: AbortSignal;
  endpointUrl: string;
  /** Where the endpoint was found (discovery.ts `source`), for -f's serving pods. */
  endpointSource?: string;
  /** Harnesses whose profiles ConfigMap the pods mount. */
  harnesses: readonly string[];
  access: () => Promise<AccessPod>;
}

/** Which result directories of a unit to run now, and as which attempt (attempts.ts). */
export interface UnitSelection {
  /** 0-based indices into unit.resultsDirs (default: all). */
  indices?: readonly number[];
  /** Per index: the attempt number and the folders earlier attempts were moved to. */
  attempts?: ReadonlyMap<number, { number: number; failedAttempts: string[] }>;
  /** 1 + --retries: with the attempt number, told to the pod (its run_metadata.yaml and marker name them). */
  attemptsAllowed?: number;
}

/** The pod's attempt variables (one number per call: a retry round reruns its pods together). */
function attemptEnv(sel: UnitSelection): Record<string, string> {
  const first = sel.attempts?.values().next().value;
  if (!first || !sel.attemptsAllowed) return {};
  return { LLMDBENCH_RUN_EXPERIMENT_ATTEMPT: String(first.number), LLMDBENCH_RUN_EXPERIMENT_ATTEMPTS_ALLOWED: String(sel.attemptsAllowed) };
}

/** Delete (if there) and create, retrying while a deleted namesake is still terminating. */
export async function createFresh(cluster: Cluster, obj: { kind?: string; metadata?: { name?: string; namespace?: string } }): Promise<void> {
  await cluster.delete(obj.kind as 'Pod', obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
  for (let i = 0; ; i++) {
    try {
      await cluster.create(obj as KubeObject);
      return;
    } catch (e) {
      if (!(e instanceof LlmdbenchError && 'status' in e && (e as { status: number }).status === 409) || i >= 40) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function harnessRc(resultsDir: string): number | undefined {
  const f = join(resultsDir, 'run_metadata.yaml');
  if (!existsSync(f)) return undefined;
  const m = /^harness_rc:\s*(-?\d+)/m.exec(readFileSync(f, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

export async function collectAll(ctx: UnitContext, unit: RunUnit, states: ReadonlyMap<string, PodState> | undefined, names: string[], note: string | undefined, sel: UnitSelection = {}): Promise<UnitOutcome[]> {
  const access = await ctx.access();
  const out: UnitOutcome[] = [];
  for (const i of sel.indices ?? unit.resultsDirs.map((_, k) => k)) {
    const resultsDir = unit.resultsDirs[i]!;
    const analysisDir = unit.analysisDirs[i]!;
    mkdirSync(resultsDir, { recursive: true });
    mkdirSync(analysisDir, { recursive: true });
    const podDir = podResultsDir(ctx.settings, unit, i + 1);
    const st = states?.get(names[i]!);
    let error = note;
    try {
      const r = await collectDir({ cluster: ctx.cluster, namespace: ctx.settings.namespace, pod: access.name, container: access.container }, { podDir, resultsDir, analysisDir });
      if (!r.found) error ??= `no results on PVC ${ctx.settings.pvcName} at ${podDir}`;
      else ctx.log.info(`${basename(resultsDir)}: copied ${r.files} files (${r.bytes} bytes${r.skipped ? `, ${r.skipped} already here` : ''}), verified`);
    } catch (e) {
      if (!(e instanceof LlmdbenchError) || e.code.startsWith('E_K8S_4') || e.code === 'E_K8S_UNREACHABLE') throw e;
      error = e.message;
      ctx.log.error(e.message);
    }
    if (st?.kind === 'failed') error ??= `pod ${names[i]} failed (${st.reason ?? 'Error'}${st.exitCode !== undefined ? `, exit code ${st.exitCode}` : ''})`;
    const rc = harnessRc(resultsDir) ?? st?.exitCode ?? (st?.kind === 'succeeded' ? 0 : 1);
    const complete = error === undefined && rc === 0 && (states === undefined || st?.kind === 'succeeded');
    const attempt = sel.attempts?.get(i);
    const summary = await analyzeResultDir(basename(resultsDir), resultsDir, analysisDir, complete, {
      definitions: await definitionsFor(unit.harness),
      log: ctx.log,
      ...sloOption(unit.config),
      ...(attempt && (attempt.number > 1 || attempt.failedAttempts.length > 0) ? { attempt } : {}),
    });
    out.push({ unit, resultsDir, analysisDir, complete, rc, ...(summary ? { summary } : {}), ...(error ? { error } : {}) });
  }
  return out;
}

export async function runUnit(ctx: UnitContext, unit: RunUnit, sel: UnitSelection = {}): Promise<UnitOutcome[]> {
  const s = ctx.settings;
  const n = unit.resultsDirs.length;
  if (s.skip) return collectAll(ctx, unit, undefined, [], undefined, sel);
  const indices = sel.indices ?? unit.resultsDirs.map((_, k) => k);
  const barrier = n > 1 ? `${s.resultsPrefix}/.llmdbench-start-${unit.experimentId}-${unit.stackName}` : undefined;
  const monitoring = s.debug ? undefined : await startUnitMonitoring(ctx.cluster, s, unit, ctx.endpointUrl, ctx.endpointSource, ctx.log);
  const allPods = Array.from({ length: n }, (_, i) =>
    launcherPod({ settings: s, unit, index: i + 1, of: n, endpointUrl: ctx.endpointUrl, harnesses: ctx.harnesses, ...(barrier ? { startBarrier: barrier } : {}), extraEnv: { ...monitoring?.env, ...attemptEnv(sel) } }),
  );
  // Names by result index; only the selected pods are created (a retry reruns the failed ones).
  const allNames = allPods.map((p) => p.metadata!.name!);
  const pods = indices.map((i) => allPods[i]!);
  const names = pods.map((p) => p.metadata!.name!);
  const selector = `app=${s.podLabel},function=${LAUNCHER_FUNCTION}`;
  let keep = false;
  const created: string[] = [];
  const deletePods = async () => {
    for (const name of created) await ctx.cluster.delete('Pod', s.namespace, name).catch((e: unknown) => ctx.log.warn(`could not delete pod ${name}: ${(e as Error).message}`));
  };
  const wait = (until: 'started' | 'finished', timeoutMs: number) =>
    waitForPods(ctx.cluster, {
      namespace: s.namespace,
      labelSelector: selector,
      names,
      until,
      timeoutMs,
      signal: ctx.signal,
      progress: (st, t) => ctx.log.info(`  pods ${until === 'started' ? 'starting' : 'running'}: ${summarizeStates(st)} (${Math.round(t)} s)`),
    });
  try {
    if (barrier) await ctx.access(); // the barrier file is written through it, once every pod runs
    for (const p of pods) {
      await createFresh(ctx.cluster, p);
      created.push(p.metadata!.name!);
    }
    ctx.log.info(`created ${names.join(', ')} in namespace ${s.namespace}`);
    const started = await wait('started', s.readyTimeoutS * 1000);
    if (started.outcome === 'stuck' || started.outcome === 'timeout') {
      const details: string[] = [];
      for (const [name, st] of started.states) if (st.kind === 'stuck' || st.kind === 'pending' || st.kind === 'gone') details.push(...(await diagnosePod(ctx.cluster, s.namespace, name, st)));
      const reasons = [...new Set([...started.states.values()].filter((x) => x.kind !== 'running').map((x) => x.reason ?? x.kind))];
      throw new LlmdbenchError('E_K8S_POD_START', `launcher pods did not start: ${started.outcome === 'timeout' ? `still pending after ${s.readyTimeoutS} s` : reasons.join(', ')}`, {
        kind: 'environment',
        details,
        hint: reasons.some((r) => /Image/.test(r)) ? `check the image ${s.image} (LLMDBENCH_IMAGE_REGISTRY/_REPO/_NAME/_TAG) and pull secrets` : reasons.includes('Unschedulable') ? `lower LLMDBENCH_HARNESS_CPU_NR (${s.cpu}) / LLMDBENCH_HARNESS_CPU_MEM (${s.memory}) or free capacity` : 'see the events above',
      });
    }
    if (started.outcome === 'aborted') return await collectAll(ctx, unit, started.states, allNames, 'interrupted before the load started', sel);
    if (barrier) {
      const startAt = Date.now() + s.startBarrierS * 1000;
      const access = await ctx.access();
      const r = await ctx.cluster.exec(s.namespace, access.name, access.container, ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', String(startAt), barrier], new PassThrough());
      if (r.exitCode !== 0) throw new LlmdbenchError('E_K8S_BARRIER', `could not write the start barrier ${barrier}: ${r.stderr.trim()}`, { kind: 'environment' });
      ctx.log.info(`${names.length} pods running; load starts together at ${new Date(startAt).toISOString()}`);
    }
    if (s.debug || s.waitTimeoutS === 0) {
      keep = true;
      const first = names[0]!;
      ctx.log.info(`${s.debug ? 'debug: pods sleep instead of running the harness' : '-s 0: pods launched, not waiting'}; to look inside:`);
      ctx.log.info(`  kubectl -n ${s.namespace} exec -it ${first} -- sh`);
      if (s.debug) ctx.log.info(`  then run: ${s.executable}   (profiles under ${s.workspaceDir}/profiles/<harness>, results to $LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR)`);
      ctx.log.info(`  collect later: LLMDBENCH_RUN_EXPERIMENT_ID=${unit.config.get('LLMDBENCH_RUN_EXPERIMENT_ID') ?? unit.experimentId} llmdbench run <same flags> -z --workdir ${join(unit.resultsDirs[0]!, '..', '..')}`);
      ctx.log.info(`  delete the pods: kubectl -n ${s.namespace} delete pod -l ${selector}`);
      return indices.map((i) => ({ unit, resultsDir: unit.resultsDirs[i]!, analysisDir: unit.analysisDirs[i]!, complete: false, rc: 0 }));
    }
    const done = await wait('finished', s.waitTimeoutS * 1000);
    let note: string | undefined;
    if (done.outcome === 'timeout') note = `timed out after -s ${s.waitTimeoutS} s (pods: ${summarizeStates(done.states)})`;
    if (done.outcome === 'aborted') note = 'interrupted';
    for (const [name, st] of done.states) {
      if (st.kind === 'failed' || st.kind === 'stuck' || st.kind === 'gone') for (const l of await diagnosePod(ctx.cluster, s.namespace, name, st)) ctx.log.error(l);
    }
    // -f: the stack's and the launchers' logs, before the pods go.
    if (monitoring) await monitoring.capture(names, indices.map((i) => unit.resultsDirs[i]!));
    if (note) {
      ctx.log.error(`${unit.harness} ${unit.experimentId}: ${note}; stopping the pods and collecting what they wrote`);
      await deletePods();
    }
    return await collectAll(ctx, unit, done.states, allNames, note, sel);
  } finally {
    if (!keep && !s.noCleanup) await deletePods();
  }
}
