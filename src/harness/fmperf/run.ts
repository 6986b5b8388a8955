/**
 * The fmperf harness on our engine: fmperf's LMBenchmarkWorkload profile → the LMBenchmark
 * scenario runs (config-map), each qps value's phases as stages of one `runLoad` (load-map:
 * engine warm-up, long-input's warm-up run, the measured run), then per measured run the
 * CSV `LMBench_<…>_<qps>.csv` with LMBenchmark's columns and definitions, its summary block,
 * and the line llm-d's fmperf harness waits for. Warm-up requests are tagged `phase: <kind>`:
 * in records.jsonl, left out of every metric. The shared glue runs the load.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/files.ts';
import type { HarnessLoad, HarnessPreflightContext, HarnessRunContext } from '../types.ts';
import type { RequestRecord, RequestSpec } from '../../engine/types.ts';
import type { DataSourceContext, RequestSource } from '../../engine/datagen/index.ts';
import type { LoadResult } from '../../engine/loadgen/index.ts';
import { lmbenchRow, lmbenchSummary, type LmbenchRow } from '../../metrics/lmbench.ts';
import { inputTokens, outputTokens } from '../../metrics/tokens.ts';
import { PHASE_TAG } from '../../metrics/warmup.ts';
import { toEpochMs } from '../../util/clock.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { openModelTokenizer } from '../common/tokenizer.ts';
import { discoverModel } from '../common/model.ts';
import { resolveFmperf, scenarioRun, SHAREGPT_RUN_PROMPTS, type FmperfConfig } from './config-map.ts';
import { planPhases, type Phase } from './load-map.ts';
import { engineWarmupSpec, openMrq, openSharegpt, sharegptPath } from './data-map.ts';
import { lmbenchCsv, summaryBlock } from './outputs.ts';
import { arrivalsOf } from '../../engine/schedule/arrivals.ts';

function checkRunnable(c: FmperfConfig, profileName: string): void {
  if (c.qps.length === 0) throw new LlmdbenchError('E_FMPERF_CONFIG', `${profileName}: qps_values lists no positive QPS`, { location: { keyPath: 'qps_values' } });
  if (c.scenarios.length === 0) throw new LlmdbenchError('E_FMPERF_CONFIG', `${profileName}: scenarios names no scenario`, { location: { keyPath: 'scenarios' } });
}

export function preflightFmperf(ctx: HarnessPreflightContext): void {
  const c = resolveFmperf(ctx.profile);
  checkRunnable(c, ctx.profileName);
  if (c.scenarios.includes('sharegpt')) sharegptPath(ctx.config);
}

export async function prepareFmperf(ctx: HarnessRunContext): Promise<HarnessLoad> {
  const log = ctx.log;
  const c = resolveFmperf(ctx.profile);
  checkRunnable(c, ctx.profileName);
  const model = c.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const tokenizer = await openModelTokenizer(model, ctx);
  const api = c.useChat ? 'chat' : 'completion';
  const dctx: DataSourceContext = { tokenizer, seed: 0, api, stream: true, log, signal: ctx.signal };
  const runs = c.scenarios.map((s) => scenarioRun(c, s));
  let sharegpt: { source: RequestSource; count: number } | undefined;
  if (c.scenarios.includes('sharegpt')) {
    sharegpt = await openSharegpt(sharegptPath(ctx.config), dctx);
    if (sharegpt.count < SHAREGPT_RUN_PROMPTS) log.warn(`sharegpt scenario: the ShareGPT file has ${sharegpt.count} usable prompts; LMBenchmark's prepared set has ${SHAREGPT_RUN_PROMPTS}`);
  }
  const phases = planPhases(c, runs, sharegpt?.count ?? 0);
  const sources: (RequestSource | undefined)[] = await Promise.all(
    phases.map((p) => (p.turns ? openMrq(p, dctx) : Promise.resolve(p.run.load === 'sharegpt' && p.kind === 'measured' ? sharegpt!.source : undefined))),
  );
  const firstIndex: number[] = [];
  let acc = 0;
  phases.forEach((p, k) => {
    firstIndex[k] = acc;
    acc += p.plan.kind === 'open' ? arrivalsOf(p.plan).count : 0;
  });
  const next = async (i: number, stage: number): Promise<RequestSpec> => {
    const p = phases[stage]!;
    const local = i - firstIndex[stage]!;
    const tag = (spec: RequestSpec): RequestSpec => (p.kind === 'measured' ? spec : { ...spec, tags: { ...spec.tags, [PHASE_TAG]: p.kind } });
    if (p.kind === 'engine-warmup') return tag(engineWarmupSpec(local, c.useChat, true));
    const spec = await sources[stage]!.get(local);
    if (p.run.load === 'sharegpt') {
      // sharegpt-qa.py: one user message, chat API, temperature 0
      return { api: 'chat', stream: true, messages: [{ role: 'user', content: spec.prompt ?? '' }], ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}), extraBody: { temperature: 0 }, ...(spec.tags ? { tags: spec.tags } : {}) };
    }
    return tag(spec);
  };
  const measured: RequestRecord[] = [];
  return {
    stages: phases.map((p) => ({ plan: p.plan, planned: p.plan.kind === 'open' ? arrivalsOf(p.plan).count : 0, ...(Number.isFinite(p.qps) && p.kind === 'measured' ? { requestedRate: p.qps } : {}) })),
    engine: {
      client: { baseUrl: ctx.endpointUrl, model, keepText: true },
      source: {
        next,
        onResponse: (spec, rec) =>
          sources[rec.stage]?.onResponse?.(spec, { ok: !rec.error, ...(rec.outputText !== undefined ? { text: rec.outputText } : {}), scheduledAtMs: rec.scheduledAtMs, sentAtMs: rec.sentAtMs, endAtMs: rec.endAtMs }),
      },
      intervalMs: 0,
    },
    onStageStart: (stage) => {
      const p = phases[stage]!;
      log.info(`${p.run.scenario} qps ${p.qpsText}: ${p.kind === 'measured' ? 'measured run' : p.kind} (${p.plan.kind === 'open' ? arrivalsOf(p.plan).count : 0} requests)`);
    },
    close: () => {
      for (const s of new Set(sources)) s?.close?.();
    },
    // Rows of the measured runs' CSVs: per measured request only what a row needs (slim), never the record.
    onRecord: (rec) => {
      if (phases[rec.stage]?.kind === 'measured') measured.push(slim(rec));
    },
    writeOutputs: (result) => writeCsvs(ctx, phases, result, measured),
  };
}

/** Per measured run: the CSV, the line llm-d looks for and the summary block; stdout.log. */
function writeCsvs(ctx: HarnessRunContext, phases: readonly Phase[], result: LoadResult, records: readonly RequestRecord[]): string[] {
  const files: string[] = [];
  const consoleLines: string[] = [];
  phases.forEach((p, k) => {
    if (p.kind !== 'measured') return;
    const run = result.stages.find((s) => s.stage === k);
    if (!run) return;
    const recs = records.filter((r) => r.stage === k);
    const cutoff = p.cutoffMs !== undefined ? run.startMs + p.cutoffMs : Infinity;
    const rows = recs.filter((r) => r.endAtMs <= cutoff).map((r) => lmbenchRow(r, result.clock)).filter((r): r is LmbenchRow => r !== undefined);
    const pending = recs.filter((r) => r.endAtMs > cutoff || r.error?.label === 'aborted').length;
    const name = p.run.csvName(p.qpsText);
    writeFileAtomic(join(ctx.resultsDir, name), lmbenchCsv(rows, p.run.userColumns, p.kind === 'measured' ? p.run.rounds : Infinity));
    files.push(name);
    const startS = toEpochMs(result.clock, run.startMs) / 1000;
    const endS = rows.length ? Math.max(...rows.map((r) => r.finish_time)) : startS;
    const text = [`Finished benchmarking, dumping summary to ${name}`, summaryBlock(lmbenchSummary(rows, { qps: p.qps, pending, startS, endS }), startS, endS)].join('\n');
    for (const l of text.split('\n')) {
      consoleLines.push(l);
      ctx.log.info(l);
    }
  });
  writeFileAtomic(join(ctx.resultsDir, 'stdout.log'), `${consoleLines.join('\n')}\n`);
  return [...files, 'stdout.log'];
}

/**
 * What lmbenchRow and the pending count read of a record — its times, first chunk, token counts,
 * user/question tags and error label — so a long run holds ~200 bytes per measured request
 * instead of the record (the CSV rows are built at the end: their epoch times need the run's clock).
 */
function slim(r: RequestRecord): RequestRecord {
  const first = r.chunkTimesMs[0];
  const user = r.tags?.user;
  const question = r.tags?.question;
  const tags: Record<string, number> = {};
  if (typeof user === 'number') tags.user = user;
  if (typeof question === 'number') tags.question = question;
  return {
    id: r.id,
    stage: r.stage,
    worker: r.worker,
    api: r.api,
    scheduledAtMs: r.scheduledAtMs,
    sentAtMs: r.sentAtMs,
    endAtMs: r.endAtMs,
    chunkTimesMs: first !== undefined ? [first] : [],
    chunkTokens: [],
    promptTokensServer: inputTokens(r),
    completionTokensServer: outputTokens(r),
    ...(user !== undefined || question !== undefined ? { tags } : {}),
    ...(r.error ? { error: { label: r.error.label, message: '' } } : {}),
  };
}
