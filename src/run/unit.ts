/**
 * One result directory, harness-neutral, the same for every harness and platform that runs the
 * harness in this process: copy the rendered profile in as `<workload>.yaml`, run the harness
 * through the shared glue (runHarness), write run_metadata.yaml (harness_args as upstream's pod
 * writes it, our command line apart), analyse with the harness's definitions, and write the
 * completion marker LAST, only when the unit finished (a resume skips exactly those).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { basename, join } from 'node:path';
import { definitionsFor } from '../analysis/definitions.ts';
import { sloOption } from '../analysis/slo-option.ts';
import { COMPLETE_MARKER } from '../analysis/marker.ts';
import { deltaString, isoSeconds, writeRunMetadata } from '../analysis/metadata.ts';
import type { RuntimeEnv } from '../config/runtime-env.ts';
import { runHarness } from '../harness/common/run-harness.ts';
import { harnesses } from '../harness/registry.ts';
import type { HarnessProgress } from '../harness/types.ts';
import type { ServerLogReader } from '../harness/server-log.ts';
import type { RunUnit } from '../plan/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import { isInterrupted } from '../util/interrupt.ts';
import type { Logger } from '../util/logger.ts';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import { endpointTargets, startScraper, type ScrapeTarget, type Scraper } from './monitor/scraper.ts';
import { METRICS_DIR } from '../analysis/monitoring.ts';

/** Written last into a result directory that finished; its absence means "run it again". */
export { COMPLETE_MARKER };

/** What happened to one result directory (one unit × parallelism index). */
export interface UnitOutcome {
  unit: RunUnit;
  resultsDir: string;
  analysisDir: string;
  /** False when interrupted or when the harness could not finish. */
  complete: boolean;
  /** Harness return code as written to run_metadata.yaml (0 = ran to the end). */
  rc: number;
  /** The ten-metric summary, undefined when the harness produced no records. */
  summary?: ResultSummary;
  error?: string;
  /** Under --resume: completed by an earlier run and not run again. */
  resumed?: boolean;
  /** A result file could not be written (E_WRITE, an environment problem: exit 3). */
  writeError?: LlmdbenchError;
}

/** Which attempt of a result directory this is (src/run/attempts.ts). */
export interface AttemptInfo {
  /** 1-based. */
  attempt: number;
  /** Attempts allowed (1 + retries). */
  of: number;
  /** Folders the earlier attempts were moved to. */
  failedAttempts: string[];
}

/** The completion marker's content. */
export interface Completion {
  complete: true;
  /** The unit succeeded (ran to the end, no harness error, at least one request succeeded). */
  ok: boolean;
  attempt: number;
  finished: string;
}

export interface UnitRunOptions {
  log: Logger;
  /** Aborted by the first Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Aborted by the second: cancel in-flight requests now. */
  cancel?: AbortSignal;
  /** Live progress; `label` is the result directory's name. */
  progress?: (label: string, p: HarnessProgress) => void;
  /** Our own command line, recorded as `llmdbench_args` in run_metadata.yaml. */
  args: string;
  /** llmdbench version, for harness_version. */
  version: string;
  /** Environment values read once in src/config. */
  env: RuntimeEnv;
  /** The serving engine's log, when the platform has it (the embedded simulator's start-up log); given to the harness as `serverLog`. */
  serverLog?: ServerLogReader;
  /** Monitoring (-f) targets the platform knows (Kubernetes: the serving pods); default: the endpoint's metrics path. */
  metricsTargets?: ScrapeTarget[];
}

