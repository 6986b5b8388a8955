/**
 * The `run` command's action: resolve the configuration, plan once, check everything that needs no
 * network, execute on the selected platform, print the final table. Imported by run.ts only when `run` runs.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './types.ts';
import { RUN_SH_OPTIONS, runShOptionsToFlags, type RunShOptionValues } from '../run-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { createProgressDisplay, type ProgressDisplay } from '../progress/display.ts';
import { resolveConfig } from '../../config/resolve.ts';
import type { EffectiveConfig } from '../../config/types.ts';
import { runtimeEnv } from '../../config/runtime-env.ts';
import { buildPlan, WORKDIR_PLACEHOLDER } from '../../plan/build.ts';
import type { BuildPlanOptions } from '../../plan/build.ts';
import { formatPlan, formatPlanJson } from '../../plan/format.ts';
import type { RunPlan } from '../../plan/types.ts';
import { selectPlatform } from '../../platform/select.ts';
import { installInterrupts } from '../../run/signals.ts';
import { checkFreshResults, checkRunnable, preflight } from '../../run/checks.ts';
import { formatFinalTable } from '../../analysis/table.ts';
import { reanalyze } from '../../analysis/analyze.ts';
import { reportFiles } from '../../analysis/report/end-of-run.ts';
import { reportWorkDir } from '../../analysis/reporters/registry.ts';
import type { WorkDirResult } from '../../analysis/reporters/types.ts';
import type { RunOutcome } from '../../platform/types.ts';
import { createLogger, type Logger } from '../../util/logger.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { mkdirCause } from '../../util/files.ts';
import { fetchDatasetOnce } from '../../engine/datagen/index.ts';
import { resumeFlags, writeRunRecord } from '../../run/run-record.ts';
import { formatIssue, type LocatedIssue } from '../../harness/validate.ts';

function packageVersion(): string {
  const p = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
}

/** The work directory's path: the configured one, else a new temporary one (created only once the plan holds). */
function workDirFor(config: EffectiveConfig): string {
  const configured = config.get('LLMDBENCH_CONTROL_WORK_DIR');
  if (configured) return resolve(configured);
  return join(tmpdir(), `llmdbench-run-${randomBytes(4).toString('hex')}`);
}

/** The work directory's reports (plots, report.html...); the HTML report's path when written. */
async function workDirReport(workDir: string, results: WorkDirResult[], log: Logger, interrupted = false): Promise<string | undefined> {
  if (interrupted) {
    log.info(`plots and HTML report skipped (interrupted): \`llmdbench run -z --workdir ${workDir}\` draws them`);
    return undefined;
  }
  const files = await reportWorkDir({ workDir, results, log });
  return files.html?.[0];
}

/** Counts buildPlan calls (a test asserts one per invocation). */
export const planCalls = { count: 0 };
function planOnce(opts: BuildPlanOptions): RunPlan {
  planCalls.count++;
  return buildPlan(opts);
}

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

const REMOTE = /^https?:\/\//i;

