/**
 * The report part of the end-of-run analysis step (and of `-z`): convert the
 * results directory's native files into every report version in its analysis
 * directory, and say which SLOs the profile declares (goodput is computed in the
 * analysis step's single pass over records.jsonl, analysis/analyze.ts). A conversion
 * problem is a warning, never a failed run: the native files and the summary stay.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Slo } from '../../metrics/slo.ts';
import type { Logger } from '../../util/logger.ts';
import { analyzeResultsDir } from './analyze.ts';
import { readRunContext } from './context.ts';
import { reportVersionOf } from './files.ts';
import { sloFromProfile } from './slo-source.ts';

export interface RunReports {
  files: string[];
  /** The SLOs the workload profile declares (inference-perf's goodput constraints, vllm bench's goodput); {} when none. */
  profileSlo: Slo;
}

export async function writeRunReports(resultsDir: string, analysisDir: string, log?: Logger): Promise<RunReports> {
  try {
    const a = analyzeResultsDir(resultsDir, { outDir: analysisDir });
    if (!a) return { files: [], profileSlo: {} };
    for (const p of a.problems) log?.warn(`report: ${p}`);
    log?.info(`${a.files.length} llm-d benchmark report files (v0.1, v0.2, v0.2.1) in ${analysisDir}`);
    return { files: a.files, profileSlo: sloFromProfile(a.harness, readRunContext(resultsDir).config) };
  } catch (e) {
    log?.warn(`could not write the llm-d benchmark reports for ${resultsDir}: ${(e as Error).message}`);
    return { files: [], profileSlo: {} };
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
