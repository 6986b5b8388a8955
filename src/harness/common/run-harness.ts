/**
 * The harness-neutral half of running a harness on our engine, for one result directory:
 * the harness's `prepare` maps its profile onto the engine; this runs the load with the shared
 * parts (records.jsonl streamed as requests finish, progress counting, the interrupt grace
 * period, the stage hooks), then lets the harness write its native files and writes
 * loadgen_health.json. Every harness runs through here; none copies it.
 */
import { join } from 'node:path';
import { runLoad } from '../../engine/loadgen/run-load.ts';
import type { LoadResult } from '../../engine/loadgen/types.ts';
import { RecordColumns } from '../../engine/loadgen/columns.ts';
import { HEALTH_FILE, RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { clockAnchor, clockDomain } from '../../util/clock.ts';
import { isLlmdbenchError, LlmdbenchError } from '../../util/errors.ts';
import { throwIfInterrupted } from '../../util/interrupt.ts';
import { writeFailure, writeFileAtomic } from '../../util/files.ts';
import type { HarnessPlugin, HarnessRunContext, HarnessRunOutcome } from '../types.ts';
import { defaultHealth } from './health.ts';
import { progressCounter } from './progress.ts';
import { failureWatch } from './failure-watch.ts';
import { inferencePerfDefinitions } from '../../metrics/definition-set.ts';

/** How long in-flight requests may finish after Ctrl-C / SIGTERM before they are cancelled. */
export const GRACE_MS = 5000;
/** How often the progress display is fed. */
export const PROGRESS_INTERVAL_MS = 250;

export { HEALTH_FILE, RECORDS_FILE };

/** records.jsonl of a result directory. */
export const recordsPath = (resultsDir: string): string => join(resultsDir, RECORDS_FILE);

/** The LoadResult of a harness that sent nothing. */
export function noLoadResult(aborted: boolean): LoadResult {
  const now = Date.now();
  return {
    records: [],
    columns: new RecordColumns(),
    stages: [],
    health: { threads: [], cpu: { userMs: 0, systemMs: 0, wallMs: 0, utilisation: 0, cores: 0 }, maxInFlight: 0, samples: [], workers: 0 },
    aborted,
    clock: clockAnchor(),
    startMs: now,
    endMs: now,
  };
}

/** Run `plugin` for one result directory. Throws E_HARNESS_NOT_RUNNABLE for a harness without `prepare`. */
export async function runHarness(plugin: HarnessPlugin, ctx: HarnessRunContext): Promise<HarnessRunOutcome> {
  if (!plugin.prepare) {
    throw new LlmdbenchError('E_HARNESS_NOT_RUNNABLE', `harness "${plugin.kind}" cannot run yet in llmdbench`, { hint: 'choose another harness with -l' });
  }
  throwIfInterrupted(ctx.signal, 'planning');
  const job = await plugin.prepare(ctx);
  if (ctx.signal.aborted) {
    // Ctrl-C while the harness was planning: stop before the first request.
    await job.close?.();
    throwIfInterrupted(ctx.signal, 'planning');
  }
  if (job.stages.length === 0) {
    // A harness that sends no load (nop): no engine, no records.jsonl, no loadgen_health.json.
    await job.close?.();
    const files = [...(job.files ?? []), ...(await job.writeOutputs(noLoadResult(ctx.signal.aborted)))];
    return { complete: !ctx.signal.aborted, files };
  }
  if (!job.engine) throw new LlmdbenchError('E_HARNESS_NO_ENGINE', `harness "${plugin.kind}" planned stages but no engine options`, { kind: 'internal' });
  const counter = progressCounter(job.stages);
  const watch = failureWatch(ctx.log, plugin.definitions?.failureLabel ?? inferencePerfDefinitions.failureLabel);
  let result: LoadResult;
  let closeError: unknown;
  try {
    result = await runLoad({
      ...job.engine,
      stages: job.stages.map((s) => s.plan),
      signal: ctx.signal,
      ...(ctx.cancel ? { cancelSignal: ctx.cancel } : {}),
      graceMs: GRACE_MS,
      recordsPath: recordsPath(ctx.resultsDir),
      onRecord: (rec) => {
        counter.record(rec);
        watch.record(rec);
        job.onRecord?.(rec);
      },
      onStageStart: (plan) => {
        counter.stageStarted(plan.stage);
        job.onStageStart?.(plan.stage);
      },
      onStageEnd: (run) => job.onStageEnd?.(run.stage, ctx.signal.aborted),
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      ...(ctx.progress ? { onProgress: (p) => ctx.progress!(counter.snapshot(p)) } : {}),
    });
  } finally {
    watch.stop();
    // A result file the harness streams could not be written: the load result still is.
    closeError = await closeJob(job);
  }
  // After a write failure (a full disk) every file is still tried: whatever fits is written.
  if (closeError !== undefined && !isWriteError(closeError)) throw closeError;
  let writeError: LlmdbenchError | undefined = result.writeError ? writeFailure(result.writeError.path, result.writeError.error) : closeError;
  const files = [...(job.files ?? []), RECORDS_FILE];
  try {
    files.push(...(await job.writeOutputs(result)));
  } catch (e) {
    if (!isWriteError(e)) throw e;
    writeError ??= e;
  }
  const health = job.health ? job.health(result) : defaultHealth(result);
  try {
    // The run's clock anchor: -j N merges align generators (pods on other nodes) on it.
    const clock = { mono_ms: result.clock.monoMs, epoch_ms: result.clock.epochMs, domain: clockDomain() };
    writeFileAtomic(join(ctx.resultsDir, HEALTH_FILE), `${JSON.stringify({ ...health, clock }, null, 2)}\n`);
    files.push(HEALTH_FILE);
  } catch (e) {
    writeError ??= writeFailure(join(ctx.resultsDir, HEALTH_FILE), e);
  }
  for (const n of (health.notes as string[] | undefined) ?? []) ctx.log.info(`note: ${n}`);
  return { complete: !result.aborted && writeError === undefined, files, ...(writeError ? { writeError } : {}) };
}

/** Close the harness's job; the error it threw, if any (never throws). */
async function closeJob(job: { close?: () => void | Promise<void> }): Promise<unknown> {
  try {
    await job.close?.();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** A failed write of a result file: E_WRITE, or a file-system error code from node:fs. */
function isWriteError(e: unknown): e is LlmdbenchError {
  return isLlmdbenchError(e) && e.code === 'E_WRITE';
}
