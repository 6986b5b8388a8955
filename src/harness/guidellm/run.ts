/**
 * The GuideLLM harness on our engine (`prepare`, run by the shared glue in src/harness/common):
 * resolve the profile (either dialect), plan its strategies — one engine stage each, a data source
 * per strategy, GuideLLM's stop rules attached to the stage — and write GuideLLM's report
 * (`results.json`, as llm-d names it) and console tables after the `Setup complete, starting
 * benchmarks` line llm-d cuts analysis/summary.txt from. A sweep needs its first two strategies
 * measured before its rates exist: `prepare` runs them itself (as inference-perf's sweep pre-stage),
 * appending to the same records.jsonl, and the glue runs the rest.
 */
import { writeFileAtomic } from '../../util/files.ts';
import { join } from 'node:path';
import type { HarnessLoad, HarnessPreflightContext, HarnessRunContext } from '../types.ts';
import type { RequestRecord, RequestSpec, StageStopRule } from '../../engine/types.ts';
import { runLoad, type LoadResult, type RequestSource } from '../../engine/loadgen/index.ts';
import { loadTokenizer, type LoadedTokenizer } from '../../engine/tokenizer/index.ts';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { guidellmHeadline } from '../../metrics/guidellm.ts';
import { discoverModel } from '../common/model.ts';
import { resolveGlConfig, type GlConfig } from './config-map.ts';
import { planStrategies, planStrategy, sweepRates, unenforcedNotes, type GlStrategy } from './load-map.ts';
import { checkData, openSource, type GlSource } from './data-map.ts';
import { benchmarkEntry, reportObject, type GlStrategyRun } from './outputs.ts';
import { consoleSummary, SETUP_COMPLETE_LINE } from './console.ts';
import { mergedHealth } from './health.ts';
import { OverSaturationDetector, type OverSaturationArgs } from './over-saturation.ts';
import { ErrorRateRule } from './error-rate.ts';
import { arrivalsOf, withPlan } from '../../engine/schedule/arrivals.ts';

/** llm-d runs `guidellm … --output-path $RESULTS_DIR/results.json`. */
export const REPORT_FILE = 'results.json';
/**
 * GuideLLM's console output as llm-d tees it into the results directory; its analysis cuts
 * analysis/summary.txt from the `Setup complete, starting benchmarks` line to the end.
 */
export const STDOUT_FILE = 'stdout.log';

/** Everything that can be known wrong without a target: the config, its strategies, its data. */
export function preflightGuidellm(ctx: HarnessPreflightContext): void {
  const cfg = resolveGlConfig(ctx.profile);
  planStrategies(cfg);
  checkData(cfg);
}

/** GuideLLM's stop rules for one strategy (over-saturation, error rates), or undefined. */
function stopRuleFor(cfg: GlConfig, st: GlStrategy): StageStopRule | undefined {
  const osc = cfg.spec.constraints.find((c) => c.kind === 'over_saturation' && c.mode !== 'monitor' && c.enabled !== false);
  const osd = osc ? new OverSaturationDetector(osc as OverSaturationArgs) : undefined;
  const err = ErrorRateRule.of(cfg.spec.constraints, st.index);
  if (!osd && !err) return undefined;
  let t0: number | undefined;
  const saturated = (): string | undefined => (osd?.alert() ? `over-saturation detected (${JSON.stringify(osd.state())})` : undefined);
  return {
    record(rec) {
      t0 ??= rec.scheduledAtMs;
      const why = err && rec.error?.label !== 'aborted' ? err.add(Boolean(rec.error)) : undefined;
      if (why) return why;
      if (osd && rec.chunkTimesMs.length > 0) osd.addFinished((rec.chunkTimesMs[0]! - t0) / 1000, (rec.chunkTimesMs[0]! - rec.sentAtMs) / 1000);
      return saturated();
    },
    sample(elapsedMs, inFlight) {
      if (!osd) return undefined;
      osd.addStarted(elapsedMs / 1000, inFlight);
      return saturated();
    },
  };
}

const concurrencyOf = (st: GlStrategy): number => (st.plan.kind === 'closed' ? st.plan.concurrency : Math.max(1, Math.ceil((st.rate ?? 1) * 10)));

interface Ctx {
  cfg: GlConfig;
  run: HarnessRunContext;
  tokenizer: LoadedTokenizer;
  runId: string;
}

