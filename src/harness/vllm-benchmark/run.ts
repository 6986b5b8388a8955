/**
 * The vllm-benchmark harness on our engine: a flat `vllm bench serve` profile → arguments →
 * data source, gamma arrivals and the --max-concurrency cap on `runLoad`; as llm-d's harness
 * script, a warm-up run of 3 prompts with the same arguments first (not recorded), then the
 * main run; then vLLM's result JSON, the console summary block (also in stdout.log, where
 * llm-d cuts analysis/summary.txt from), records.jsonl and loadgen_health.json.
 * inferencemax profiles run through the same function (their `executable` is ignored).
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { HarnessPreflightContext, HarnessRunContext, HarnessRunOutcome } from '../types.ts';
import type { RequestSpec } from '../../engine/types.ts';
import type { RequestSource } from '../../engine/datagen/index.ts';
import { runLoad, type LoadResult, type RunLoadOptions } from '../../engine/loadgen/index.ts';
import { loadTokenizer } from '../../engine/tokenizer/index.ts';
import { vllmBenchMetrics } from '../../metrics/vllm-bench.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import { HEALTH_FILE, RECORDS_FILE, type LoadgenHealthFile } from '../../metrics/seed-summary.ts';
import { discoverModel } from '../inference-perf/model.ts';
import { assertRunnable, CHAT_BACKENDS, resolveVllmArgs, type VllmArgs } from './config-map.ts';
import { maxInFlight, planTraffic } from './load-map.ts';
import { checkVllmData, mapVllmData, openVllmData } from './data-map.ts';
import { consoleBlock, resultFileName, resultJsonText, vllmDate, vllmResult } from './outputs.ts';

/** llm-d's warm-up: the same arguments with num-prompts 3. */
export const WARMUP_PROMPTS = 3;
const GRACE_MS = 5000;

export function preflightVllmBench(ctx: HarnessPreflightContext): void {
  const a = resolveVllmArgs(ctx.profile);
  assertRunnable(a, ctx.profileName);
  checkVllmData(mapVllmData(a), ctx.profileName);
}

/** vLLM's request: the prompt as one user message for openai-chat (with `max_completion_tokens`), else the completions body. */
export function adapt(a: VllmArgs, spec: RequestSpec, chat: boolean): RequestSpec {
  const s: RequestSpec = { ...spec, stream: !a.no_stream };
  const extra: Record<string, unknown> = { ...(s.extraBody ?? {}) };
  if (chat) {
    s.api = 'chat';
    s.messages = [{ role: 'user', content: spec.prompt ?? '' }];
    delete s.prompt;
    if (s.maxTokens !== undefined) {
      extra.max_completion_tokens = s.maxTokens;
      // kept on the spec for the record's `maxTokens`; the body carries only max_completion_tokens
      extra.max_tokens = undefined;
    }
  }
  Object.assign(extra, a.extra_body);
  if (Object.keys(extra).length > 0) s.extraBody = extra;
  return s;
}

