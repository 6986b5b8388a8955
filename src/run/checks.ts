/**
 * Plan-wide harness checks that need no network and no target, made once before anything
 * starts (before the embedded simulator, before any file is written), by every platform.
 */
import { harnesses } from '../harness/registry.ts';
import type { RunPlan } from '../plan/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';

/** Every unit's harness must be able to run (has `prepare`). */
export function checkRunnable(plan: RunPlan): void {
  const missing = [...new Set(plan.units.map((u) => u.harness))].filter((k) => !harnesses.get(k).prepare);
  if (missing.length > 0) {
    throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness ${missing.map((m) => `"${m}"`).join(', ')} cannot run yet in llmdbench`, {
      hint: `runnable harnesses: ${harnesses.all().filter((h) => h.prepare).map((h) => h.kind).join(', ') || 'none'}; choose one with -l`,
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
    const plugin = harnesses.get(unit.harness);
    const key = `${unit.harness}\0${unit.profileText}`;
    if (!plugin.preflight || seen.has(key)) continue;
    seen.add(key);
    plugin.preflight({ profile: unit.profile, profileName: unit.profileName, config: unit.config, log, ...(opts.serverLogSupplied ? { serverLogSupplied: true } : {}) });
  }
}
