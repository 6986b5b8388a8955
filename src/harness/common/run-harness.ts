/**
 * The harness-neutral half of running a harness on our engine, for one result directory:
 * the harness's `prepare` maps its profile onto the engine; this runs the load with the shared
 * parts (records.jsonl streamed as requests finish, progress counting, the interrupt grace
 * period, the stage hooks), then lets the harness write its native files and writes
 * loadgen_health.json. Every harness runs through here; none copies it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from '../../engine/loadgen/run-load.ts';
import type { LoadResult } from '../../engine/loadgen/types.ts';
import { HEALTH_FILE, RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { clockAnchor } from '../../util/clock.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { HarnessPlugin, HarnessRunContext, HarnessRunOutcome } from '../types.ts';
import { defaultHealth } from './health.ts';
import { progressCounter } from './progress.ts';

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
  const job = await plugin.prepare(ctx);
  if (job.stages.length === 0) {
    // A harness that sends no load (nop): no engine, no records.jsonl, no loadgen_health.json.
    await job.close?.();
    const files = [...(job.files ?? []), ...(await job.writeOutputs(noLoadResult(ctx.signal.aborted)))];
    return { complete: !ctx.signal.aborted, files };
  }
  if (!job.engine) throw new LlmdbenchError('E_HARNESS_NO_ENGINE', `harness "${plugin.kind}" planned stages but no engine options`, { kind: 'internal' });
  const counter = progressCounter(job.stages);
  let result: LoadResult;
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
    await job.close?.();
  }
  const files = [...(job.files ?? []), ...(await job.writeOutputs(result)), RECORDS_FILE];
  const health = job.health ? job.health(result) : defaultHealth(result);
  writeFileSync(join(ctx.resultsDir, HEALTH_FILE), `${JSON.stringify(health, null, 2)}\n`);
  files.push(HEALTH_FILE);
  for (const n of (health.notes as string[] | undefined) ?? []) ctx.log.info(`note: ${n}`);
  return { complete: !result.aborted, files };
}
