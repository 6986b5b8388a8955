/**
 * The `run` command's action: resolve the configuration, plan, check everything that needs no
 * network, execute on the platform, print the final table. Imported by run.ts only when `run` runs.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_SH_OPTIONS, runShOptionsToFlags, type RunShOptionValues } from '../run-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { createProgressDisplay, type ProgressDisplay } from '../progress/display.ts';
import { resolveConfig } from '../../config/resolve.ts';
import type { EffectiveConfig } from '../../config/types.ts';
import { buildPlan, WORKDIR_PLACEHOLDER } from '../../plan/build.ts';
import { formatPlan, formatPlanJson } from '../../plan/format.ts';
import { platforms } from '../../platform/registry.ts';
import { checkRunnable, preflight } from '../../platform/local/executor.ts';
import { installInterrupts } from '../../platform/local/signals.ts';
import { formatFinalTable } from '../../platform/local/table.ts';
import { analyzeResultDir } from '../../platform/local/analysis.ts';
import type { RunOutcome } from '../../platform/types.ts';
import { createLogger, type Logger } from '../../util/logger.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { fetchDatasetOnce } from '../../engine/datagen/index.ts';
import { formatIssue, type LocatedIssue } from '../../harness/validate.ts';

function packageVersion(): string {
  const p = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
}

/** A work directory: the configured one (created if needed), else a new temporary one. */
function workDirFor(config: EffectiveConfig): { dir: string; created: boolean } {
  const configured = config.get('LLMDBENCH_CONTROL_WORK_DIR');
  if (configured) {
    const dir = resolve(configured);
    mkdirSync(dir, { recursive: true });
    return { dir, created: false };
  }
  return { dir: mkdtempSync(join(tmpdir(), 'llmdbench-run-')), created: true };
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
    out.push(`${flag} has no effect on a local run (Kubernetes is not implemented yet)${extra}`);
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
export async function runAction(opts: RunShOptionValues & { quiet?: boolean; json?: boolean }): Promise<void> {
  const flags = runShOptionsToFlags(opts);
  const config = await resolveConfig({ flags, env: process.env, cwd: process.cwd() });
  const dryRun = opts.dryRun === true || config.get('LLMDBENCH_CONTROL_DRY_RUN') === '1';
  const tty = Boolean(process.stderr.isTTY);
  const display: ProgressDisplay | undefined = opts.quiet || opts.json || dryRun ? undefined : createProgressDisplay({ stream: process.stderr, tty });
  // -v sets LLMDBENCH_CONTROL_VERBOSE, and so can the environment or a scenario.
  const verbose = opts.verbose === true || config.get('LLMDBENCH_CONTROL_VERBOSE') === '1';
  const level = verbose ? 'debug' : opts.quiet ? 'warn' : 'info';
  const log = createLogger(level, display ? (s) => display.write(s) : (s) => process.stderr.write(s));

  for (const w of kubernetesOnlyWarnings(opts)) log.warn(w);

  if (dryRun) {
    // Nothing is contacted or written: the plan only (a local -x must still exist).
    await prepareDataset(config, log, false);
    const plan = buildPlan({ config, cwd: process.cwd() });
    process.stdout.write(opts.json ? formatPlanJson(plan) : formatPlan(plan));
    return;
  }

  // -x: the dataset is in place before the plan checks the data and before the simulator starts
  // (-z generates no load: a local path is still checked, nothing is fetched).
  await prepareDataset(config, log, config.get('LLMDBENCH_HARNESS_SKIP_RUN') !== '1');

  // Every problem that needs no network is found before anything starts.
  const probe = buildPlan({ config, cwd: process.cwd(), workDir: config.get('LLMDBENCH_CONTROL_WORK_DIR') || WORKDIR_PLACEHOLDER });
  checkRunnable(probe);
  preflight(probe, log);
  for (const w of probe.warnings ?? []) log.warn(w);
  const shown = new Set<string>();
  for (const u of probe.units) {
    for (const i of u.issues) {
      const line = formatIssue(i as LocatedIssue, u.profileName);
      if (!shown.has(line)) log.warn(line);
      shown.add(line);
    }
  }
  for (const n of probe.notes) log.info(`note: ${n}`);
  for (const u of probe.units) log.debug(`unit: ${u.harness} ${u.profileName} model ${u.model} method ${u.method}${u.treatment ? ` treatment ${u.experimentId}` : ''}`);

  const wd = workDirFor(config);
  log.info(`work directory: ${wd.dir}`);
  const plan = buildPlan({ config, cwd: process.cwd(), workDir: wd.dir });

  if (config.get('LLMDBENCH_HARNESS_SKIP_RUN') === '1') {
    // -z: no load; analyse every result directory the work directory already holds.
    const summaries = [];
    const resultsRoot = join(wd.dir, 'results');
    for (const name of existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []) {
      const analysisDir = join(wd.dir, 'analysis', name);
      mkdirSync(analysisDir, { recursive: true });
      const meta = join(resultsRoot, name, 'run_metadata.yaml');
      const complete = !existsSync(meta) || !/^complete: false$/m.test(readFileSync(meta, 'utf8'));
      const s = await analyzeResultDir(name, join(resultsRoot, name), analysisDir, complete);
      if (s) summaries.push(s);
    }
    if (summaries.length === 0) log.warn(`-z: no results to analyse under ${resultsRoot}`);
    process.stdout.write(opts.json ? `${JSON.stringify({ workDir: wd.dir, results: summaries }, null, 2)}\n` : formatFinalTable(summaries));
    return;
  }

  const interrupts = installInterrupts(log);
  let out: RunOutcome;
  try {
    out = await platforms.get('local').execute(plan, {
      log,
      signal: interrupts.stop,
      cancel: interrupts.cancel,
      ...(display ? { progress: (label, p) => display.update(label, p) } : {}),
      args: process.argv.slice(2).join(' '),
      version: packageVersion(),
      replan: (endpointUrl) => buildPlan({ config, cwd: process.cwd(), workDir: wd.dir, endpointUrl }),
    });
  } finally {
    interrupts.dispose();
    display?.stop();
  }
  const summaries = out.units.flatMap((u) => (u.summary ? [u.summary] : []));
  if (opts.json) {
    const results = out.units.map((u) => ({
      resultsDir: u.resultsDir,
      analysisDir: u.analysisDir,
      complete: u.complete,
      rc: u.rc,
      ...(u.error ? { error: u.error } : {}),
      summary: u.summary ?? null,
    }));
    process.stdout.write(`${JSON.stringify({ workDir: out.workDir, endpointUrl: out.endpointUrl, interrupted: out.interrupted, results }, null, 2)}\n`);
  } else {
    process.stdout.write(formatFinalTable(summaries));
    process.stdout.write(`\nresults: ${join(out.workDir, 'results')}\nanalysis: ${join(out.workDir, 'analysis')}\n`);
  }
  if (out.interrupted) log.warn('the run was interrupted: results written so far are kept and marked incomplete');
  process.exitCode = exitCodeOf(out);
}
