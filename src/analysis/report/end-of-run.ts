/**
 * The report part of the end-of-run analysis step (and of `-z`): convert the
 * results directory's native files into every report version in its analysis
 * directory, with goodput when the profile declares SLOs. A conversion problem is
 * a warning, never a failed run: the native files and the summary stay.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../util/logger.ts';
import { analyzeResultsDir } from './analyze.ts';
import { readRunContext } from './context.ts';
import { reportVersionOf } from './files.ts';
import { formatGoodput, writeGoodput } from './goodput-report.ts';
import { sloFromProfile } from './slo-source.ts';

export async function writeRunReports(resultsDir: string, analysisDir: string, log?: Logger): Promise<string[]> {
  try {
    const a = analyzeResultsDir(resultsDir, { outDir: analysisDir });
    if (!a) return [];
    for (const p of a.problems) log?.warn(`report: ${p}`);
    log?.info(`${a.files.length} llm-d benchmark report files (v0.1, v0.2, v0.2.1) in ${analysisDir}`);
    const slo = sloFromProfile(a.harness, readRunContext(resultsDir).config);
    const g = await writeGoodput(resultsDir, analysisDir, slo);
    if (g) log?.info(formatGoodput(g.all));
    return a.files;
  } catch (e) {
    log?.warn(`could not write the llm-d benchmark reports for ${resultsDir}: ${(e as Error).message}`);
    return [];
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
