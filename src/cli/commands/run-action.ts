/**
 * The `run` command's action: the session steps of src/api/session.ts (settings, one plan, checks,
 * execute or -z), plus what only a terminal needs: the progress display, Ctrl-C, the final table,
 * the exit code. Imported by run.ts only when `run` runs.
 */
import { join } from 'node:path';
import type { CliContext } from './types.ts';
import { RUN_SH_OPTIONS, runShOptionsToFlags, type RunShOptionValues } from '../run-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { createProgressDisplay, type ProgressDisplay } from '../progress/display.ts';
import { checkRun, collectAndReanalyze, executeRun, planRun, resolveSettings, workDirReport } from '../../api/session.ts';
import { formatPlan, formatPlanJson } from '../../plan/format.ts';
import { installInterrupts } from '../../run/signals.ts';
import { formatFinalTable } from '../../analysis/table.ts';
import type { RunOutcome } from '../../platform/types.ts';
import { createLogger } from '../../util/logger.ts';

export { planCalls } from '../../api/session.ts';

/** The work directory's reports (plots, report.html...); the HTML report's path when written. */
function exitCodeOf(out: RunOutcome): number {
  if (out.interrupted) return ExitCode.aborted;
  const bad = out.units.some((u) => u.rc !== 0 || u.error !== undefined || (u.summary !== undefined && u.summary.requests.succeeded === 0));
  return bad ? ExitCode.benchmarkFailed : ExitCode.ok;
}

/** Kubernetes-only flags a local run was given: one warning each, so none is ignored silently. */
export function kubernetesOnlyWarnings(opts: RunShOptionValues): string[] {
  const out: string[] = [];
  for (const o of RUN_SH_OPTIONS) {
    if (!o.kubernetesOnly) continue;
    const value = opts[o.key];
    if (value === undefined || value === false) continue;
    if (o.key === 'output' && value === 'local') continue; // the local run's own behaviour
    const flag = `${o.short ? `-${o.short}/` : ''}--${o.long}${typeof value === 'string' ? ` ${value}` : ''}`;
    const extra = o.key === 'output' && /^(gs|s3):\/\//.test(String(value)) ? ': results are not uploaded, they stay in the local work directory' : '';
    out.push(`${flag} has no effect on a local run (the Kubernetes executor uses it: --executor kubernetes, or name -p/-t)${extra}`);
  }
  return out;
}

