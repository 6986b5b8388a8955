/**
 * Plan-wide harness checks that need no network and no target, made once before anything
 * starts (before the embedded simulator, before any file is written), by every platform.
 */
import { readdirSync, statSync } from 'node:fs';
import { harnesses } from '../harness/registry.ts';
import type { RunPlan } from '../plan/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';

/** Every unit's harness (loaded with the plan: src/plan/build.ts loadPlanHarness) must be able to run (has `prepare`). */
export function checkRunnable(plan: RunPlan): void {
  const missing = [...new Set(plan.units.map((u) => u.harness))].filter((k) => !harnesses.loaded(k).prepare);
  if (missing.length > 0) {
    // The other plugins are not loaded (start-up): every registered kind but these is offered.
    const others = harnesses.kinds().filter((k) => !missing.includes(k) && (!harnesses.isLoaded(k) || harnesses.loaded(k).prepare));
    throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness ${missing.map((m) => `"${m}"`).join(', ')} cannot run yet in llmdbench`, {
      hint: `other harnesses: ${others.join(', ') || 'none'}; choose one with -l`,
    });
  }
}

/**
 * Every unit's harness preflight: a profile that cannot run (e.g. its data would need the
 * network) fails here. Each distinct profile text is checked once.
 */
export function preflight(plan: RunPlan, log: Logger, opts: { serverLogSupplied?: boolean } = {}): void {
  const seen = new Set<string>();
  for (const unit of plan.units) {
    const plugin = harnesses.loaded(unit.harness);
    const key = `${unit.harness}\0${unit.profileText}`;
    if (!plugin.preflight || seen.has(key)) continue;
    seen.add(key);
    plugin.preflight({ profile: unit.profile, profileName: unit.profileName, config: unit.config, log, ...(opts.serverLogSupplied ? { serverLogSupplied: true } : {}) });
  }
}

/** A folder that already holds something (a file or a folder). */
function holdsResults(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir).length > 0 : true;
  } catch {
    return false;
  }
}

/**
 * One run, one folder: a result (or analysis) directory that already holds results is refused
 * before anything starts, so a second run never appends to or mixes with the first one's
 * records (docs/reliability.md). `skip(dir)` exempts directories a resume deliberately reuses.
 */
export function checkFreshResults(plan: RunPlan, skip: (resultsDir: string) => boolean = () => false): void {
  const used: string[] = [];
  for (const u of plan.units) {
    u.resultsDirs.forEach((d, i) => {
      if (skip(d)) return;
      for (const dir of [d, u.analysisDirs[i]!]) if (holdsResults(dir)) used.push(dir);
    });
  }
  if (used.length === 0) return;
  throw new LlmdbenchError('E_RESULTS_EXIST', `${used[0]} already holds results of an earlier run`, {
    details: used.slice(1).map((d) => `also used: ${d}`),
    hint: 'continue that run with --resume <workdir>, give a new experiment id (LLMDBENCH_RUN_EXPERIMENT_ID), or choose another --workdir',
  });
}
