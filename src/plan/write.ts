/** Write the plan's rendered profiles and the experiment copy into the work directory. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LlmdbenchError } from '../util/errors.ts';
import type { RunPlan, RunUnit } from './types.ts';
import { WORKDIR_PLACEHOLDER } from './build.ts';

/**
 * Writes each unit's profile to its `renderedPath`
 * (`$WORK/workload/profiles/<harness>/<profile>[_treatment_<name>].yaml`) and copies the
 * experiment file to `$WORK/workload/experiments/`. Pass `units` to write one
 * method/model group at a time: units of different models share file names (as
 * upstream, which re-renders per model), so writing two units with the same path
 * and different text at once is refused (E_PLAN_COLLISION). Returns the files written.
 */
export function writePlan(plan: RunPlan, units: readonly RunUnit[] = plan.units): string[] {
  if (plan.workDir === WORKDIR_PLACEHOLDER) {
    throw new LlmdbenchError('E_PLAN_NO_WORKDIR', 'the plan has no work directory yet', {
      kind: 'internal',
      hint: 'build the plan with workDir set (LLMDBENCH_CONTROL_WORK_DIR / --workdir) before writing it',
    });
  }
  const byPath = new Map<string, RunUnit>();
  for (const u of units) {
    const other = byPath.get(u.renderedPath);
    if (other && other.profileText !== u.profileText) {
      throw new LlmdbenchError('E_PLAN_COLLISION', `two runs would write different profiles to ${u.renderedPath}`, {
        kind: 'internal',
        details: [`${other.method}/${other.model}`, `${u.method}/${u.model}`],
        hint: 'write one method/model group at a time (writePlan(plan, unitsOfGroup))',
      });
    }
    byPath.set(u.renderedPath, u);
  }
  const written: string[] = [];
  try {
    for (const [p, u] of byPath) {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, u.profileText);
      written.push(p);
    }
    if (plan.experimentFile) {
      const dir = path.join(plan.workDir, 'workload', 'experiments');
      mkdirSync(dir, { recursive: true });
      const dest = path.join(dir, path.basename(plan.experimentFile));
      copyFileSync(plan.experimentFile, dest);
      written.push(dest);
    }
  } catch (e) {
    throw new LlmdbenchError('E_WORKDIR', `cannot write the plan into ${plan.workDir}: ${(e as Error).message}`, {
      kind: 'environment',
      hint: 'choose a writable directory with --workdir or LLMDBENCH_CONTROL_WORK_DIR',
      cause: e,
    });
  }
  return written;
}
