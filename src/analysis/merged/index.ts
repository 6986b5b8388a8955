/**
 * -j N merged reports: the entry points the analysis step (analyze.ts analyzeMerged, `-z`) and
 * `llmdbench analyze` (report/run-analysis.ts) call. See README.md.
 */
import type { Logger } from '../../util/logger.ts';
import type { GoodputReport } from '../report/goodput-report.ts';
import type { Merge } from './merge.ts';

export { openMerge, MERGE_FILE, type Merge } from './merge.ts';
export { mergeGroups, mergedName } from './groups.ts';

/** Write the merged reports; a failure is a warning (the generators' own reports stand). */
export function writeMergedReports(merge: Merge, analysisDir: string, log?: Logger, goodput?: GoodputReport): string[] {
  try {
    const files = merge.writeReports(analysisDir, { ...(log ? { log } : {}), ...(goodput ? { goodput } : {}) });
    if (files.length) log?.info(`${files.length} merged llm-d benchmark report files (v0.1, v0.2, v0.2.1) in ${analysisDir}`);
    return files;
  } catch (e) {
    log?.warn(`could not write the merged llm-d benchmark reports in ${analysisDir}: ${(e as Error).message}`);
    return [];
  }
}