/**
 * A data source per strategy, all opened before the load starts (building one inside a stage would
 * delay its first sends); request indices are made local to the strategy (its first index is 0).
 */
async function perStrategySources(c: Ctx, strategies: GlStrategy[]) {
  const opened = new Map<number, { gs: GlSource; base: number | undefined }>();
  for (const st of strategies) {
    const total = st.plan.kind === 'open' ? arrivalsOf(st.plan).count : (st.limits.count ?? 1024);
    const gs = await openSource(c.cfg, { tokenizer: c.tokenizer, seed: c.cfg.spec.seed.value + st.index, conversations: concurrencyOf(st), log: c.run.log, totalCount: total });
    opened.set(st.plan.stage, { gs, base: undefined });
  }
  const source: RequestSource = {
    next: (i, stage) => {
      const o = opened.get(stage)!;
      o.base ??= i;
      return o.gs.get(i - o.base);
    },
    onResponse: (spec: RequestSpec, rec: RequestRecord) => {
      opened.get(rec.stage)?.gs.source.onResponse?.(spec, { ok: !rec.error, ...(rec.outputText !== undefined ? { text: rec.outputText } : {}), ...(rec.completionTokensServer !== undefined ? { tokens: rec.completionTokensServer } : {}) });
    },
  };
  /** Prompt sizes of a strategy's requests, by record id. */
  const inputSize = (stage: number): Map<number, { words: number; chars: number }> => {
    const o = opened.get(stage);
    if (!o) return new Map();
    return new Map([...o.gs.inputSize].map(([k, v]) => [k + (o.base ?? 0), v]));
  };
  const close = (): void => {
    for (const o of opened.values()) o.gs.source.close?.();
  };
  return { source, inputSize, close };
}

/** One strategy's result as the report needs it. */
function strategyRun(c: Ctx, st: GlStrategy, result: LoadResult, records: readonly RequestRecord[], inputSize: (stage: number) => Map<number, { words: number; chars: number }>): GlStrategyRun {
  const stage = result.stages.find((s) => s.stage === st.plan.stage);
  return {
    strategy: st,
    records: records.filter((r) => r.stage === st.plan.stage),
    epochOffsetMs: result.clock.epochMs - result.clock.monoMs,
    startMs: stage?.startMs ?? result.startMs,
    endMs: stage?.endMs ?? result.endMs,
    inputSize: inputSize(st.plan.stage),
    workers: Math.max(1, result.health.workers),
    runId: c.runId,
  };
}

