/**
 * The work directory, laid out as upstream's run.sh leaves it (llm-d-benchmark-run.md §2.13):
 *   workload/profiles/<harness>/<profile>.yaml      rendered profiles (one per treatment)
 *   results/<harness>_<eid>_<stack>_<i>/            harness-native files, raw records, run_metadata.yaml
 *   analysis/<harness>_<eid>_<stack>_<i>/           summary.json, summary.txt
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunPlan } from '../../plan/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';

/** Create every directory of the plan and write each rendered profile where the plan says. */
export function prepareWorkDir(plan: RunPlan): void {
  try {
    for (const sub of ['workload/profiles', 'workload/experiments', 'results', 'analysis', 'setup/commands', 'environment']) {
      mkdirSync(`${plan.workDir}/${sub}`, { recursive: true });
    }
    for (const u of plan.units) {
      mkdirSync(dirname(u.renderedPath), { recursive: true });
      writeFileSync(u.renderedPath, u.profileText);
      for (const d of [...u.resultsDirs, ...u.analysisDirs]) mkdirSync(d, { recursive: true });
    }
  } catch (e) {
    throw new LlmdbenchError('E_WORKDIR', `cannot prepare the work directory ${plan.workDir}: ${(e as Error).message}`, {
      kind: 'environment',
      hint: 'choose a writable directory with --workdir or LLMDBENCH_CONTROL_WORK_DIR',
      cause: e,
    });
  }
}
