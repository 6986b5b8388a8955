/**
 * One `run` invocation, in the steps the CLI and the library share: resolve the settings (with
 * --resume's stored flags), plan ONCE (the dataset put in place first), check everything that
 * needs no network, then execute on the chosen platform — or, for -z, collect and re-analyse.
 * Neither the CLI nor a library user repeats this sequence; they differ only in how they show
 * progress, stop the run and print the outcome.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../config/resolve.ts';
import { runtimeEnv, type RuntimeEnv } from '../config/runtime-env.ts';
import type { EffectiveConfig } from '../config/types.ts';
import { buildPlan, loadPlanHarness, WORKDIR_PLACEHOLDER, type BuildPlanOptions } from '../plan/build.ts';
import type { RunPlan } from '../plan/types.ts';
import { selectPlatform, type PlatformSelection } from '../platform/select.ts';
import type { ExecuteOptions, RunOutcome } from '../platform/types.ts';
import { checkFreshResults, checkRunnable, preflight } from '../run/checks.ts';
import { resumeFlags, writeRunRecord } from '../run/run-record.ts';
import { sloOption } from '../analysis/slo-option.ts';
import type { WorkDirResult } from '../analysis/reporters/types.ts';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import { formatIssue, type LocatedIssue } from '../harness/validate.ts';
import { LlmdbenchError } from '../util/errors.ts';
import { mkdirCause } from '../util/files.ts';
import type { Logger } from '../util/logger.ts';
import { prepareDataset } from './dataset.ts';
import { packageVersion } from './version.ts';

/** Counts buildPlan calls (a test asserts one per invocation). */
export const planCalls = { count: 0 };
function planOnce(opts: BuildPlanOptions): RunPlan {
  planCalls.count++;
  return buildPlan(opts);
}

export interface SettingsInput {
  /** LLMDBENCH_* values set by flags (or by the library's options). */
  flags: Record<string, string>;
  /** The environment (LLMDBENCH_* variables, HF token...). */
  env: Record<string, string | undefined>;
  cwd: string;
  /** --resume <workdir>: reuse that run's flags and experiment id. */
  resume?: string;
}

export interface Settings {
  config: EffectiveConfig;
  /** The flags in force (the first run's under --resume, then those given now). */
  flags: Record<string, string>;
  env: RuntimeEnv;
  cwd: string;
  resume?: string;
  dryRun: boolean;
  skipRun: boolean;
}

export async function resolveSettings(input: SettingsInput): Promise<Settings> {
  const given = input.flags;
  if (input.resume && given.LLMDBENCH_CONTROL_WORK_DIR && resolve(given.LLMDBENCH_CONTROL_WORK_DIR) !== resolve(input.resume)) {
    throw new LlmdbenchError('E_RESUME', `--resume ${input.resume} and --workdir ${given.LLMDBENCH_CONTROL_WORK_DIR} name different work directories`, { hint: 'give only --resume <workdir>' });
  }
  const flags = input.resume ? resumeFlags(resolve(input.resume), given) : given;
  const config = await resolveConfig({ flags, env: input.env, cwd: input.cwd });
  return {
    config,
    flags,
    env: runtimeEnv(input.env),
    cwd: input.cwd,
    ...(input.resume ? { resume: input.resume } : {}),
    dryRun: config.get('LLMDBENCH_CONTROL_DRY_RUN') === '1',
    skipRun: config.get('LLMDBENCH_HARNESS_SKIP_RUN') === '1',
  };
}

export interface PlannedRun extends Settings {
  plan: RunPlan;
  selection: PlatformSelection;
  /** The work directory (a new temporary path when none is configured; created by executeRun). */
  workDir: string;
}

/** The work directory's path: the configured one, else a new temporary one (created only once the plan holds). */
function workDirFor(config: EffectiveConfig): string {
  const configured = config.get('LLMDBENCH_CONTROL_WORK_DIR');
  if (configured) return resolve(configured);
  return join(tmpdir(), `llmdbench-run-${randomBytes(4).toString('hex')}`);
}

/** Put the dataset in place (-x) and build the one plan; nothing contacted under --dry-run. */
export async function planRun(s: Settings, log: Logger): Promise<PlannedRun> {
  // Plugins load on demand: only the selected platform and the plan's harness (start-up).
  const [selection] = await Promise.all([selectPlatform(s.config), loadPlanHarness({ config: s.config })]);
  await prepareDataset(s.config, log, !s.dryRun && !s.skipRun);
  const workDir = s.dryRun ? s.config.get('LLMDBENCH_CONTROL_WORK_DIR') || WORKDIR_PLACEHOLDER : workDirFor(s.config);
  const plan = planOnce({ config: s.config, cwd: s.cwd, workDir });
  return { ...s, plan, selection, workDir };
}