/** `-x` given as a local path (or file:// URL): the path, else undefined. */
function localDatasetPath(x: string): string | undefined {
  if (REMOTE.test(x)) return undefined;
  if (/^file:\/\//i.test(x)) return fileURLToPath(x);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(x)) return undefined; // another scheme: fetchDatasetOnce says it is unsupported
  return resolve(x);
}

/**
 * `-x`: a local path must exist (an error before anything starts). With `fetch`, the dataset is
 * put into LLMDBENCH_RUN_DATASET_DIR once: an http(s) URL is downloaded, a local file copied
 * (both skipped when the file is already there).
 */
async function prepareDataset(config: EffectiveConfig, log: Logger, fetch: boolean): Promise<void> {
  const x = config.get('LLMDBENCH_RUN_DATASET_URL');
  if (!x) return;
  const local = localDatasetPath(x);
  if (local !== undefined) {
    if (!existsSync(local) || !statSync(local).isFile()) {
      throw new LlmdbenchError('E_DATASET_NOT_FOUND', `-x ${x}: no such file`, { kind: 'environment', hint: 'give -x an http(s) URL or the path of an existing dataset file' });
    }
  }
  if (!fetch) return;
  const dir = config.get('LLMDBENCH_RUN_DATASET_DIR');
  if (!dir) throw new LlmdbenchError('E_DATASET_DIR', '-x needs a dataset directory', { hint: 'set LLMDBENCH_RUN_DATASET_DIR' });
  try {
    if (local !== undefined) {
      const dest = join(resolve(dir), basename(local));
      if (dest === local || existsSync(dest)) return;
      mkdirSync(resolve(dir), { recursive: true });
      copyFileSync(local, dest);
      log.info(`dataset: copied ${local} to ${dest}`);
      return;
    }
    const r = await fetchDatasetOnce(x, resolve(dir));
    log.info(r.downloaded ? `dataset: downloaded ${x} to ${r.file}` : `dataset: ${r.file} already present, not downloaded`);
  } catch (e) {
    if (e instanceof LlmdbenchError) throw e;
    // e.g. the default dataset directory (the workspace, /workspace) cannot be created here.
    throw new LlmdbenchError('E_DATASET_DIR', `cannot put the -x dataset into ${dir}: ${(e as Error).message}`, {
      kind: 'environment',
      cause: e,
      hint: 'set LLMDBENCH_RUN_DATASET_DIR to a writable directory',
    });
  }
}

/** The `run` command's action (loaded only when the command runs, so `--help` stays fast). */
/** Create the work directory; an unusable one (under a file, read-only) is exit 3 with the path and the real cause. */
function ensureWorkDir(workDir: string): void {
  try {
    mkdirSync(workDir, { recursive: true });
  } catch (e) {
    throw new LlmdbenchError('E_WORKDIR', `cannot create the work directory ${workDir}: ${mkdirCause(workDir, e)}`, { kind: 'environment', cause: e, hint: 'choose a writable directory with --workdir or LLMDBENCH_CONTROL_WORK_DIR' });
  }
}

export async function runAction(opts: RunShOptionValues & { quiet?: boolean; json?: boolean; resume?: string }, ctx: CliContext): Promise<void> {
  const given = runShOptionsToFlags(opts);
  if (opts.resume && given.LLMDBENCH_CONTROL_WORK_DIR && resolve(given.LLMDBENCH_CONTROL_WORK_DIR) !== resolve(opts.resume)) {
    throw new LlmdbenchError('E_RESUME', `--resume ${opts.resume} and --workdir ${given.LLMDBENCH_CONTROL_WORK_DIR} name different work directories`, { hint: 'give only --resume <workdir>' });
  }
  const flags = opts.resume ? resumeFlags(resolve(opts.resume), given) : given;
  const config = await resolveConfig({ flags, env: process.env, cwd: process.cwd() });
  const env = runtimeEnv(process.env);
  const dryRun = opts.dryRun === true || config.get('LLMDBENCH_CONTROL_DRY_RUN') === '1';
  const skipRun = config.get('LLMDBENCH_HARNESS_SKIP_RUN') === '1';
  const tty = Boolean(process.stderr.isTTY);
  const display: ProgressDisplay | undefined = opts.quiet || opts.json || dryRun ? undefined : createProgressDisplay({ stream: process.stderr, tty });
  // -v sets LLMDBENCH_CONTROL_VERBOSE, and so can the environment or a scenario.
  const verbose = opts.verbose === true || config.get('LLMDBENCH_CONTROL_VERBOSE') === '1';
  const level = verbose ? 'debug' : opts.quiet ? 'warn' : 'info';
  const log = createLogger(level, display ? (s) => display.write(s) : (s) => process.stderr.write(s));

  const selection = selectPlatform(config);
  if (!selection.platform.clusterFlags) for (const w of kubernetesOnlyWarnings(opts)) log.warn(w);

  // -x: a local path must exist; it is fetched before the plan checks the data (not for -n / -z).
  await prepareDataset(config, log, !dryRun && !skipRun);

  // The one plan of this invocation: --dry-run prints it, the platform executes it.
  const workDir = dryRun ? config.get('LLMDBENCH_CONTROL_WORK_DIR') || WORKDIR_PLACEHOLDER : workDirFor(config);
  const plan = planOnce({ config, cwd: process.cwd(), workDir });

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
  // (-z runs no load on any platform: only the harness checks.)
  if (skipRun) {
    checkRunnable(plan);
    preflight(plan, log);
  } else {
    selection.platform.check(plan, config, log, { resume: opts.resume !== undefined });
    // One run, one folder: results of an earlier run are never appended to (--resume
    // continues a run on purpose: it keeps complete folders and moves the rest aside).
    if (opts.resume === undefined) checkFreshResults(plan);
  }
  for (const w of plan.warnings ?? []) log.warn(w);
  const shown = new Set<string>();
  for (const u of plan.units) {
    for (const i of u.issues) {
      const line = formatIssue(i as LocatedIssue, u.profileName);
      if (!shown.has(line)) log.warn(line);
      shown.add(line);
    }
  }
  for (const n of plan.notes) log.info(`note: ${n}`);
  for (const u of plan.units) log.debug(`unit: ${u.harness} ${u.profileName} model ${u.model} method ${u.method}${u.treatment ? ` treatment ${u.experimentId}` : ''}`);
  log.debug(`executor: ${selection.platform.kind} (${selection.reason})`);

  if (skipRun) {
    // -z: no load; analyse every result directory the work directory already holds.
    ensureWorkDir(workDir);
    log.info(`work directory: ${workDir}`);
    // A platform whose results live elsewhere (Kubernetes: the PVC) fetches them first.
    if (selection.platform.collectOnly) {
      const interrupts = installInterrupts(log);
      try {
        await selection.platform.collectOnly(plan, { log, signal: interrupts.stop, cancel: interrupts.cancel, args: ctx.argv.join(' '), version: packageVersion(), env });
      } finally {
        interrupts.dispose();
      }
    }
    const summaries = await reanalyze(workDir, { log });
    if (summaries.length === 0) log.warn(`-z: no results to analyse under ${join(workDir, 'results')}`);
    const report = await workDirReport(workDir, summaries.map((s) => ({ summary: s, resultsDir: join(workDir, 'results', s.name), analysisDir: join(workDir, 'analysis', s.name) })), log);
    process.stdout.write(opts.json ? `${JSON.stringify({ workDir, results: summaries, ...(report ? { report } : {}) }, null, 2)}\n` : formatFinalTable(summaries) + (report ? `\nreport: ${report}\n` : ''));
    return;
  }

  ensureWorkDir(workDir);
  log.info(`work directory: ${workDir}`);
  writeRunRecord(workDir, { version: packageVersion(), experimentId: config.get('LLMDBENCH_RUN_EXPERIMENT_ID') ?? '', flags });

  const interrupts = installInterrupts(log);
  let out: RunOutcome;
  try {
    out = await selection.platform.execute(plan, {
      log,
      signal: interrupts.stop,
      cancel: interrupts.cancel,
      ...(display ? { progress: (label, p) => display.update(label, p) } : {}),
      args: ctx.argv.join(' '),
      version: packageVersion(),
      env,
      retries: Number(config.get('LLMDBENCH_HARNESS_RETRIES') ?? '0'),
      resume: opts.resume !== undefined,
    });
  } finally {
    interrupts.dispose();
    display?.stop();
  }
  const summaries = out.units.flatMap((u) => (u.summary ? [u.summary] : []));
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
    process.stdout.write(`${JSON.stringify({ workDir: out.workDir, endpointUrl: out.endpointUrl, interrupted: out.interrupted, results, ...(report ? { report } : {}) }, null, 2)}\n`);
  } else {
    process.stdout.write(formatFinalTable(summaries));
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
