/**
 * The local executor: carries out a RunPlan in this process. For each model it opens the
 * target (the user's endpoint, or the embedded simulator serving that model), then for each
 * unit (method × treatment) and parallel index it runs the harness into its results
 * directory, writes run_metadata.yaml and the analysis summary. A signal stops the loop
 * after the running unit has written what finished (marked incomplete).
 */
import { basename } from 'node:path';
import { harnesses } from '../../harness/registry.ts';
import type { HarnessPlugin } from '../../harness/types.ts';
import { fileLogReader } from '../../harness/server-log.ts';
import type { RunPlan, RunUnit } from '../../plan/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { ExecuteOptions, Platform, RunOutcome, UnitOutcome } from '../types.ts';
import { analyzeResultDir } from './analysis.ts';
import { deltaString, isoSeconds, writeRunMetadata } from './metadata.ts';
import { SIM_LOAD_FORMATS } from '../../sim/keys.ts';
import { openTarget, servedModels, type Target, type TargetOptions } from './target.ts';
import { prepareWorkDir } from './workdir.ts';

/** Every unit's harness must be able to run: checked before anything starts. */
export function checkRunnable(plan: RunPlan): void {
  const missing = [...new Set(plan.units.map((u) => u.harness))].filter((k) => !harnesses.get(k).run);
  if (missing.length > 0) {
    throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness ${missing.map((m) => `"${m}"`).join(', ')} cannot run yet in llmdbench`, {
      hint: `runnable harnesses: ${harnesses.all().filter((h) => h.run).map((h) => h.kind).join(', ') || 'none'}; choose one with -l`,
    });
  }
}

async function runOne(plugin: HarnessPlugin, unit: RunUnit, i: number, target: Target, opts: ExecuteOptions): Promise<UnitOutcome> {
  const url = target.url;
  const resultsDir = unit.resultsDirs[i]!;
  const analysisDir = unit.analysisDirs[i]!;
  const name = basename(resultsDir);
  const startMs = Date.now();
  let complete = false;
  let rc = 1;
  let error: string | undefined;
  opts.log.info(`running ${unit.harness} ${unit.profileName} (model ${unit.model}${unit.treatment ? `, treatment ${unit.treatment}` : ''}) -> ${resultsDir}`);
  try {
    const out = await plugin.run!({
      profile: unit.profile,
      profileText: unit.profileText,
      profileName: unit.profileName,
      endpointUrl: url,
      model: unit.model,
      resultsDir,
      config: unit.config,
      signal: opts.signal,
      ...(opts.cancel ? { cancel: opts.cancel } : {}),
      log: opts.log,
      ...(target.logFile ? { serverLog: fileLogReader(target.logFile) } : {}),
      ...(opts.progress ? { progress: (p) => opts.progress!(name, p) } : {}),
    });
    complete = out.complete && !opts.signal.aborted;
    rc = complete ? 0 : 1;
  } catch (e) {
    // A usage/environment error before any load (bad profile, dataset needs network) aborts the run.
    if (e instanceof LlmdbenchError && e.kind !== 'internal') throw e;
    error = e instanceof Error ? e.message : String(e);
    opts.log.error(`${name}: ${error}`);
  }
  const stopMs = Date.now();
  writeRunMetadata(resultsDir, {
    harness_start: isoSeconds(startMs),
    harness_stop: isoSeconds(stopMs),
    harness_delta: deltaString((stopMs - startMs) / 1000),
    harness_args: opts.args,
    harness_version: `llmdbench ${opts.version}`,
    harness_name: unit.harness,
    harness_workload: unit.profileName,
    harness_rc: rc,
    experiment_id: unit.experimentId,
    model: unit.model,
    endpoint_url: url,
    namespace: unit.config.get('LLMDBENCH_HARNESS_NAMESPACE') ?? '',
    description_text: `${unit.model} [${unit.experimentId}]`,
    description_keywords: '',
    stack_name: unit.stackName,
    method: unit.method,
    treatment: unit.treatment ?? null,
    complete,
    duration_seconds: (stopMs - startMs) / 1000,
  });
  const summary = await analyzeResultDir(name, resultsDir, analysisDir, complete);
  if (summary?.loadgen_health?.client_bottleneck) {
    const h = summary.loadgen_health;
    const verdict = h.verdict || 'the load generator itself was the bottleneck; these numbers understate the server';
    opts.log.warn(`${name}: ${verdict}: ${h.warnings.join('; ')}`);
  }
  return { unit, resultsDir, analysisDir, complete, rc, ...(summary ? { summary } : {}), ...(error ? { error } : {}) };
}

/**
 * What the embedded simulator must provide for this model's units: a start-up log when a
 * harness reads the server log (nop), with the stack's load format and sleep mode.
 */
function targetOptions(plan: RunPlan, model: string): TargetOptions {
  const units = plan.units.filter((u) => u.model === model);
  if (!units.some((u) => harnesses.get(u.harness).wantsServerLog)) return {};
  const c = units[0]!.config;
  const simConfig: Record<string, unknown> = {};
  const format = c.get('LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT');
  if (format && (SIM_LOAD_FORMATS as readonly string[]).includes(format)) simConfig['load-format'] = format;
  if (c.get('LLMDBENCH_VLLM_COMMON_ENABLE_SLEEP_MODE') === 'true') simConfig['enable-sleep-mode'] = true;
  return { serverLog: true, simConfig };
}

/**
 * Every unit's harness preflight (no network, no target): a profile that cannot run (e.g. its
 * data would need the network) fails here, before the simulator starts or anything is written.
 */
export function preflight(plan: RunPlan, log: ExecuteOptions['log']): void {
  const seen = new Set<string>();
  for (const unit of plan.units) {
    const plugin = harnesses.get(unit.harness);
    const key = `${unit.harness}\0${unit.profileText}`;
    if (!plugin.preflight || seen.has(key)) continue;
    seen.add(key);
    plugin.preflight({ profile: unit.profile, profileName: unit.profileName, config: unit.config, log });
  }
}

export const localPlatform: Platform = {
  kind: 'local',
  async execute(plan, opts): Promise<RunOutcome> {
    checkRunnable(plan);
    preflight(plan, opts.log);
    const units: UnitOutcome[] = [];
    const models = [...new Set(plan.units.map((u) => u.model))];
    let lastUrl = plan.endpointUrl ?? '';
    for (const model of models) {
      if (opts.signal.aborted) break;
      const first = plan.units.find((u) => u.model === model);
      const target: Target = await openTarget(plan.endpointUrl, model, opts.log, first?.config.get('LLMDBENCH_SIM_PRESET'), targetOptions(plan, model));
      lastUrl = target.url;
      if (!target.embedded) {
        // Upstream fails when the stack serves another model; we warn (requests will say 404).
        const served = await servedModels(target.url);
        if (served === undefined) opts.log.warn(`${target.url}/v1/models did not answer; is the endpoint up? (requests will be sent anyway and failures counted)`);
        else if (served.length > 0 && !served.includes(model)) {
          opts.log.warn(`${target.url} serves ${served.join(', ')}, not ${model}; pass the served model with -m`);
        }
      }
      try {
        let forModel = plan.units.filter((u) => u.model === model);
        let planNow = plan;
        if (target.embedded && opts.replan) {
          planNow = opts.replan(target.url);
          forModel = planNow.units.filter((u) => u.model === model);
        }
        prepareWorkDir(planNow, forModel);
        for (const unit of forModel) {
          if (opts.signal.aborted) break;
          const plugin = harnesses.get(unit.harness);
          // -j N: N identical harness instances at once, each into its own results directory.
          const outs = await Promise.all(unit.resultsDirs.map((_, i) => runOne(plugin, unit, i, target, opts)));
          units.push(...outs);
        }
      } finally {
        await target.stop();
      }
    }
    return { workDir: plan.workDir, endpointUrl: lastUrl, units, interrupted: opts.signal.aborted };
  },
};
