/**
 * The library: `plan`, `render`, `run`, `analyze` with typed options and results, over the same
 * session steps the CLI uses (session.ts). A program gets data back, never printed output, and
 * stops a run with an AbortSignal as the CLI does with Ctrl-C. Errors are LlmdbenchError (code,
 * message, hint, location), thrown before anything starts.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { reanalyze } from '../analysis/analyze.ts';
import type { HarnessProgress } from '../harness/types.ts';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import type { RunPlan } from '../plan/types.ts';
import type { ProfileIssue } from '../util/issues.ts';
import { createLogger, type LogLevel } from '../util/logger.ts';
import { optionsToFlags, type BenchmarkOptions } from './options.ts';
import { checkRun, collectAndReanalyze, executeRun, planRun, resolveSettings, workDirReport } from './session.ts';

export interface PlanResult {
  plan: RunPlan;
  /** Where it would run, and why (`local`, `kubernetes`). */
  executor: string;
  executorReason: string;
}

export interface RenderedProfile {
  harness: string;
  /** File name, e.g. `sanity_random.yaml` or `sanity_random_treatment_run_1.yaml`. */
  profileName: string;
  model: string;
  treatment?: string;
  /** The rendered, overridden profile text. */
  text: string;
  /** Validation warnings (errors throw). */
  issues: ProfileIssue[];
}

export interface RunControl {
  /** Stops sending; in-flight requests get the grace period; what finished is written (incomplete). */
  signal?: AbortSignal;
  /** Cancels in-flight requests at once. */
  cancel?: AbortSignal;
  /** Log lines (default: none). */
  onLog?: (line: string) => void;
  logLevel?: LogLevel;
  /** Live progress per result directory. */
  onProgress?: (resultDir: string, p: HarnessProgress) => void;
  /** --resume <workdir>: finish an earlier run there. */
  resume?: string;
}

export interface UnitResult {
  resultsDir: string;
  analysisDir: string;
  complete: boolean;
  /** Harness return code (0: ran to the end). */
  rc: number;
  resumed: boolean;
  error?: string;
  /** The ten seed metrics; null when no request was recorded. */
  summary: ResultSummary | null;
}

export interface RunResult {
  workDir: string;
  endpointUrl: string;
  interrupted: boolean;
  /** Every unit ran to the end without a harness error and had at least one successful request. */
  ok: boolean;
  /** The work directory's HTML report (absent when interrupted). */
  report?: string;
  units: UnitResult[];
}

const never = new AbortController().signal;

async function planned(options: BenchmarkOptions, dryRun: boolean, resume?: string, onLog?: (l: string) => void, level: LogLevel = 'info') {
  const flags = optionsToFlags(options);
  if (dryRun) flags.LLMDBENCH_CONTROL_DRY_RUN = '1';
  const s = await resolveSettings({ flags, env: options.env ?? process.env, cwd: options.cwd ?? process.cwd(), ...(resume ? { resume } : {}) });
  const log = createLogger(onLog ? level : 'silent', onLog ?? (() => {}));
  return { p: await planRun(s, log), log };
}

/** The plan a run would execute (contacts nothing, writes nothing). */
export async function plan(options: BenchmarkOptions = {}): Promise<PlanResult> {
  const { p } = await planned(options, true);
  return { plan: p.plan, executor: p.selection.platform.kind, executorReason: p.selection.reason };
}

/** The rendered profiles of every unit (REPLACE_ENV tokens, treatments, overrides), validated. */
export async function render(options: BenchmarkOptions = {}): Promise<RenderedProfile[]> {
  const { p } = await planned(options, true);
  return p.plan.units.map((u) => ({
    harness: u.harness,
    profileName: u.profileName,
    model: u.model,
    ...(u.treatment !== undefined ? { treatment: u.treatment } : {}),
    text: u.profileText,
    issues: u.issues,
  }));
}

/** Run the benchmark: every unit on the chosen platform, results written and analysed in the work directory. */
export async function run(options: BenchmarkOptions & RunControl = {}): Promise<RunResult> {
  const { p, log } = await planned(options, false, options.resume, options.onLog, options.logLevel);
  checkRun(p, log);
  const hooks = {
    log,
    signal: options.signal ?? never,
    ...(options.cancel ? { cancel: options.cancel } : {}),
    ...(options.onProgress ? { progress: options.onProgress } : {}),
    args: 'llmdbench library run',
  };
  if (p.skipRun) {
    const summaries = await collectAndReanalyze(p, hooks);
    return { workDir: p.workDir, endpointUrl: '', interrupted: false, ok: summaries.length > 0, units: summaries.map((s) => ({ resultsDir: join(p.workDir, 'results', s.name), analysisDir: join(p.workDir, 'analysis', s.name), complete: s.complete, rc: s.complete ? 0 : 1, resumed: false, summary: s })) };
  }
  const out = await executeRun(p, hooks);
  // A result file could not be written (a full disk): what fitted is on disk; the error says where and why.
  const writeError = out.units.find((u) => u.writeError)?.writeError;
  if (writeError) throw writeError;
  const units = out.units.map((u) => ({
    resultsDir: u.resultsDir,
    analysisDir: u.analysisDir,
    complete: u.complete,
    rc: u.rc,
    resumed: u.resumed === true,
    ...(u.error !== undefined ? { error: u.error } : {}),
    summary: u.summary ?? null,
  }));
  const ok = !out.interrupted && units.every((u) => u.rc === 0 && u.error === undefined && (u.summary?.requests.succeeded ?? 0) > 0);
  const report = await workDirReport(out.workDir, out.units.flatMap((u) => (u.summary ? [{ summary: u.summary, resultsDir: u.resultsDir, analysisDir: u.analysisDir }] : [])), log, out.interrupted);
  return { workDir: out.workDir, endpointUrl: out.endpointUrl, interrupted: out.interrupted, ok, units, ...(report ? { report } : {}) };
}

/**
 * Analyse results again: a work directory (every result directory under `results/`), or one
 * result directory (`<workdir>/results/<name>`, analysed into `<workdir>/analysis/<name>`).
 */
export async function analyze(dir: string, options: { onLog?: (line: string) => void } = {}): Promise<ResultSummary[]> {
  const log = createLogger(options.onLog ? 'info' : 'silent', options.onLog ?? (() => {}));
  const d = resolve(dir);
  if (existsSync(join(d, 'results'))) return reanalyze(d, { log });
  return reanalyze(dirname(dirname(d)), { log, names: [basename(d)] });
}
