/**
 * The inference-perf harness's mapping onto our engine: take inference-perf's config, map it
 * onto the engine (schedules, data source, API client, tokenizer, timeouts) and hand the load
 * job to the shared glue (src/harness/common/run-harness.ts), which runs it and streams the raw
 * records; per-request entries are streamed here, inference-perf's native files written after.
 * Prints `Stage <N> - run started/completed/failed` as inference-perf does (llm-d watches for
 * the last `run completed` line).
 */
import { availableParallelism } from 'node:os';
import type { HarnessLoad, HarnessPreflightContext, HarnessRunContext, ProfileIssue } from '../types.ts';
import type { RequestRecord, RequestSpec } from '../../engine/types.ts';
import type { RequestSource as LoadSource } from '../../engine/loadgen/index.ts';
import { apiClients } from '../../engine/client/api.ts';
import { recycleRaw } from '../../engine/client/body-pool.ts';
import { assertRunnable, resolveIpConfig, type IpConfig } from './config-map.ts';
import { planStages, workerSizing } from './load-map.ts';
import { mapData, openDataSource } from './data-map.ts';
import { dataSources } from '../../engine/datagen/index.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { throwIfInterrupted } from '../../util/interrupt.ts';
import { createLogger } from '../../util/logger.ts';
import { openTokenizer } from './tokenizer-map.ts';
import { discoverModel } from '../common/model.ts';
import { LifecycleFiles, PerRequestWriter, writeEffectiveConfig, type StageInfo } from './outputs.ts';
import { healthVerdict } from './health.ts';
import { measureSweep } from './sweep.ts';

/** inference-perf's client default for max_tokens. */
const CLIENT_DEFAULT_MAX_TOKENS = 30;

/**
 * Everything that can be known wrong without a target, checked before anything starts (the
 * executor calls it for every unit before the embedded simulator starts): the config is
 * runnable, the load type is supported, the data source needs no network and its section is
 * valid. The same checks run again in prepareInferencePerf (they are cheap).
 */
