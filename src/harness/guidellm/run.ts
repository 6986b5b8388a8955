/**
 * The GuideLLM harness on our engine: resolve the profile (either dialect), plan its strategies,
 * run each as one engine stage (`runLoad`; a sweep plans its async rates after measuring the
 * synchronous and throughput strategies), stream raw records to records.jsonl, then write
 * GuideLLM's report (`results.json`, as llm-d names it) and print its console summary after the
 * `Setup complete, starting benchmarks` line llm-d cuts analysis/summary.txt from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessPreflightContext, HarnessRunContext, HarnessRunOutcome } from '../types.ts';
import type { RequestRecord } from '../../engine/types.ts';
import { runLoad, type LoadResult } from '../../engine/loadgen/index.ts';
import { RecordWriter } from '../../engine/record/writer.ts';
import { loadTokenizer } from '../../engine/tokenizer/index.ts';
import { HEALTH_FILE, RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { guidellmHeadline } from '../../metrics/guidellm.ts';
import { discoverModel } from '../inference-perf/model.ts';
import { resolveGlConfig, type GlConfig } from './config-map.ts';
import { planStrategies, planStrategy, sweepRates, unenforcedNotes, type GlStrategy } from './load-map.ts';
import { checkData, openSource } from './data-map.ts';
import { benchmarkEntry, reportObject, type GlStrategyRun } from './outputs.ts';
import { consoleSummary, SETUP_COMPLETE_LINE } from './console.ts';
import { mergedHealth } from './health.ts';
import { OverSaturationDetector, type OverSaturationArgs } from './over-saturation.ts';
import { ErrorRateRule } from './error-rate.ts';

/** llm-d runs `guidellm … --output-path $RESULTS_DIR/results.json`. */
export const REPORT_FILE = 'results.json';
const GRACE_MS = 5000;

/** Everything that can be known wrong without a target: the config, its strategies, its data. */
export function preflightGuidellm(ctx: HarnessPreflightContext): void {
  const cfg = resolveGlConfig(ctx.profile);
  planStrategies(cfg);
  checkData(cfg);
}

function concurrencyOf(st: GlStrategy): number {
  return st.plan.kind === 'closed' ? st.plan.concurrency : Math.max(1, Math.ceil((st.rate ?? 1) * 10));
}

