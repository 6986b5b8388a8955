/**
 * The reporters, in the order they run (a reporter may read what an earlier one wrote: html
 * inlines the plots), and the two entry points the analysis step and the CLI call. A reporter
 * that fails is warned about and skipped (the run's data is never lost to a broken picture),
 * unless it is required (the summary).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../../util/registry.ts';
import { htmlReporter } from './html.ts';
import { plotsReporter } from './plots.ts';
import { summaryReporter } from './summary.ts';
import type { Reporter, ResultReportContext, WorkDirReportContext } from './types.ts';

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
  const full: WorkDirReportContext = { ...ctx, analysisRoot };
  return runAll(ctx, ctx.workDir, o, (r) => r.forWorkDir?.(full));
}
