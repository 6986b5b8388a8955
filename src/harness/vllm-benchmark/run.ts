/**
 * The vllm-benchmark harness on our engine: a flat `vllm bench serve` profile → arguments →
 * data source, gamma arrivals and the --max-concurrency cap. As llm-d's harness script, a
 * warm-up of 3 prompts with the same arguments comes first (stage 0, tagged `phase: warmup`:
 * in records.jsonl, left out of every metric), then the main run (stage 1). Outputs: vLLM's
 * result JSON and the console block (also in stdout.log, where llm-d cuts
 * analysis/summary.txt from). inferencemax profiles run through the same functions.
 * The shared glue (src/harness/common) runs the load, streams records.jsonl and writes
 * loadgen_health.json.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/files.ts';
import type { HarnessLoad, HarnessPreflightContext, HarnessRunContext } from '../types.ts';
import type { RequestRecord, RequestSpec } from '../../engine/types.ts';
import type { RequestSource } from '../../engine/datagen/index.ts';
import type { LoadResult } from '../../engine/loadgen/index.ts';
import { vllmBenchMetrics } from '../../metrics/vllm-bench.ts';
import { inputTokens, outputTokens } from '../../metrics/tokens.ts';
import { PHASE_TAG } from '../../metrics/warmup.ts';
import type { LoadgenHealthFile } from '../../metrics/seed-summary.ts';
import { defaultHealth } from '../common/health.ts';
import { openModelTokenizer } from '../common/tokenizer.ts';
import { discoverModel } from '../common/model.ts';
import { assertRunnable, CHAT_BACKENDS, resolveVllmArgs, type VllmArgs } from './config-map.ts';
import { maxInFlight, planTraffic } from './load-map.ts';
import { checkVllmData, mapVllmData, openVllmData } from './data-map.ts';
import { consoleBlock, resultFileName, resultJsonText, vllmDate, vllmResult } from './outputs.ts';
import { arrivalsOf, withPlan } from '../../engine/schedule/arrivals.ts';

/** llm-d's warm-up: the same arguments with num-prompts 3. */
export const WARMUP_PROMPTS = 3;
const WARMUP_STAGE = 0;
const MAIN_STAGE = 1;

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