export async function runGuidellm(ctx: HarnessRunContext): Promise<HarnessRunOutcome> {
  const log = ctx.log;
  const cfg: GlConfig = resolveGlConfig(ctx.profile);
  // As llm-d renders the profile: the target is the stack's endpoint.
  cfg.spec.backend.target = ctx.endpointUrl;
  const strategies = planStrategies(cfg);
  checkData(cfg);
  for (const n of unenforcedNotes(cfg)) log.warn(`${ctx.profileName}: ${n}`);
  const model = cfg.spec.backend.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const hfToken = ctx.config.get('LLMDBENCH_HF_TOKEN');
  const tokenizer = await loadTokenizer({ model: cfg.spec.tokenizer.model ?? model, log, allowDownload: Boolean(hfToken), ...(hfToken ? { hfToken } : {}) });
  const chat = cfg.spec.backend.request_format === '/v1/chat/completions';
  const clientOpts = {
    baseUrl: ctx.endpointUrl,
    model,
    ...(cfg.spec.backend.api_key ? { apiKey: cfg.spec.backend.api_key } : {}),
    ...(cfg.spec.backend.timeout !== null ? { requestTimeoutMs: cfg.spec.backend.timeout * 1000 } : {}),
    keepText: true,
  };
  log.info(`${cfg.dialect} ${ctx.profileName}: profile ${cfg.spec.profile.kind}, ${chat ? 'chat' : 'text'} completions, model ${model}`);
  log.info(SETUP_COMPLETE_LINE);

  const writer = new RecordWriter(join(ctx.resultsDir, RECORDS_FILE));
  const runs: GlStrategyRun[] = [];
  const results: LoadResult[] = [];
  const runId = `llmdbench-${Date.now().toString(36)}`;
  let idBase = 0;
  let aborted = false;
  const total = (): number => (cfg.spec.profile.kind === 'sweep' ? cfg.spec.profile.sweep_size ?? 10 : strategies.length);
  try {
    for (let k = 0; k < strategies.length && !ctx.signal.aborted; k++) {
      const st = strategies[k]!;
      const gs = await openSource(cfg, { tokenizer, seed: cfg.spec.seed.value + st.index, conversations: concurrencyOf(st), log, totalCount: st.plan.kind === 'open' ? st.plan.offsetsMs.length : (st.limits.count ?? 1024) });
      const base = idBase;
      let done = 0;
      let failed = 0;
      // over_saturation (mode enforce, the default): stop the strategy when in-flight count and TTFT both climb
      const osc = cfg.spec.constraints.find((c) => c.kind === 'over_saturation' && c.mode !== 'monitor' && c.enabled !== false);
      const osd = osc ? new OverSaturationDetector(osc as OverSaturationArgs) : undefined;
      let stageT0 = 0;
      let stop: ((why: string) => void) | undefined;
      let saturated = false;
      const errorRule = ErrorRateRule.of(cfg.spec.constraints, st.index);
      let errorStop = false;
      const checkSaturation = (): void => {
        if (osd && !saturated && osd.alert()) {
          saturated = true;
          log.warn(`benchmark ${st.index}: over-saturation detected (${JSON.stringify(osd.state())}); stopping it`);
          stop?.('stopped: over-saturation detected');
        }
      };
      log.info(`benchmark ${st.index} (${st.type_}${st.rate !== undefined ? ` @ ${st.rate.toFixed(2)} req/s` : st.plan.kind === 'closed' ? `, ${st.plan.concurrency} in flight` : ''}) started`);
      let result: LoadResult;
      try {
        result = await runLoad({
          client: clientOpts,
          stages: [st.plan],
          source: {
            next: (i) => gs.get(i),
            onResponse: (spec, rec) => gs.source.onResponse?.(spec, { ok: !rec.error, ...(rec.outputText !== undefined ? { text: rec.outputText } : {}), ...(rec.completionTokensServer !== undefined ? { tokens: rec.completionTokensServer } : {}) }),
          },
          workers: 'auto',
          signal: ctx.signal,
          ...(ctx.cancel ? { cancelSignal: ctx.cancel } : {}),
          graceMs: GRACE_MS,
          onStageStart: (_plan, startMs, control) => {
            stageT0 = startMs;
            stop = (why) => control.stop(why);
          },
          onRecord: (rec: RequestRecord) => {
            done++;
            if (rec.error) failed++;
            const why = errorRule && rec.error?.label !== 'aborted' ? errorRule.add(Boolean(rec.error)) : undefined;
            if (why && !errorStop) {
              errorStop = true;
              log.warn(`benchmark ${st.index}: ${why}; stopping it`);
              stop?.(`stopped: ${why}`);
            }
            if (osd && rec.chunkTimesMs.length > 0) {
              osd.addFinished((rec.chunkTimesMs[0]! - stageT0) / 1000, (rec.chunkTimesMs[0]! - rec.sentAtMs) / 1000);
              checkSaturation();
            }
            writer.add({ ...rec, id: base + rec.id });
          },
          progressIntervalMs: 250,
          onProgress: (p) => {
            if (osd && p.stageElapsedMs > 0) {
              osd.addStarted(p.stageElapsedMs / 1000, p.inFlight);
              checkSaturation();
            }
            ctx.progress?.({
              stage: k,
              stages: total(),
              sent: p.sent,
              completed: done,
              failed,
              inFlight: p.inFlight,
              ...(st.plan.kind === 'open' ? { planned: st.plan.offsetsMs.length } : st.limits.count !== undefined ? { planned: st.limits.count } : {}),
              ...(p.requestedRate !== undefined ? { requestedRate: p.requestedRate } : {}),
              achievedRate: p.achievedRate,
              ...(p.ttftP50Ms !== undefined ? { ttftP50Ms: p.ttftP50Ms } : {}),
              elapsedS: p.stageElapsedMs / 1000,
            });
          },
        });
      } finally {
        gs.source.close?.();
      }
      results.push(result);
      idBase += result.records.reduce((m, r) => Math.max(m, r.id + 1), 0);
      const stage = result.stages[0];
      runs.push({
        strategy: st,
        records: result.records,
        epochOffsetMs: result.clock.epochMs - result.clock.monoMs,
        startMs: stage?.startMs ?? result.startMs,
        endMs: stage?.endMs ?? result.endMs,
        inputSize: gs.inputSize,
        workers: Math.max(1, result.health.workers),
        runId,
      });
      log.info(`benchmark ${st.index} (${st.type_}) ${result.aborted ? 'interrupted' : 'completed'}: ${done - failed} ok, ${failed} failed or cancelled`);
      if (result.aborted) {
        aborted = true;
        break;
      }
      // sweep: after synchronous and throughput, the async rates between their request rates
      if (cfg.spec.profile.kind === 'sweep' && k === 1) {
        const rate = (r: GlStrategyRun): number => guidellmHeadline(benchmarkEntry(r, cfg, model).metrics).requestsPerS;
        const rates = sweepRates(cfg.spec.profile.sweep_size ?? 10, rate(runs[0]!), rate(runs[1]!));
        rates.forEach((r, j) => strategies.push(planStrategy(cfg, cfg.spec.profile.strategy_type ?? 'constant', 2 + j, r)));
      }
    }
  } finally {
    await writer.close();
  }

  const benchmarks = runs.map((r) => benchmarkEntry(r, cfg, model));
  writeFileSync(join(ctx.resultsDir, REPORT_FILE), `${JSON.stringify(reportObject(cfg, benchmarks, 'llmdbench'), null, 2)}\n`);
  const summary = consoleSummary(
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
  for (const line of summary.split('\n')) log.info(line);
  const health = mergedHealth(results);
  writeFileSync(join(ctx.resultsDir, HEALTH_FILE), `${JSON.stringify(health, null, 2)}\n`);
  return { complete: !aborted && !ctx.signal.aborted, files: [RECORDS_FILE, REPORT_FILE, HEALTH_FILE] };
}