export async function runAction(opts: RunShOptionValues & { quiet?: boolean; json?: boolean; resume?: string }, ctx: CliContext): Promise<void> {
  const settings = await resolveSettings({ flags: runShOptionsToFlags(opts), env: process.env, cwd: process.cwd(), ...(opts.resume ? { resume: opts.resume } : {}) });
  const { config, dryRun, skipRun } = settings;
  const tty = Boolean(process.stderr.isTTY);
  const display: ProgressDisplay | undefined = opts.quiet || opts.json || dryRun ? undefined : createProgressDisplay({ stream: process.stderr, tty });
  // -v sets LLMDBENCH_CONTROL_VERBOSE, and so can the environment or a scenario.
  const verbose = opts.verbose === true || config.get('LLMDBENCH_CONTROL_VERBOSE') === '1';
  const level = verbose ? 'debug' : opts.quiet ? 'warn' : 'info';
  const log = createLogger(level, display ? (s) => display.write(s) : (s) => process.stderr.write(s));

  // The one plan of this invocation (the -x dataset put in place first): --dry-run prints it, the platform executes it.
  const planned = await planRun(settings, log);
  const { plan, selection, workDir } = planned;
  if (!selection.platform.clusterFlags) for (const w of kubernetesOnlyWarnings(opts)) log.warn(w);

  if (dryRun) {
    // Nothing is contacted or written.
    if (opts.json) process.stdout.write(formatPlanJson(plan, { executor: selection.platform.kind, reason: selection.reason }));
    else {
      process.stdout.write(`${formatPlan(plan)}executor: ${selection.platform.kind} (${selection.reason})\n`);
      // What the platform would create (Kubernetes: every manifest as YAML).
      const manifests = selection.platform.dryRun?.(plan);
      if (manifests) process.stdout.write(`\n${manifests}`);
    }
    return;
  }

  // Every problem that needs no network is found before anything starts.
  checkRun(planned, log);

  if (skipRun) {
    // -z: no load; (a platform whose results live elsewhere collects them first) analyse every result directory.
    const interrupts = installInterrupts(log);
    let summaries;
    try {
      summaries = await collectAndReanalyze(planned, { log, signal: interrupts.stop, cancel: interrupts.cancel, args: ctx.argv.join(' ') });
    } finally {
      interrupts.dispose();
    }
    if (summaries.length === 0) log.warn(`-z: no results to analyse under ${join(workDir, 'results')}`);
    const report = await workDirReport(workDir, summaries.map((s) => ({ summary: s, resultsDir: join(workDir, 'results', s.name), analysisDir: join(workDir, 'analysis', s.name) })), log);
    process.stdout.write(opts.json ? `${JSON.stringify({ workDir, results: summaries, ...(report ? { report } : {}) }, null, 2)}\n` : formatFinalTable(summaries) + (report ? `\nreport: ${report}\n` : ''));
    return;
  }

  const interrupts = installInterrupts(log);
  let out: RunOutcome;
  try {
    out = await executeRun(planned, {
      log,
      signal: interrupts.stop,
      cancel: interrupts.cancel,
      ...(display ? { progress: (label, p) => display.update(label, p) } : {}),
      args: ctx.argv.join(' '),
    });
  } finally {
    interrupts.dispose();
    display?.stop();
  }
  // -j N: each unit's merged summary is one more column, after the generators' own.
  const { reportFiles } = await import('../../analysis/report/end-of-run.ts');
  const summaries = [...out.units.flatMap((u) => (u.summary ? [u.summary] : [])), ...(out.merged ?? [])];
  const report = await workDirReport(out.workDir, out.units.flatMap((u) => (u.summary ? [{ summary: u.summary, resultsDir: u.resultsDir, analysisDir: u.analysisDir }] : [])), log, out.interrupted);
  if (opts.json) {
    const results = out.units.map((u) => ({
      resultsDir: u.resultsDir,
      analysisDir: u.analysisDir,
      complete: u.complete,
      rc: u.rc,
      ...(u.resumed ? { resumed: true } : {}),
      ...(u.error ? { error: u.error } : {}),
      summary: u.summary ?? null,
      reports: reportFiles(u.analysisDir),
    }));
    process.stdout.write(`${JSON.stringify({ workDir: out.workDir, endpointUrl: out.endpointUrl, interrupted: out.interrupted, results, merged: out.merged ?? [], ...(report ? { report } : {}) }, null, 2)}\n`);
  } else {
    // A harness that sends no load (nop) has no request metrics: say so instead of "no results".
    const noLoad = summaries.length === 0 && out.units.length > 0 && out.units.every((u) => u.rc === 0 && u.error === undefined);
    process.stdout.write(noLoad ? 'no request metrics: this harness sends no load (its results are printed above and kept in the results folder)\n' : formatFinalTable(summaries));
    process.stdout.write(`\nresults: ${join(out.workDir, 'results')}\nanalysis: ${join(out.workDir, 'analysis')}\n`);
    const reports = out.units.reduce((n, u) => n + reportFiles(u.analysisDir).length, 0);
    if (reports > 0) process.stdout.write(`reports: ${reports} llm-d benchmark report files (v0.1, v0.2, v0.2.1) in ${join(out.workDir, 'analysis')}/<run>/\n`);
    if (report) process.stdout.write(`report: ${report}\n`);
  }
  if (out.interrupted) log.warn('the run was interrupted: results written so far are kept and marked incomplete');
  // A result file could not be written (a full disk): the summary above is what fitted;
  // the error (path and cause) ends the run with exit 3.
  const writeError = out.units.find((u) => u.writeError)?.writeError;
  if (writeError) throw writeError;
  ctx.setExitCode(exitCodeOf(out));
}