/**
 * Every problem that needs no network, found before anything starts (-z: only the harness
 * checks, it runs no load), and the plan's warnings and notes logged once each.
 */
export function checkRun(p: PlannedRun, log: Logger): void {
  if (p.skipRun) {
    checkRunnable(p.plan);
    preflight(p.plan, log);
  } else {
    p.selection.platform.check(p.plan, p.config, log, { resume: p.resume !== undefined });
    // One run, one folder: results of an earlier run are never appended to (--resume
    // continues a run on purpose: it keeps complete folders and moves the rest aside).
    if (p.resume === undefined) checkFreshResults(p.plan);
  }
  for (const w of p.plan.warnings ?? []) log.warn(w);
  const shown = new Set<string>();
  for (const u of p.plan.units) {
    for (const i of u.issues) {
      const line = formatIssue(i as LocatedIssue, u.profileName);
      if (!shown.has(line)) log.warn(line);
      shown.add(line);
    }
  }
  for (const n of p.plan.notes) log.info(`note: ${n}`);
  for (const u of p.plan.units) log.debug(`unit: ${u.harness} ${u.profileName} model ${u.model} method ${u.method}${u.treatment ? ` treatment ${u.experimentId}` : ''}`);
  log.debug(`executor: ${p.selection.platform.kind} (${p.selection.reason})`);
}

/** What execute needs besides the plan: where logs go, the stop signals, progress, our command line. */
export type RunHooks = Pick<ExecuteOptions, 'log' | 'signal' | 'cancel' | 'progress'> & { args: string };

function makeWorkDir(workDir: string): void {
  try {
    mkdirSync(workDir, { recursive: true });
  } catch (e) {
    throw new LlmdbenchError('E_WORKDIR', `cannot create the work directory ${workDir}: ${mkdirCause(workDir, e)}`, { kind: 'environment', cause: e, hint: 'choose a writable directory with --workdir or LLMDBENCH_CONTROL_WORK_DIR' });
  }
}

/** Create the work directory, record the run (for --resume) and execute the plan on its platform. */
export async function executeRun(p: PlannedRun, hooks: RunHooks): Promise<RunOutcome> {
  makeWorkDir(p.workDir);
  hooks.log.info(`work directory: ${p.workDir}`);
  writeRunRecord(p.workDir, { version: packageVersion(), experimentId: p.config.get('LLMDBENCH_RUN_EXPERIMENT_ID') ?? '', flags: p.flags });
  return p.selection.platform.execute(p.plan, {
    ...hooks,
    version: packageVersion(),
    env: p.env,
    retries: Number(p.config.get('LLMDBENCH_HARNESS_RETRIES') ?? '0'),
    resume: p.resume !== undefined,
  });
}

/** -z: no load; a platform whose results live elsewhere (Kubernetes: the PVC) collects first, then every result directory is re-analysed. */
export async function collectAndReanalyze(p: PlannedRun, hooks: RunHooks): Promise<ResultSummary[]> {
  makeWorkDir(p.workDir);
  hooks.log.info(`work directory: ${p.workDir}`);
  if (p.selection.platform.collectOnly) await p.selection.platform.collectOnly(p.plan, { ...hooks, version: packageVersion(), env: p.env });
  // The analysis (plots, reports) is loaded when needed, not before the first request (start-up).
  const { reanalyze } = await import('../analysis/analyze.ts');
  return reanalyze(p.workDir, { log: hooks.log, ...sloOption(p.config) });
}

/** The work directory's own reports (report.html over every result, the Pareto plot); skipped when interrupted (-z draws them). Returns the HTML path. */
export async function workDirReport(workDir: string, results: WorkDirResult[], log: Logger, interrupted = false): Promise<string | undefined> {
  if (interrupted) {
    log.info(`plots and HTML report skipped (interrupted): \`llmdbench run -z --workdir ${workDir}\` draws them`);
    return undefined;
  }
  const { reportWorkDir } = await import('../analysis/reporters/registry.ts');
  const files = await reportWorkDir({ workDir, results, log });
  return files.html?.[0];
}
