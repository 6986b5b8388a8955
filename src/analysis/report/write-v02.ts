/**
 * CommonReport → llm-d benchmark report v0.2 / v0.2.1 (`benchmark_report_v0.2,_<native>.yaml`,
 * `benchmark_report_v0.2.1,_<native>.yaml`), as upstream's native_to_br0_2 (+ _2_1):
 * `run` from run_metadata.yaml (eid = uuid5(URL, experiment id), time, user
 * "namespace=<ns>"), `scenario.load` standardized + native + cfg_id, `results`
 * aggregate Statistics. v0.2.1 adds request_size / multimodal / media rates.
 */
import { parseHarnessArgs } from './context.ts';
import { configHash, NAMESPACE_URL, uuid4, uuid5 } from './ids.ts';
import { plain } from './pyjson.ts';
import { prune } from './prune.ts';
import type { CommonReport, ReportVersion, RunContext } from './types.ts';

/** True when the context came from a run (upstream: inside the harness pod). */
export function inRun(ctx: RunContext): boolean {
  return ctx.start !== undefined || ctx.harnessVersion !== undefined || ctx.experimentId !== undefined;
}

/**
 * `scenario.load.native` before the converter's own additions (upstream _populate_load).
 * Outside a run, a profile given explicitly (`report convert --config`) is used as the config.
 */
function baseNative(ctx: RunContext): Record<string, unknown> {
  if (!inRun(ctx)) return ctx.config === undefined ? {} : { config: ctx.config };
  return { args: parseHarnessArgs(ctx.harnessArgs), config: ctx.config ?? null };
}

export function cfgId(c: CommonReport, ctx: RunContext): string {
  const base = baseNative(ctx);
  if (c.cfgIdOf === 'config') return configHash(base['config'] ?? c.native.config ?? {});
  const native = { ...base };
  if (c.native.config !== undefined && !native['config']) native['config'] = c.native.config;
  return configHash(native);
}

export function toV02(c: CommonReport, ctx: RunContext, version: Exclude<ReportVersion, '0.1'>, uid = uuid4()): Record<string, unknown> {
  const base = baseNative(ctx);
  const native: Record<string, unknown> = { ...base };
  if (c.native.config !== undefined && (c.cfgIdOf === 'native' ? !native['config'] : native['config'] === undefined || native['config'] === null)) {
    native['config'] = c.native.config;
  }
  if (c.cfgIdOf === 'config' && (native['config'] === null || native['config'] === undefined)) native['config'] = {};
  const run = inRun(ctx)
    ? {
        uid,
        eid: uuid5(NAMESPACE_URL, ctx.experimentId ?? ''),
        pid: ctx.pid,
        user: `namespace=${ctx.namespace ?? ''}`,
        time: { start: ctx.start, end: ctx.end, duration: ctx.duration, ...definedOnly(c.time ?? {}) },
        description: ctx.description,
        keywords: ctx.keywords,
      }
    : { uid, time: c.time };
  const req = c.requests;
  const lat = c.latency;
  const tp = c.throughput;
  const v021 = version === '0.2.1';
  const aggregate = c.allFailed
    ? { requests: { total: req.total, failures: req.failures } }
    : {
        requests: {
          total: req.total,
          failures: req.failures,
          incomplete: req.incomplete,
          input_length: req.inputLength,
          output_length: req.outputLength,
          request_size: v021 ? req.requestSize : undefined,
          multimodal: v021 ? req.multimodal : undefined,
        },
        latency: {
          time_to_first_token: lat.ttft,
          normalized_time_per_output_token: lat.ntpot,
          time_per_output_token: lat.tpot,
          inter_token_latency: lat.itl,
          request_latency: lat.requestLatency,
        },
        throughput: {
          input_token_rate: tp.inputTokenRate,
          output_token_rate: tp.outputTokenRate,
          total_token_rate: tp.totalTokenRate,
          request_rate: tp.requestRate,
          ...(v021 ? c.mediaRates ?? {} : {}),
        },
      };
  const l = c.load;
  const report = {
    version,
    run,
    scenario: {
      load: {
        metadata: { schema_version: '0.0.1', cfg_id: cfgId(c, ctx), description: c.loadDescription },
        standardized: {
          tool: c.harness,
          tool_version: ctx.harnessVersion ?? '',
          parallelism: ctx.parallelism ?? 1,
          source: l.source,
          stage: l.stage,
          input_seq_len: l.inputSeqLen,
          output_seq_len: l.outputSeqLen,
          prefix: l.prefix,
          multi_turn: l.multiTurn,
          rate_qps: l.rateQps,
          concurrency: l.concurrency,
        },
        native: plain(native),
      },
    },
    results: {
      request_performance: c.sessions ? undefined : { aggregate },
      session_performance: c.sessions && v021 ? { sessions: c.sessions } : undefined,
      // Goodput has no schema field; Observability is the results section that allows extra fields.
      observability: c.goodput ? { ...(ctx.observability ?? {}), goodput: c.goodput } : ctx.observability,
    },
  };
  return prune(report);
}

function definedOnly(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
