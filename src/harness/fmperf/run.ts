/**
 * The fmperf harness on our engine: fmperf's LMBenchmarkWorkload profile → the LMBenchmark
 * scenario runs (config-map), each qps value's phases as stages of one `runLoad` (load-map:
 * engine warm-up, long-input's warm-up run, the measured run), then per measured run the
 * CSV `LMBench_<…>_<qps>.csv` with LMBenchmark's columns and definitions, its summary block,
 * and the line llm-d's fmperf harness waits for. Only measured requests go to records.jsonl.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { HarnessPreflightContext, HarnessRunContext, HarnessRunOutcome } from '../types.ts';
import type { RequestRecord, RequestSpec } from '../../engine/types.ts';
import type { DataSourceContext, RequestSource } from '../../engine/datagen/index.ts';
import { runLoad } from '../../engine/loadgen/index.ts';
import { RecordWriter } from '../../engine/record/writer.ts';
import { loadTokenizer } from '../../engine/tokenizer/index.ts';
import { lmbenchRow, lmbenchSummary, type LmbenchRow } from '../../metrics/lmbench.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import { HEALTH_FILE, RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { discoverModel } from '../inference-perf/model.ts';
import { resolveFmperf, scenarioRun, type FmperfConfig } from './config-map.ts';
import { planPhases } from './load-map.ts';
import { engineWarmupSpec, openMrq, openSharegpt, sharegptPath } from './data-map.ts';
import { lmbenchCsv, summaryBlock } from './outputs.ts';

const GRACE_MS = 5000;

function checkRunnable(c: FmperfConfig, profileName: string): void {
  if (c.qps.length === 0) throw new LlmdbenchError('E_FMPERF_CONFIG', `${profileName}: qps_values lists no positive QPS`, { location: { keyPath: 'qps_values' } });
  if (c.scenarios.length === 0) throw new LlmdbenchError('E_FMPERF_CONFIG', `${profileName}: scenarios names no scenario`, { location: { keyPath: 'scenarios' } });
}

export function preflightFmperf(ctx: HarnessPreflightContext): void {
  const c = resolveFmperf(ctx.profile);
  checkRunnable(c, ctx.profileName);
  if (c.scenarios.includes('sharegpt')) sharegptPath(ctx.config);
}

export async function runFmperf(ctx: HarnessRunContext): Promise<HarnessRunOutcome> {
  const log = ctx.log;
  const c = resolveFmperf(ctx.profile);
  checkRunnable(c, ctx.profileName);
  const model = c.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const hfToken = process.env.HF_TOKEN ?? ctx.config.get('LLMDBENCH_HF_TOKEN');
  const tokenizer = await loadTokenizer({ model, log, allowDownload: Boolean(hfToken) && process.env.HF_HUB_OFFLINE !== '1', ...(hfToken ? { hfToken } : {}) });
  const api = c.useChat ? 'chat' : 'completion';
  const dctx: DataSourceContext = { tokenizer, seed: 0, api, stream: true, log };
  const runs = c.scenarios.map((s) => scenarioRun(c, s));
  let sharegpt: { source: RequestSource; count: number } | undefined;
  if (c.scenarios.includes('sharegpt')) {
    sharegpt = await openSharegpt(sharegptPath(ctx.config), dctx);
    if (sharegpt.count < 252) log.warn(`sharegpt scenario: the ShareGPT file has ${sharegpt.count} usable prompts; LMBenchmark's prepared set has 252`);
  }
  const phases = planPhases(c, runs, sharegpt?.count ?? 0);
  const sources: (RequestSource | undefined)[] = await Promise.all(phases.map((p) => (p.turns ? openMrq(p, dctx) : Promise.resolve(p.run.load === 'sharegpt' && p.kind === 'measured' ? sharegpt!.source : undefined))));
  const firstIndex: number[] = [];
  let acc = 0;
  phases.forEach((p, k) => {
    firstIndex[k] = acc;
    acc += p.plan.kind === 'open' ? p.plan.offsetsMs.length : 0;
  });
  const next = async (i: number, stage: number): Promise<RequestSpec> => {
    const p = phases[stage]!;
    const local = i - firstIndex[stage]!;
    if (p.kind === 'engine-warmup') return engineWarmupSpec(local, c.useChat, true);
    const spec = await sources[stage]!.get(local);
    if (p.run.load === 'sharegpt') {
      // sharegpt-qa.py: one user message, chat API, temperature 0
      return { api: 'chat', stream: true, messages: [{ role: 'user', content: spec.prompt ?? '' }], ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}), extraBody: { temperature: 0 }, ...(spec.tags ? { tags: spec.tags } : {}) };
    }
    return spec;
  };
  const writer = new RecordWriter(join(ctx.resultsDir, RECORDS_FILE));
  const measured = new Map<number, RequestRecord[]>();
  let result;
  try {
    result = await runLoad({
      client: { baseUrl: ctx.endpointUrl, model, keepText: true },
      stages: phases.map((p) => p.plan),
      source: {
        next,
        onResponse: (spec, rec) => sources[rec.stage]?.onResponse?.(spec, { ok: !rec.error, ...(rec.outputText !== undefined ? { text: rec.outputText } : {}) }),
      },
      intervalMs: 0,
      signal: ctx.signal,
      ...(ctx.cancel ? { cancelSignal: ctx.cancel } : {}),
      graceMs: GRACE_MS,
      onRecord: (rec) => {
        if (phases[rec.stage]?.kind !== 'measured') return;
        const { outputText: _drop, ...lean } = rec;
        writer.add(lean);
        const list = measured.get(rec.stage) ?? [];
        list.push(rec);
        measured.set(rec.stage, list);
      },
      onStageStart: (plan) => {
        const p = phases[plan.stage]!;
        log.info(`${p.run.scenario} qps ${p.qpsText}: ${p.kind === 'measured' ? 'measured run' : p.kind} (${plan.kind === 'open' ? plan.offsetsMs.length : 0} requests)`);
      },
      progressIntervalMs: 250,
      onProgress: (pr) =>
        ctx.progress?.({
          stage: pr.stage,
          stages: phases.length,
          sent: pr.sent,
          completed: pr.completed,
          failed: pr.failed,
          inFlight: pr.inFlight,
          ...(pr.requestedRate !== undefined && Number.isFinite(pr.requestedRate) ? { requestedRate: pr.requestedRate } : {}),
          achievedRate: pr.achievedRate,
          ...(pr.ttftP50Ms !== undefined ? { ttftP50Ms: pr.ttftP50Ms } : {}),
          elapsedS: pr.stageElapsedMs / 1000,
        }),
    });
  } finally {
    for (const s of new Set(sources)) s?.close?.();
    await writer.close();
  }
  const files: string[] = [RECORDS_FILE];
  const consoleLines: string[] = [];
  phases.forEach((p, k) => {
    if (p.kind !== 'measured') return;
    const run = result.stages.find((s) => s.stage === k);
    if (!run) return;
    const recs = measured.get(k) ?? [];
    const cutoff = p.cutoffMs !== undefined ? run.startMs + p.cutoffMs : Infinity;
    const rows = recs.filter((r) => r.endAtMs <= cutoff).map((r) => lmbenchRow(r, result.clock)).filter((r): r is LmbenchRow => r !== undefined);
    const pending = recs.filter((r) => r.endAtMs > cutoff || r.error?.label === 'aborted').length;
    const name = p.run.csvName(p.qpsText);
    writeFileSync(join(ctx.resultsDir, name), lmbenchCsv(rows, p.run.userColumns));
    files.push(name);
    const startS = (result.clock.epochMs + (run.startMs - result.clock.monoMs)) / 1000;
    const endS = rows.length ? Math.max(...rows.map((r) => r.finish_time)) : startS;
    const lines = [`Finished benchmarking, dumping summary to ${name}`, summaryBlock(lmbenchSummary(rows, { qps: p.qps, pending, startS, endS }), startS, endS)];
    for (const l of lines.join('\n').split('\n')) {
      consoleLines.push(l);
      log.info(l);
    }
  });
  writeFileSync(join(ctx.resultsDir, 'stdout.log'), `${consoleLines.join('\n')}\n`);
  files.push('stdout.log');
  const measuredRecords = [...measured.values()].flat();
  const rep = loadgenHealth(measuredRecords, result.stages.filter((s) => phases[s.stage]?.kind === 'measured'), result.health);
  writeFileSync(join(ctx.resultsDir, HEALTH_FILE), `${JSON.stringify({ ...rep, client_bottleneck: rep.clientBottleneck, warnings: rep.reasons, notes: [] }, null, 2)}\n`);
  files.push(HEALTH_FILE);
  return { complete: !result.aborted, files };
}

