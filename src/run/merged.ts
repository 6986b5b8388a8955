/**
 * `-j N`: after the N load generators of one unit finished, one merged summary and merged llm-d
 * benchmark reports (analysis/merged/) over all their
 * records (analysis/analyze.ts analyzeMerged: counts add up, percentiles from the merged values,
 * never averaged) into `<workdir>/analysis/<harness>_<eid>_<stack>_merged/` — the generators'
 * folders are `..._1 … _N`, so `_merged` sorts next to them and cannot collide with an index.
 * Harness-neutral and platform-neutral: any platform that brings the N results directories home
 * calls it.
 */
import { dirname, join } from 'node:path';
import { definitionsFor } from '../analysis/definitions.ts';
import { sloOption } from '../analysis/slo-option.ts';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import type { RunUnit } from '../plan/types.ts';
import type { Logger } from '../util/logger.ts';
import type { UnitOutcome } from './unit.ts';


/**
 * The merged summary of a unit run with parallelism > 1 (undefined for -j 1 or no records), with the
 * reporters as for a result (plots, report.html); `quick` (interrupted): the summary and reports only.
 */
export async function mergeGenerators(unit: RunUnit, outs: readonly UnitOutcome[], log: Logger, o: { quick?: boolean } = {}): Promise<ResultSummary | undefined> {
  if (unit.resultsDirs.length < 2) return undefined;
  // The analysis is loaded when a run has merged results to write, not at start-up.
  const [{ analyzeMerged }, { mergedName }] = await Promise.all([import('../analysis/analyze.ts'), import('../analysis/merged/index.ts')]);
  const name = mergedName(unit.resultsDirs[0]!);
  const analysisDir = join(dirname(unit.analysisDirs[0]!), name);
  const complete = outs.length === unit.resultsDirs.length && outs.every((o) => o.complete);
  try {
    const s = await analyzeMerged(name, unit.resultsDirs, analysisDir, complete, { definitions: await definitionsFor(unit.harness), log, ...sloOption(unit.config), ...(o.quick ? { quick: true } : {}) });
    if (s) log.info(`merged ${unit.resultsDirs.length} load generators -> ${analysisDir}`);
    return s;
  } catch (e) {
    // The generators' own results stand; a merged summary that cannot be written is a warning.
    log.warn(`could not write the merged summary ${analysisDir}: ${(e as Error).message}`);
    return undefined;
  }
}
