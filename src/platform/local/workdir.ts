/**
 * The work directory, laid out as upstream's run.sh leaves it (llm-d-benchmark-run.md §2.13):
 *   workload/profiles/<harness>/<profile>.yaml      rendered profiles (one per treatment)
 *   results/<harness>_<eid>_<stack>_<i>/            harness-native files, raw records, run_metadata.yaml
 *   analysis/<harness>_<eid>_<stack>_<i>/           summary.json, summary.txt
 */
import { mkdirSync } from 'node:fs';
import type { RunPlan, RunUnit } from '../../plan/types.ts';
import { writePlan } from '../../plan/write.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { mkdirCause } from '../../util/files.ts';

/**
 * Create the work directory's folders, write the rendered profiles of `units` (one model
 * group at a time: units of different models share file names, as upstream re-renders per
 * model) and create their results and analysis folders.
 */
export function prepareWorkDir(plan: RunPlan, units: readonly RunUnit[] = plan.units): void {
  let dir = plan.workDir;
  try {
    for (const sub of ['workload/profiles', 'workload/experiments', 'results', 'analysis', 'setup/commands', 'environment']) {
      dir = `${plan.workDir}/${sub}`;
      mkdirSync(dir, { recursive: true });
    }
    for (const u of units) {
      for (const d of [...u.resultsDirs, ...u.analysisDirs]) {
        dir = d;
        mkdirSync(d, { recursive: true });
      }
    }
  } catch (e) {
    throw new LlmdbenchError('E_WORKDIR', `cannot prepare the work directory ${plan.workDir}: ${mkdirCause(dir, e)}`, {
      kind: 'environment',
      hint: 'choose a writable directory with --workdir or LLMDBENCH_CONTROL_WORK_DIR',
      cause: e,
    });
  }
  writePlan(plan, units);
}