export async function prepareGuidellm(ctx: HarnessRunContext): Promise<HarnessLoad> {
  const log = ctx.log;
  const cfg: GlConfig = resolveGlConfig(ctx.profile);
  // As llm-d renders the profile: the target is the stack's endpoint.
  cfg.spec.backend.target = ctx.endpointUrl;
  let strategies = planStrategies(cfg);
  checkData(cfg);
  for (const n of unenforcedNotes(cfg)) log.warn(`${ctx.profileName}: ${n}`);
  const model = cfg.spec.backend.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const tokenizer = await loadTokenizer({
    model: cfg.spec.tokenizer.model ?? model,
    log,
    allowDownload: Boolean(ctx.env.hfToken) && !ctx.env.hfHubOffline,
    ...(ctx.env.hfToken ? { hfToken: ctx.env.hfToken } : {}),
    ...(ctx.env.hfEndpoint ? { hubEndpoint: ctx.env.hfEndpoint } : {}),
  });
  const chat = cfg.spec.backend.request_format === '/v1/chat/completions';
  const client = {
    baseUrl: ctx.endpointUrl,
    model,
    ...(cfg.spec.backend.api_key ? { apiKey: cfg.spec.backend.api_key } : {}),
    ...(cfg.spec.backend.timeout !== null ? { requestTimeoutMs: cfg.spec.backend.timeout * 1000 } : {}),
    keepText: true,
  };
  const c: Ctx = { cfg, run: ctx, tokenizer, runId: `llmdbench-${Date.now().toString(36)}` };
  for (const st of strategies) attachRule(cfg, st);
  // what GuideLLM prints, logged and kept for stdout.log
  const consoleLines: string[] = [];
  const say = (line: string): void => {
    consoleLines.push(line);
    log.info(line);
  };
  say(`${cfg.dialect} ${ctx.profileName}: profile ${cfg.spec.profile.kind}, ${chat ? 'chat' : 'text'} completions, model ${model}`);
  say(SETUP_COMPLETE_LINE);

  // sweep: run synchronous and throughput here, then plan the rates between their request rates
  const preRuns: GlStrategyRun[] = [];
  const preResults: LoadResult[] = [];
  if (cfg.spec.profile.kind === 'sweep') {
    for (const st of strategies) {
      if (ctx.signal.aborted) break;
      const src = await perStrategySources(c, [st]);
      let result: LoadResult;
      try {
        say(`benchmark ${st.index} (${st.type_}) started`);
        result = await runLoad({ client, stages: [st.plan], source: src.source, workers: 'auto', signal: ctx.signal, ...(ctx.cancel ? { cancelSignal: ctx.cancel } : {}), recordsPath: join(ctx.resultsDir, RECORDS_FILE), keepRecords: true });
      } finally {
        src.close();
      }
      preResults.push(result);
      preRuns.push(strategyRun(c, st, result, result.records, src.inputSize));
    }
    const rate = (r: GlStrategyRun): number => guidellmHeadline(benchmarkEntry(r, cfg, model).metrics).requestsPerS;
    const rates = ctx.signal.aborted || preRuns.length < 2 ? [] : sweepRates(cfg.spec.profile.sweep_size ?? 10, rate(preRuns[0]!), rate(preRuns[1]!));
    strategies = rates.map((r, j) => attachRule(cfg, planStrategy(cfg, cfg.spec.profile.strategy_type ?? 'constant', 2 + j, r)));
  }

  const src = await perStrategySources(c, strategies);
  const describe = (st: GlStrategy): string => `${st.type_}${st.rate !== undefined ? ` @ ${st.rate.toFixed(2)} req/s` : st.plan.kind === 'closed' ? `, ${st.plan.concurrency} in flight` : ''}`;
  const byStage = new Map(strategies.map((s) => [s.plan.stage, s]));
  // The benchmarks report lists every request (GuideLLM's requests.successful/errored/...) and its
  // distributions need them all: this harness still holds its records (not yet streamed).
  const records: RequestRecord[] = [];
  return {
    stages: strategies.map((st) => ({
      plan: st.plan,
      ...(st.plan.kind === 'open' ? { planned: arrivalsOf(st.plan).count, requestedRate: st.plan.requestedRate } : { concurrency: st.plan.concurrency, ...(st.limits.count !== undefined ? { planned: st.limits.count } : {}) }),
    })),
    engine: { client, source: src.source, workers: 'auto', leadMs: 100 },
    onRecord: (rec) => void records.push(rec),
    onStageStart: (stage) => say(`benchmark ${stage} (${describe(byStage.get(stage)!)}) started`),
    onStageEnd: (stage, aborted) => say(`benchmark ${stage} ${aborted ? 'interrupted' : 'completed'}`),
    close: () => src.close(),
    writeOutputs: (result) => {
      const runs = [...preRuns];
      for (const st of strategies) if (result.stages.some((s) => s.stage === st.plan.stage)) runs.push(strategyRun(c, st, result, records, src.inputSize));
      const benchmarks = runs.map((r) => benchmarkEntry(r, cfg, model));
      writeFileAtomic(join(ctx.resultsDir, REPORT_FILE), `${JSON.stringify(reportObject(cfg, benchmarks, 'llmdbench'), null, 2)}\n`);
      const text = consoleSummary(
        benchmarks.map((b) => ({
          strategy: String((b.config as { strategy: { type_: string } }).strategy.type_),
          startS: b.start_time as number,
          endS: b.end_time as number,
          durationS: b.duration as number,
          warmupS: b.warmup_duration as number,
          cooldownS: b.cooldown_duration as number,
          metrics: b.metrics,
        })),
      );
      for (const line of text.split('\n')) say(line);
      writeFileAtomic(join(ctx.resultsDir, STDOUT_FILE), `${consoleLines.join('\n')}\n`);
      return [REPORT_FILE, STDOUT_FILE];
    },
    health: (result) => mergedHealth([...preResults, result]),
  };
}

function attachRule(cfg: GlConfig, st: GlStrategy): GlStrategy {
  const rule = stopRuleFor(cfg, st);
  if (rule) st.plan = withPlan(st.plan, { stopRule: rule });
  return st;
}
