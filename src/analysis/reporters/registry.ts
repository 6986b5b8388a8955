/**
 * The reporters, in the order they run (a reporter may read what an earlier one wrote: html
 * inlines the plots), and the two entry points the analysis step and the CLI call. A reporter
 * that fails is warned about and skipped (the run's data is never lost to a broken picture),
 * unless it is required (the summary).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import { MERGED_SUFFIX } from '../merged/groups.ts';
import { Registry } from '../../util/registry.ts';
import { htmlReporter } from './html.ts';
import { plotsReporter } from './plots.ts';
import { summaryReporter } from './summary.ts';
import type { Reporter, ResultReportContext, WorkDirReportContext, WorkDirResult } from './types.ts';

export const reporters = new Registry<string, Reporter>('reporter').register(summaryReporter).register(plotsReporter).register(htmlReporter);

/** What the reporters wrote, by kind. */
export type ReportFiles = Record<string, string[]>;

/** Options of a reporting pass. */
export interface ReportOptions {
  /** Skip the slow reporters (plots, HTML): the run was interrupted and should exit now. */
  quick?: boolean;
}

async function runAll(ctx: { log?: ResultReportContext['log'] }, label: string, o: ReportOptions, call: (r: Reporter) => Promise<string[]> | string[] | undefined): Promise<ReportFiles> {
  const out: ReportFiles = {};
  for (const r of reporters.all()) {
    if (o.quick && r.slow) continue;
    try {
      const files = await call(r);
      if (files) out[r.kind] = files;
    } catch (e) {
      if (r.required) throw e;
      ctx.log?.warn(`${label}: the ${r.kind} report failed and was skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/** Every reporter's files for one result directory. */
export function reportResult(ctx: ResultReportContext, o: ReportOptions = {}): Promise<ReportFiles> {
  mkdirSync(ctx.analysisDir, { recursive: true });
  return runAll(ctx, ctx.name, o, (r) => r.forResult?.(ctx));
}

/** Every reporter's files for a work directory (after all its results were analysed). */
export function reportWorkDir(ctx: Omit<WorkDirReportContext, 'analysisRoot'>, o: ReportOptions = {}): Promise<ReportFiles> {
  const analysisRoot = join(ctx.workDir, 'analysis');
  mkdirSync(analysisRoot, { recursive: true });
  const full: WorkDirReportContext = { ...ctx, analysisRoot, results: [...ctx.results, ...mergedResults(analysisRoot, ctx.results)] };
  return runAll(ctx, ctx.workDir, o, (r) => r.forWorkDir?.(full));
}

/**
 * -j N: the merged results (`<base>_merged/summary.json`) in the analysis root that the caller did
 * not list (`run` lists the generators' results; `-z` lists the merged ones too), after them, so
 * the work directory's report shows and links every merged result as one more column.
 */
function mergedResults(analysisRoot: string, listed: readonly WorkDirResult[]): WorkDirResult[] {
  const known = new Set(listed.map((r) => resolve(r.analysisDir)));
  const out: WorkDirResult[] = [];
  for (const name of readdirSync(analysisRoot).sort()) {
    const dir = join(analysisRoot, name);
    const f = join(dir, 'summary.json');
    if (!name.endsWith(MERGED_SUFFIX) || known.has(resolve(dir)) || !existsSync(f)) continue;
    try {
      const summary = JSON.parse(readFileSync(f, 'utf8')) as ResultSummary;
      if (summary.merge) out.push({ resultsDir: dir, analysisDir: dir, summary });
    } catch {
      // a torn summary: that merged result is left out of the work directory's report
    }
  }
  return out;
}