export async function runVllmBench(ctx: HarnessRunContext): Promise<HarnessRunOutcome> {
  const log = ctx.log;
  const a = resolveVllmArgs(ctx.profile);
  assertRunnable(a, ctx.profileName);
  const mapped = mapVllmData(a, log);
  checkVllmData(mapped, ctx.profileName);
  const chat = CHAT_BACKENDS.has(a.backend);
  const model = a.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const tokenizerId = a.tokenizer ?? model;
  const hfToken = process.env.HF_TOKEN ?? ctx.config.get('LLMDBENCH_HF_TOKEN');
  const tokenizer = await loadTokenizer({ model: tokenizerId, log, allowDownload: Boolean(hfToken) && process.env.HF_HUB_OFFLINE !== '1', ...(hfToken ? { hfToken } : {}) });
  const console: string[] = [];
  const say = (s: string): void => {
    console.push(s);
    log.info(s);
  };
  const client = {
    baseUrl: ctx.endpointUrl,
    model: a.served_model_name ?? model,
    headers: a.header,
    paths: chat ? { chat: a.endpoint } : { completion: a.endpoint },
    keepText: false,
  };
  const cap = maxInFlight(a);
  const runOnce = async (n: number, seed: number, recorded: boolean): Promise<LoadResult> => {
    const source: RequestSource = await openVllmData(mapped, a, { tokenizer, seed, log, count: n });
    const plan = planTraffic(a, n, seed);
    const opts: RunLoadOptions = {
      client,
      stages: [plan],
      source: { next: async (i) => adapt(a, await source.get(i), chat) },
      ...(cap !== undefined ? { maxInFlight: cap } : {}),
      signal: ctx.signal,
      ...(ctx.cancel ? { cancelSignal: ctx.cancel } : {}),
      graceMs: GRACE_MS,
      progressIntervalMs: 250,
      ...(recorded ? { recordsPath: join(ctx.resultsDir, RECORDS_FILE) } : {}),
      onProgress: (p) =>
        ctx.progress?.({
          stage: 0,
          stages: 1,
          sent: p.sent,
          completed: p.completed,
          failed: p.failed,
          inFlight: p.inFlight,
          planned: n,
          ...(p.requestedRate !== undefined && Number.isFinite(p.requestedRate) ? { requestedRate: p.requestedRate } : {}),
          achievedRate: p.achievedRate,
          ...(p.ttftP50Ms !== undefined ? { ttftP50Ms: p.ttftP50Ms } : {}),
          elapsedS: p.stageElapsedMs / 1000,
        }),
    };
    try {
      return await runLoad(opts);
    } finally {
      source.close?.();
    }
  };

  say(`Warm-up: ${WARMUP_PROMPTS} prompts with the same arguments (as llm-d's harness)`);
  await runOnce(WARMUP_PROMPTS, a.seed + 1, false);
  if (ctx.signal.aborted) return { complete: false, files: [] };
  say('Starting main benchmark run...');
  if (a.ramp_up_strategy) say(`Traffic ramp-up strategy: ${a.ramp_up_strategy}.`);
  else say(`Traffic request rate: ${Number.isFinite(a.request_rate) ? a.request_rate : 'inf'}`);
  say(`Burstiness factor: ${a.burstiness} (${a.burstiness === 1 ? 'Poisson process' : 'Gamma distribution'})`);
  say(`Maximum request concurrency: ${a.max_concurrency ?? 'None'}`);
  const result = await runOnce(a.num_prompts, a.seed, true);
  const stage = result.stages[0];
  const m = vllmBenchMetrics(result.records, {
    percentiles: a.metric_percentiles,
    goodput: a.goodput,
    ...(stage ? { windowMs: { startMs: stage.startMs, endMs: stage.endMs } } : {}),
  });
  const block = consoleBlock(a, m);
  for (const l of block.trimEnd().split('\n')) say(l);
  const date = vllmDate(new Date());
  const name = resultFileName(a, model, date);
  writeFileSync(join(ctx.resultsDir, name), resultJsonText(vllmResult(a, m, { date, modelId: model, tokenizerId })));
  writeFileSync(join(ctx.resultsDir, 'stdout.log'), `${console.join('\n')}\n`);
  writeFileSync(join(ctx.resultsDir, HEALTH_FILE), `${JSON.stringify(health(result, a), null, 2)}\n`);
  return { complete: !result.aborted, files: [name, 'stdout.log', RECORDS_FILE, HEALTH_FILE] };
}

/**
 * loadgen_health.json. With --max-concurrency, requests waiting for a slot are vLLM's design
 * (client_queue_time in the result), not the load generator falling behind: that cause alone
 * does not mark the client as the bottleneck.
 */
function health(result: LoadResult, a: VllmArgs): LoadgenHealthFile {
  const cap = a.max_concurrency ?? undefined;
  const rep = loadgenHealth(result.records, result.stages, result.health, cap !== undefined ? { inFlightCap: { value: cap, name: 'max-concurrency', hint: 'the wait is reported as client_queue_time' } } : {});
  const byDesign = rep.cause === 'in-flight-cap';
  return {
    ...rep,
    client_bottleneck: rep.clientBottleneck && !byDesign,
    ...(byDesign ? { cause: 'none', verdict: '' } : {}),
    warnings: byDesign ? [] : rep.reasons,
    notes: byDesign ? [`requests waited for one of the ${cap} --max-concurrency slots (vLLM's semaphore, by design): see client_queue_time`] : [],
  };
}
