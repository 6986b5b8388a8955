/**
 * The report part of the end-of-run analysis step (and of `-z`): say which SLOs the profile
 * declares (before the analysis step's single pass over records.jsonl computes goodput,
 * analysis/analyze.ts), then convert the results directory's native files into every report
 * version in its analysis directory, each carrying its stage's goodput. A conversion
 * problem is a warning, never a failed run: the native files and the summary stay.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Slo } from '../../metrics/slo.ts';
import type { Logger } from '../../util/logger.ts';
import { analyzeResultsDir } from './analyze.ts';
import { detectHarness } from './convert.ts';
import { readRunContext } from './context.ts';
import type { GoodputReport } from './goodput-report.ts';
import { reportVersionOf } from './files.ts';
import { sloFromProfile } from './slo-source.ts';

export interface RunReports {
  files: string[];
}

/** The SLOs the results directory's workload profile declares ({} when none, or no harness files). */
export function profileSloOf(resultsDir: string, log?: Logger): Slo {
  try {
    const found = detectHarness(resultsDir);
    return found ? sloFromProfile(found.converter.kind, readRunContext(resultsDir).config) : {};
  } catch (e) {
    log?.warn(`could not read the SLOs of ${resultsDir}'s profile: ${(e as Error).message}`);
    return {};
  }
}

export async function writeRunReports(resultsDir: string, analysisDir: string, log?: Logger, goodput?: GoodputReport): Promise<RunReports> {
  try {
    const a = analyzeResultsDir(resultsDir, { outDir: analysisDir, ...(goodput ? { goodput } : {}) });
    if (!a) return { files: [] };
    for (const p of a.problems) log?.warn(`report: ${p}`);
    log?.info(`${a.files.length} llm-d benchmark report files (v0.1, v0.2, v0.2.1) in ${analysisDir}`);
    return { files: a.files };
  } catch (e) {
    log?.warn(`could not write the llm-d benchmark reports for ${resultsDir}: ${(e as Error).message}`);
    return { files: [] };
  }
}

/** The report files in an analysis directory (file names, sorted). */
export function reportFiles(analysisDir: string): string[] {
  if (!existsSync(analysisDir)) return [];
  return readdirSync(analysisDir)
    .filter((f) => reportVersionOf(f) !== undefined)
    .sort()
    .map((f) => join(analysisDir, f));
}