export async function prepareVllmBench(ctx: HarnessRunContext): Promise<HarnessLoad> {
  const log = ctx.log;
  const a = resolveVllmArgs(ctx.profile);
  assertRunnable(a, ctx.profileName);
  const mapped = mapVllmData(a, log);
  checkVllmData(mapped, ctx.profileName);
  const chat = CHAT_BACKENDS.has(a.backend);
  const model = a.model ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  const tokenizerId = a.tokenizer ?? model;
  const tokenizer = await openModelTokenizer(tokenizerId, ctx);
  // The warm-up is a separate `vllm bench serve` in llm-d (its own seed); ours is seed + 1.
  const warm: RequestSource = await openVllmData(mapped, a, { tokenizer, seed: a.seed + 1, log, count: WARMUP_PROMPTS, signal: ctx.signal });
  const main: RequestSource = await openVllmData(mapped, a, { tokenizer, seed: a.seed, log, count: a.num_prompts, signal: ctx.signal });
  const warmPlan = planTraffic(a, WARMUP_PROMPTS, a.seed + 1);
  const mainPlan = withPlan(planTraffic(a, a.num_prompts, a.seed), { stage: MAIN_STAGE });
  const cap = maxInFlight(a);
  const consoleLines: string[] = [];
  const say = (s: string): void => {
    consoleLines.push(s);
    log.info(s);
  };
  const stage = (plan: typeof warmPlan) => ({
    plan,
    planned: plan.kind === 'open' ? arrivalsOf(plan).count : 0,
    ...(plan.kind === 'open' && Number.isFinite(plan.requestedRate) ? { requestedRate: plan.requestedRate } : {}),
  });
  const mainRecords: RequestRecord[] = [];
  return {
    stages: [stage(warmPlan), stage(mainPlan)],
    engine: {
      client: { baseUrl: ctx.endpointUrl, model: a.served_model_name ?? model, headers: a.header, paths: chat ? { chat: a.endpoint } : { completion: a.endpoint }, keepText: false },
      source: {
        next: async (i, st) => {
          if (st === WARMUP_STAGE) {
            const spec = adapt(a, await warm.get(i), chat);
            return { ...spec, tags: { ...spec.tags, [PHASE_TAG]: 'warmup' } };
          }
          return adapt(a, await main.get(i - WARMUP_PROMPTS), chat);
        },
      },
      intervalMs: 0,
      ...(cap !== undefined ? { maxInFlight: cap } : {}),
    },
    onStageStart: (st) => {
      if (st === WARMUP_STAGE) return say(`Warm-up: ${WARMUP_PROMPTS} prompts with the same arguments (as llm-d's harness)`);
      say('Starting main benchmark run...');
      if (a.ramp_up_strategy) say(`Traffic ramp-up strategy: ${a.ramp_up_strategy}.`);
      else say(`Traffic request rate: ${Number.isFinite(a.request_rate) ? a.request_rate : 'inf'}`);
      say(`Burstiness factor: ${a.burstiness} (${a.burstiness === 1 ? 'Poisson process' : 'Gamma distribution'})`);
      say(`Maximum request concurrency: ${a.max_concurrency ?? 'None'}`);
    },
    close: () => {
      warm.close?.();
      main.close?.();
    },
    // vLLM's result JSON lists per-request values (latencies, queue_times, …): a slim copy of each
    // main-stage request (what vLLM's definitions read) is held until writeOutputs.
    onRecord: (rec) => {
      if (rec.stage === MAIN_STAGE) mainRecords.push(slim(rec));
    },
    writeOutputs: (result) => {
      const run = result.stages.find((s) => s.stage === MAIN_STAGE);
      if (!run) return [];
      const m = vllmBenchMetrics(
        mainRecords,
        { percentiles: a.metric_percentiles, goodput: a.goodput, windowMs: { startMs: run.startMs, endMs: run.endMs } },
      );
      for (const l of consoleBlock(a, m).trimEnd().split('\n')) say(l);
      const date = vllmDate(new Date());
      const name = resultFileName(a, model, date);
      writeFileAtomic(join(ctx.resultsDir, name), resultJsonText(vllmResult(a, m, { date, modelId: model, tokenizerId })));
      writeFileAtomic(join(ctx.resultsDir, 'stdout.log'), `${consoleLines.join('\n')}\n`);
      return [name, 'stdout.log'];
    },
    health: (result) => health(result, a),
  };
}

/**
 * loadgen_health.json. With --max-concurrency, requests waiting for a slot are vLLM's design
 * (client_queue_time in the result), not the load generator falling behind: that cause alone
 * does not mark the client as the bottleneck.
 */
function health(result: LoadResult, a: VllmArgs): LoadgenHealthFile {
  const cap = a.max_concurrency ?? undefined;
  const h = defaultHealth(result, cap !== undefined ? { value: cap, name: 'max-concurrency', hint: 'the wait is reported as client_queue_time' } : undefined);
  if (h.cause !== 'in-flight-cap') return h;
  return { ...h, client_bottleneck: false, clientBottleneck: false, cause: 'none', verdict: '', warnings: [], notes: [`requests waited for one of the ${cap} --max-concurrency slots (vLLM's semaphore, by design): see client_queue_time`] };
}

/**
 * The fields src/metrics' vllmBenchMetrics reads — times, chunk times (ITL), choice-chunk marks,
 * token counts (the output count resolved as outputTokens does), the error — and nothing else
 * (no per-chunk token list, tags or text), for the records held until the result JSON is written.
 */
function slim(r: RequestRecord): RequestRecord {
  const out: RequestRecord = {
    id: r.id,
    stage: r.stage,
    worker: r.worker,
    api: r.api,
    scheduledAtMs: r.scheduledAtMs,
    sentAtMs: r.sentAtMs,
    endAtMs: r.endAtMs,
    chunkTimesMs: r.chunkTimesMs,
    chunkTokens: [],
    promptTokensServer: inputTokens(r),
    completionTokensServer: outputTokens(r),
  };
  if (r.stream !== undefined) out.stream = r.stream;
  if (r.completionTokensClient !== undefined) out.completionTokensClient = r.completionTokensClient;
  if (r.firstChoiceAtMs !== undefined) out.firstChoiceAtMs = r.firstChoiceAtMs;
  if (r.lastChoiceAtMs !== undefined) out.lastChoiceAtMs = r.lastChoiceAtMs;
  if (r.choiceEventCount !== undefined) out.choiceEventCount = r.choiceEventCount;
  if (r.error) out.error = r.error;
  return out;
}
