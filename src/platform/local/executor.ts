/**
 * The local platform: carries out a RunPlan in this process. For each model it opens the target
 * (the user's endpoint, or the embedded simulator serving that model), binds the model's units
 * to the target's URL (only the endpoint token changes), writes them into the work directory and
 * runs every unit × parallel index with the harness-neutral runUnitAttempts (src/run/attempts.ts:
 * runUnit with --retries and --resume). A signal
 * stops the loop after the running unit has written what finished (marked incomplete).
 */
import { harnesses } from '../../harness/registry.ts';
import { fileLogReader } from '../../harness/server-log.ts';
import { bindEndpoint } from '../../plan/bind.ts';
import type { RunPlan } from '../../plan/types.ts';
import { checkRunnable, preflight } from '../../run/checks.ts';
import { runUnitAttempts } from '../../run/attempts.ts';
import type { UnitOutcome } from '../../run/unit.ts';
import { mergeGenerators } from '../../run/merged.ts';
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import type { Platform, RunOutcome } from '../types.ts';
import { SIM_LOAD_FORMATS } from '../../sim/keys.ts';
import { openTarget, servedModels, type Target, type TargetOptions } from './target.ts';
import { prepareWorkDir } from './workdir.ts';

/**
 * What the embedded simulator must provide for this model's units: a start-up log when a
 * harness reads the server log (nop), with the stack's load format and sleep mode.
 */
function targetOptions(plan: RunPlan, model: string): TargetOptions {
  const units = plan.units.filter((u) => u.model === model);
  const c = units[0]!.config;
  const workers = Number(c.get('LLMDBENCH_SIM_WORKERS') ?? '1');
  // nop reads the start-up log of one simulator process: shards have none (the simulator refuses both).
  if (!units.some((u) => harnesses.loaded(u.harness).wantsServerLog)) return workers > 1 ? { simConfig: { workers } } : {};
  const simConfig: Record<string, unknown> = {};
  const format = c.get('LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT');
  if (format && (SIM_LOAD_FORMATS as readonly string[]).includes(format)) simConfig['load-format'] = format;
  if (c.get('LLMDBENCH_VLLM_COMMON_ENABLE_SLEEP_MODE') === 'true') simConfig['enable-sleep-mode'] = true;
  return { serverLog: true, simConfig };
}

export const localPlatform: Platform = {
  kind: 'local',
  check(plan, _config, log): void {
    checkRunnable(plan);
    preflight(plan, log);
  },
  async execute(plan, opts): Promise<RunOutcome> {
    const units: UnitOutcome[] = [];
    const merged: ResultSummary[] = [];
    const models = [...new Set(plan.units.map((u) => u.model))];
    await harnesses.loadMany(plan.units.map((u) => u.harness)); // loaded with the plan already, unless a caller built it itself
    let lastUrl = plan.endpointUrl ?? '';
    for (const model of models) {
      if (opts.signal.aborted || units.some((u) => u.writeError)) break;
      const first = plan.units.find((u) => u.model === model);
      const target: Target = await openTarget(plan.endpointUrl, model, opts.log, first?.config.get('LLMDBENCH_SIM_PRESET'), targetOptions(plan, model));
      // The server log the platform has (the simulator's start-up log) goes to the harnesses that read it.
      const unitOpts = target.logFile ? { ...opts, serverLog: fileLogReader(target.logFile) } : opts;
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
        const forModel = plan.units.filter((u) => u.model === model).map((u) => bindEndpoint(u, target.url));
        prepareWorkDir(plan, forModel);
        for (const unit of forModel) {
          if (opts.signal.aborted) break;
          // -j N: N identical harness instances at once, each into its own results directory.
          const outs = await Promise.all(unit.resultsDirs.map((_, i) => runUnitAttempts(unit, i, target.url, unitOpts)));
          units.push(...outs);
          // A result file could not be written (a full disk): no further unit would fit either.
          if (outs.some((o) => o.writeError)) break;
          const m = await mergeGenerators(unit, outs, opts.log, { quick: opts.signal.aborted });
          if (m) merged.push(m);
        }
      } finally {
        await target.stop();
      }
    }
    return { workDir: plan.workDir, endpointUrl: lastUrl, units, merged, interrupted: opts.signal.aborted };
  },
};
