/**
 * The effective `config.yaml` exactly as inference-perf v0.6.1 dumps it: every field of its
 * pydantic models in model order, nulls and defaults included, keys it does not know dropped
 * (v0.6.1 ignores them), floats written as floats (`rate: 4.0`), lists not indented (PyYAML).
 * Reference: ../shared/upstream/samples/inference-perf/v0.6.1-run/config.yaml. Sections the sample
 * leaves null (shared_prefix, sweep, goodput) follow the model fields of inference-perf's source;
 * sections we do not model (metrics, trace, multimodal, replay configs) are written as given.
 * Secrets are masked (our rule; v0.6.1 writes them in clear).
 */
import { Scalar, stringify } from 'yaml';
import type { IpConfig, IpStage } from './config-map.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const orNull = (v: unknown): unknown => (v === undefined ? null : v);
const MASK = '***';

/** A number PyYAML writes as a float (`4.0`); null stays null. */
function float(v: unknown): unknown {
  if (typeof v !== 'number') return orNull(v);
  const s = new Scalar(v);
  s.minFractionDigits = 1;
  return s;
}

/** v0.6.1's Distribution. */
function distribution(v: unknown): unknown {
  if (!isObj(v)) return orNull(v);
  return {
    min: orNull(v.min),
    max: orNull(v.max),
    mean: float(v.mean),
    std_dev: float(v.std_dev),
    total_count: orNull(v.total_count),
    type: orNull(v.type),
    variance: float(v.variance),
    skew: float(v.skew ?? 0),
  };
}

/** An int or a Distribution (shared_prefix lengths). */
const lenOrDist = (v: unknown, d: number): unknown => (isObj(v) ? distribution(v) : (v ?? d));

function sharedPrefix(v: unknown): unknown {
  if (!isObj(v)) return orNull(v);
  // Serialised under inference-perf's aliases.
  return {
    num_unique_system_prompts: v.num_groups ?? 10,
    num_users_per_system_prompt: v.num_prompts_per_group ?? 10,
    system_prompt_len: lenOrDist(v.system_prompt_len, 100),
    question_len: lenOrDist(v.question_len, 50),
    output_len: lenOrDist(v.output_len, 50),
    seed: orNull(v.seed),
    question_distribution: distribution(v.question_distribution),
    output_distribution: distribution(v.output_distribution),
    enable_multi_turn_chat: v.enable_multi_turn_chat ?? false,
    multimodal: orNull(v.multimodal),
  };
}

function stage(type: IpConfig['load']['type'], s: IpStage): Obj {
  if (type === 'concurrent') {
    return { num_requests: orNull(s.num_requests), concurrency_level: orNull(s.concurrency_level), rate: float(s.rate), duration: orNull(s.duration) };
  }
  if (type === 'trace_session_replay') {
    return { concurrent_sessions: orNull(s.concurrent_sessions), session_rate: float(s.session_rate), num_sessions: orNull(s.num_sessions), timeout: float(s.timeout) };
  }
  return { rate: float(s.rate), duration: orNull(s.duration), num_requests: orNull(s.num_requests), concurrency_level: orNull(s.concurrency_level) };
}

/** The config document v0.6.1 writes for `cfg` (plain objects and yaml Scalars). */
export function configDocument(cfg: IpConfig): Obj {
  const { api, data, load, server, tokenizer, storage } = cfg;
  const report = cfg.report;
  const rl = report.request_lifecycle;
  const prom = report.prometheus === null ? null : obj(report.prometheus);
  const sess = obj(report.session_lifecycle);
  const goodput = isObj(report.goodput) ? { constraints: obj(report.goodput.constraints) } : null;
  const headers = api.headers ? Object.fromEntries(Object.entries(api.headers).map(([k, v]) => [k, /auth|key|token/i.test(k) ? MASK : v])) : null;
  return {
    api: {
      type: api.type,
      streaming: api.streaming,
      headers,
      slo_unit: orNull(api.slo_unit),
      slo_tpot_header: orNull(api.slo_tpot_header),
      slo_ttft_header: orNull(api.slo_ttft_header),
      response_format: orNull(api.response_format),
      session_id_header_key: orNull(api.session_id_header_key),
    },
    data: {
      type: data.type,
      path: orNull(data.path),
      corpus_file_path: orNull(data.corpus_file_path),
      input_distribution: distribution(data.input_distribution),
      output_distribution: distribution(data.output_distribution),
      shared_prefix: sharedPrefix(data.shared_prefix),
      multimodal: orNull(data.multimodal),
      trace: orNull(data.trace),
      otel_trace_replay: orNull(data.otel_trace_replay),
      weka_trace_replay: orNull(data.weka_trace_replay),
      conversation_replay: orNull(data.conversation_replay),
      visionarena: orNull(data.visionarena),
    },
    load: {
      type: load.type,
      interval: float(load.interval),
      stages: load.stages.map((s) => stage(load.type, s)),
      sweep: load.sweep
        ? {
            type: load.sweep.type,
            num_requests: load.sweep.num_requests,
            timeout: float(load.sweep.timeout),
            num_stages: load.sweep.num_stages,
            stage_duration: load.sweep.stage_duration,
            saturation_percentile: float(load.sweep.saturation_percentile),
          }
        : null,
      num_workers: load.num_workers,
      worker_max_concurrency: load.worker_max_concurrency,
      worker_max_tcp_connections: load.worker_max_tcp_connections,
      trace: orNull(load.trace),
      circuit_breakers: Array.isArray(load.circuit_breakers) ? load.circuit_breakers : [],
      request_timeout: float(load.request_timeout),
      lora_traffic_split: orNull(load.lora_traffic_split),
      base_seed: load.base_seed,
    },
    metrics: orNull(cfg.metrics),
    report: {
      request_lifecycle: {
        summary: rl.summary,
        per_stage: rl.per_stage,
        per_request: rl.per_request,
        per_adapter: rl.per_adapter,
        per_adapter_stage: rl.per_adapter_stage,
        percentiles: rl.percentiles.map(float),
        use_server_output_tokens: rl.use_server_output_tokens,
        max_error_messages: rl.max_error_messages,
      },
      prometheus: prom && { summary: prom.summary ?? true, per_stage: prom.per_stage ?? false },
      session_lifecycle: { summary: sess.summary ?? true, per_stage: sess.per_stage ?? true, per_session: sess.per_session ?? false },
      goodput,
    },
    storage: {
      local_storage: { path: storage.local_storage.path, report_file_prefix: storage.local_storage.report_file_prefix },
      google_cloud_storage: orNull(storage.google_cloud_storage),
      simple_storage_service: orNull(storage.simple_storage_service),
    },
    server: {
      type: server.type,
      model_name: server.model_name,
      base_url: server.base_url,
      ignore_eos: server.ignore_eos,
      api_key: server.api_key ? MASK : null,
      cert_path: orNull(server.cert_path),
      key_path: orNull(server.key_path),
    },
    tokenizer: tokenizer
      ? { pretrained_model_name_or_path: tokenizer.pretrained_model_name_or_path, trust_remote_code: tokenizer.trust_remote_code, token: tokenizer.token ? MASK : null }
      : null,
    circuit_breakers: orNull(cfg.circuit_breakers),
  };
}

/** config.yaml's text: PyYAML's block style (lists not indented under their key). */
export function configYaml(cfg: IpConfig): string {
  return stringify(configDocument(cfg), { indentSeq: false, lineWidth: 0 });
}