/** -f: start scraping the stack's metrics into <resultsDir>/metrics (undefined when monitoring is off). */
function startMonitoring(unit: RunUnit, endpointUrl: string, resultsDir: string, opts: UnitRunOptions): Scraper | undefined {
  if (unit.config.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED') !== 'true') return undefined;
  const intervalS = Number(unit.config.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL') ?? '15');
  const targets = opts.metricsTargets ?? endpointTargets([endpointUrl], unit.config.get('LLMDBENCH_VLLM_MONITORING_METRICS_PATH') || '/metrics');
  return startScraper({ targets, intervalMs: (intervalS > 0 ? intervalS : 15) * 1000, dir: join(resultsDir, METRICS_DIR) });
}

/** Is this result directory complete (its marker written)? */
export function isUnitComplete(resultsDir: string): boolean {
  return existsSync(join(resultsDir, COMPLETE_MARKER));
}

/** The completion marker, or undefined when absent or unreadable (a torn marker counts as absent). */
export function readCompletion(resultsDir: string): Completion | undefined {
  try {
    const c = JSON.parse(readFileSync(join(resultsDir, COMPLETE_MARKER), 'utf8')) as Partial<Completion>;
    // Markers written before `ok` existed: complete meant ran to the end.
    return c.complete === true ? { complete: true, ok: c.ok !== false, attempt: c.attempt ?? 1, finished: c.finished ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run `unit` (endpoint already bound) into its `index`-th result directory against `endpointUrl`.
 * Faults during the load are data (recorded, counted); a usage/environment error before any
 * load (bad profile, data needing the network) is thrown.
 */
export async function runUnit(unit: RunUnit, index: number, endpointUrl: string, opts: UnitRunOptions, attempt?: AttemptInfo): Promise<UnitOutcome> {
  const resultsDir = unit.resultsDirs[index]!;
  const analysisDir = unit.analysisDirs[index]!;
  const name = basename(resultsDir);
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(analysisDir, { recursive: true });
  const profileCopy = join(resultsDir, unit.profileName);
  writeFileAtomic(profileCopy, unit.profileText);
  const plugin = await harnesses.load(unit.harness);
  const startMs = Date.now();
  let complete = false;
  let rc = 1;
  let error: string | undefined;
  // The first result file that could not be written (a full disk): the unit is incomplete.
  let writeError: LlmdbenchError | undefined;
  const noteWriteError = (e: LlmdbenchError): void => {
    writeError ??= e;
  };
  opts.log.info(`running ${unit.harness} ${unit.profileName} (model ${unit.model}${unit.treatment ? `, treatment ${unit.treatment}` : ''}) -> ${resultsDir}`);
  const scraper = startMonitoring(unit, endpointUrl, resultsDir, opts);
  await scraper?.first; // the baseline snapshot precedes the load
  try {
    const out = await runHarness(plugin, {
      profile: unit.profile,
      profileText: unit.profileText,
      profileName: unit.profileName,
      endpointUrl,
      model: unit.model,
      resultsDir,
      config: unit.config,
      env: opts.env,
      signal: opts.signal,
      ...(opts.cancel ? { cancel: opts.cancel } : {}),
      log: opts.log,
      ...(opts.serverLog ? { serverLog: opts.serverLog } : {}),
      ...(opts.progress ? { progress: (p: HarnessProgress) => opts.progress!(name, p) } : {}),
    });
    if (out.writeError) noteWriteError(out.writeError);
    complete = out.complete && !opts.signal.aborted && writeError === undefined;
    rc = complete ? 0 : 1;
  } catch (e) {
    if (e instanceof LlmdbenchError && e.kind !== 'internal') {
      await scraper?.stop();
      // Ctrl-C while planning: nothing was sent, so the folders made for this run go (no leftover).
      if (isInterrupted(e)) for (const d of [resultsDir, analysisDir]) rmSync(d, { recursive: true, force: true });
      throw e;
    }
    error = e instanceof Error ? e.message : String(e);
    opts.log.error(`${name}: ${error}`);
  }
  if (scraper) {
    const rep = await scraper.stop();
    for (const w of rep.warnings) opts.log.warn(`${name}: ${w}`);
    try {
      writeFileSync(join(resultsDir, METRICS_DIR, 'scrape_report.json'), `${JSON.stringify(rep, null, 2)}\n`);
    } catch (e) {
      opts.log.warn(`${name}: could not write the metrics scrape report: ${(e as Error).message}`);
    }
  }
  const stopMs = Date.now();
  const metadata = {
    harness_start: isoSeconds(startMs),
    harness_stop: isoSeconds(stopMs),
    harness_delta: deltaString((stopMs - startMs) / 1000),
    harness_args: `--config_file ${profileCopy}`,
    llmdbench_args: opts.args,
    harness_version: `llmdbench ${opts.version}`,
    harness_name: unit.harness,
    harness_workload: unit.profileName,
    harness_rc: rc,
    experiment_id: unit.experimentId,
    model: unit.model,
    endpoint_url: endpointUrl,
    namespace: unit.config.get('LLMDBENCH_HARNESS_NAMESPACE') ?? '',
    description_text: `${unit.model} [${unit.experimentId}]`,
    description_keywords: '',
    stack_name: unit.stackName,
    method: unit.method,
    treatment: unit.treatment ?? null,
    complete,
    duration_seconds: (stopMs - startMs) / 1000,
    ...(attempt ? { attempt: attempt.attempt, attempts_allowed: attempt.of, failed_attempts: attempt.failedAttempts } : {}),
  };
  try {
    writeRunMetadata(resultsDir, metadata);
  } catch (e) {
    if (!(e instanceof LlmdbenchError && e.code === 'E_WRITE')) throw e;
    noteWriteError(e);
  }
  // Loaded after the load, not before the first request (start-up).
  const { analyzeResultDir } = await import('../analysis/analyze.ts');
  const summary = await analyzeResultDir(name, resultsDir, analysisDir, complete, {
    definitions: await definitionsFor(unit.harness),
    log: opts.log,
    ...sloOption(unit.config),
    // Interrupted: exit fast with the summary; `-z` draws the plots and the HTML report later.
    quick: opts.signal.aborted,
    onWriteError: noteWriteError,
    ...(attempt && (attempt.attempt > 1 || attempt.failedAttempts.length > 0) ? { attempt: { number: attempt.attempt, failedAttempts: attempt.failedAttempts } } : {}),
  });
  if (summary?.loadgen_health?.client_bottleneck) {
    const h = summary.loadgen_health;
    const verdict = h.verdict || 'the load generator itself was the bottleneck; these numbers understate the server';
    opts.log.warn(`${name}: ${verdict}: ${h.warnings.join('; ')}`);
  }
  if (complete && writeError === undefined) {
    const ok = error === undefined && summary !== undefined && summary.requests.succeeded > 0;
    const marker: Completion = { complete: true, ok, attempt: attempt?.attempt ?? 1, finished: new Date(stopMs).toISOString() };
    try {
      writeFileAtomic(join(resultsDir, COMPLETE_MARKER), `${JSON.stringify(marker)}\n`);
    } catch (e) {
      noteWriteError(e as LlmdbenchError);
    }
  }
  if (writeError) {
    complete = false;
    if (summary) summary.complete = false;
    opts.log.error(`${name}: ${writeError.message}`);
  }
  return {
    unit,
    resultsDir,
    analysisDir,
    complete,
    rc,
    ...(summary ? { summary } : {}),
    ...(error ? { error } : {}),
    ...(writeError ? { writeError } : {}),
  };
}