export function preflightInferencePerf(ctx: HarnessPreflightContext): void {
  const cfg: IpConfig = resolveIpConfig(ctx.profile, { cpuCount: availableParallelism() });
  assertRunnable(cfg, ctx.profileName);
  planStages(cfg, createLogger('silent'));
  const m = mapData(cfg, ctx);
  const errors = dataSources.get(m.kind).validate(m.cfg, m.at).filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const fmt = (i: ProfileIssue): string => `${i.path.join('.')}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;
    throw new LlmdbenchError('E_IP_DATA', `${ctx.profileName}: the data section cannot be used`, { details: errors.map(fmt), location: { keyPath: m.at.join('.') } });
  }
}

export async function prepareInferencePerf(ctx: HarnessRunContext): Promise<HarnessLoad> {
  const log = ctx.log;
  const cfg: IpConfig = resolveIpConfig(ctx.profile, { cpuCount: availableParallelism() });
  assertRunnable(cfg, ctx.profileName);
  // As llm-d's harness script: the endpoint and the storage path are rewritten to ours.
  cfg.server.base_url = ctx.endpointUrl;
  cfg.storage.local_storage.path = ctx.resultsDir;

  // Everything that can fail for a bad profile or a missing file fails here, before any load.
  // Ctrl-C between the steps stops the unit before anything is sent.
  const tokenizer = await openTokenizer(cfg, ctx);
  throwIfInterrupted(ctx.signal, 'loading the tokenizer');
  let stagesPlan = planStages(cfg, log);
  const model = cfg.server.model_name ?? (await discoverModel(ctx.endpointUrl, ctx.model, log));
  cfg.server.model_name = model;
  throwIfInterrupted(ctx.signal, 'planning the load');
  const countHint = cfg.load.sweep ? [{ planned: cfg.load.sweep.num_requests }] : stagesPlan;
  const source = await openDataSource(cfg, ctx, tokenizer, countHint);
  if (ctx.signal.aborted) source.close?.();
  throwIfInterrupted(ctx.signal, 'generating the data');
  const sizing = workerSizing(cfg);
  const clientOpts = {
    baseUrl: ctx.endpointUrl,
    model,
    ...(cfg.server.api_key ? { apiKey: cfg.server.api_key } : {}),
    headers: { ...(cfg.api.headers ?? {}) },
    ...(cfg.load.request_timeout !== null ? { requestTimeoutMs: cfg.load.request_timeout * 1000 } : {}),
  };
  const loadSource: LoadSource = {
    next: async (i) => {
      const spec = await source.get(i);
      // inference-perf's client sends max_tokens = 30 when the data gives none (mock, shareGPT chat).
      if (spec.maxTokens === undefined || spec.maxTokens === 0) spec.maxTokens = CLIENT_DEFAULT_MAX_TOKENS;
      return spec;
    },
    onResponse: (spec, rec) => source.onResponse?.(spec, { ok: !rec.error, ...(rec.outputText !== undefined ? { text: rec.outputText } : {}) }),
  };
  if (stagesPlan.length === 0 && cfg.load.sweep) stagesPlan = await measureSweep(cfg, { ...clientOpts, keepText: source.sessions }, loadSource, ctx.signal, log);

  const files: string[] = [writeEffectiveConfig(ctx.resultsDir, cfg)];
  const rl = cfg.report.request_lifecycle;
  const perRequest = rl.per_request ? new PerRequestWriter(ctx.resultsDir, cfg) : undefined;
  const perToken = cfg.tokenizer !== null && cfg.api.streaming;
  const client = apiClients.get(cfg.api.type === 'chat' ? 'chat' : 'completion');
  const specs = new Map<number, RequestSpec>();
  const stageInfos: StageInfo[] = stagesPlan.map((s, i) => ({
    index: i,
    requestedRate: s.requestedRate,
    ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}),
  }));
  const lifecycle = new LifecycleFiles(cfg, stageInfos);

  return {
    stages: stagesPlan.map((s) => ({ plan: s.plan, planned: s.planned, requestedRate: s.requestedRate, ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}) })),
    files,
    engine: {
      // per_request needs each response verbatim (record.raw), dropped once its entry is written.
      client: { ...clientOpts, keepText: source.sessions, keepRaw: Boolean(perRequest) },
      source: {
        next: async (i, stage) => {
          const spec = await loadSource.next(i, stage);
          if (perRequest) specs.set(i, spec);
          return spec;
        },
        onResponse: loadSource.onResponse!,
      },
      intervalMs: cfg.load.interval * 1000,
      // inference-perf starts each stage clock 1 s ahead so its worker queues can fill; our
      // dispatcher prefetches, so 100 ms is enough (offsets and every metric are unchanged); the
      // first offset counts towards it (a constant/poisson stage's first request is a drawn gap
      // after the clock: that clock starts at once).
      leadMs: 100,
      workers: sizing.workers,
      // inference-perf's semaphore: at most num_workers × worker_max_concurrency in flight (open
      // loop). A due request waits in our executor for a slot, so the wait is schedule lag (as
      // inference-perf sends it late), never hidden inside TTFT; the pool is sized to the same number.
      ...(sizing.connections !== undefined ? { maxInFlight: sizing.connections } : {}),
    },
    // Lifecycle statistics and per_request entries as requests finish: no record is kept.
    onRecord: (rec: RequestRecord) => {
      lifecycle.add(rec);
      if (!perRequest) return;
      const spec = specs.get(rec.id);
      specs.delete(rec.id);
      perRequest.addRecord(rec, spec ? client.buildBody(spec, model) : null, perToken);
      // The entry holds a copy of the response: its buffer serves a later response.
      recycleRaw(rec.raw);
      delete rec.raw;
    },
    onStageStart: (stage) => log.info(`Stage ${stage} - run started`),
    onStageEnd: (stage, aborted) => log.info(`Stage ${stage} - run ${aborted ? 'failed' : 'completed'}`),
    // Release the data source's timers and close per_request's JSON array even if the engine failed.
    close: async () => {
      source.close?.();
      if (perRequest) await perRequest.close();
    },
    writeOutputs: () => [...(perRequest?.ok ? [perRequest.name] : []), ...lifecycle.write(ctx.resultsDir)],
    health: (result) => healthVerdict(result, sizing),
  };
}
