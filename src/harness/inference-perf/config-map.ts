/**
 * inference-perf's config with every default filled in (harness-formats.md §2.2), in
 * inference-perf's own snake_case keys: this object is both what the run uses and what
 * is written back as the effective `config.yaml`.
 *
 * D's schema (index.ts/schema) validates the document first; this module only applies
 * defaults and normalises the forms the upstream profiles use (the misspelled `std`,
 * `variance`, shared_prefix aliases, stages written with explicit nulls).
 */
import { LlmdbenchError } from '../../util/errors.ts';

export type LoadType = 'constant' | 'poisson' | 'concurrent' | 'trace_replay' | 'trace_session_replay';

export interface IpStage {
  rate?: number;
  duration?: number;
  num_requests?: number;
  concurrency_level?: number;
  concurrent_sessions?: number;
  num_sessions?: number;
  session_rate?: number;
  timeout?: number;
}

export interface IpSweep {
  type: 'linear' | 'geometric';
  num_requests: number;
  timeout: number;
  num_stages: number;
  stage_duration: number;
  saturation_percentile: number;
}

export interface IpConfig {
  api: { type: 'completion' | 'chat' | 'anthropic_messages'; streaming: boolean; headers: Record<string, string> | null } & Record<string, unknown>;
  server: { type: string; model_name: string | null; base_url: string; ignore_eos: boolean; api_key: string | null } & Record<string, unknown>;
  tokenizer: ({ pretrained_model_name_or_path: string | null; trust_remote_code: boolean | null; token: string | null } & Record<string, unknown>) | null;
  load: {
    type: LoadType;
    interval: number;
    stages: IpStage[];
    sweep: IpSweep | null;
    num_workers: number;
    worker_max_concurrency: number;
    worker_max_tcp_connections: number;
    request_timeout: number | null;
    base_seed: number;
  } & Record<string, unknown>;
  data: { type: string } & Record<string, unknown>;
  report: {
    request_lifecycle: {
      summary: boolean;
      per_stage: boolean;
      per_request: boolean;
      per_adapter: boolean;
      per_adapter_stage: boolean;
      percentiles: number[];
      use_server_output_tokens: boolean;
      max_error_messages: number;
    };
  } & Record<string, unknown>;
  storage: { local_storage: { path: string; report_file_prefix: string | null } } & Record<string, unknown>;
  [key: string]: unknown;
}

export const DEFAULT_PERCENTILES = [0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** A Distribution object with defaults; `std` (a common misspelling) is NOT honoured, as in v0.6.1. */
export function normalizeDistribution(v: unknown): Obj {
  const d = obj(v);
  const out: Obj = { ...d };
  out.min = num(d.min, 10);
  out.max = num(d.max, 1024);
  out.mean = num(d.mean, 512);
  const variance = numOrNull(d.variance);
  out.std_dev = numOrNull(d.std_dev) ?? (variance !== null ? Math.sqrt(variance) : 200);
  out.type = str(d.type) ?? 'normal';
  out.total_count = numOrNull(d.total_count);
  out.skew = num(d.skew, 0);
  delete out.variance;
  return out;
}

function normalizeStages(type: LoadType, raw: unknown): IpStage[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((s) => {
    const o = obj(s);
    const st: IpStage = {};
    // Explicit nulls are tolerated (guide_pd-disaggregation_*): keep only numbers.
    for (const k of ['rate', 'duration', 'num_requests', 'concurrency_level', 'concurrent_sessions', 'num_sessions', 'session_rate', 'timeout'] as const) {
      const v = numOrNull(o[k]);
      if (v !== null) st[k] = v;
    }
    if (type === 'concurrent' && st.num_requests !== undefined) {
      // inference-perf sets rate = num_requests and duration = 1 for concurrent stages.
      st.rate = st.num_requests;
      st.duration = 1;
    }
    return st;
  });
}

/** Fill defaults; `cpuCount` is num_workers' default (inference-perf uses cpu_count()). */
export function resolveIpConfig(doc: unknown, opts: { cpuCount: number; nowMs?: number }): IpConfig {
  const root = obj(doc);
  const api = obj(root.api);
  const server = obj(root.server);
  const load = obj(root.load);
  const data = obj(root.data);
  const report = obj(root.report);
  const rl = obj(report.request_lifecycle);
  const storage = obj(root.storage);
  const ls = obj(storage.local_storage);
  const type = (str(load.type) ?? 'constant') as LoadType;
  const sweepRaw = isObj(load.sweep) ? load.sweep : null;

  const dataOut: Obj = { ...data, type: str(data.type) ?? 'mock' };
  for (const k of ['input_distribution', 'output_distribution'] as const) {
    if (data[k] !== undefined && data[k] !== null) dataOut[k] = normalizeDistribution(data[k]);
  }
  if (isObj(data.shared_prefix)) {
    const sp = { ...data.shared_prefix };
    // Aliases, written back under inference-perf's canonical names.
    if (sp.num_groups === undefined && sp.num_unique_system_prompts !== undefined) sp.num_groups = sp.num_unique_system_prompts;
    if (sp.num_prompts_per_group === undefined && sp.num_users_per_system_prompt !== undefined) sp.num_prompts_per_group = sp.num_users_per_system_prompt;
    delete sp.num_unique_system_prompts;
    delete sp.num_users_per_system_prompt;
    sp.num_groups = num(sp.num_groups, 10);
    sp.num_prompts_per_group = num(sp.num_prompts_per_group, 10);
    sp.system_prompt_len ??= 100;
    sp.question_len ??= 50;
    sp.output_len ??= 50;
    sp.enable_multi_turn_chat = bool(sp.enable_multi_turn_chat, false);
    dataOut.shared_prefix = sp;
  }

  const tokRaw = root.tokenizer;
  const tokenizer = isObj(tokRaw)
    ? {
        ...tokRaw,
        pretrained_model_name_or_path: str(tokRaw.pretrained_model_name_or_path),
        trust_remote_code: typeof tokRaw.trust_remote_code === 'boolean' ? tokRaw.trust_remote_code : null,
        token: str(tokRaw.token),
      }
    : null;

  const headersRaw = api.headers;
  let headers: Record<string, string> | null = null;
  if (isObj(headersRaw)) {
    headers = {};
    for (const [k, v] of Object.entries(headersRaw)) headers[k] = String(v);
  }

  return {
    ...root,
    api: { ...api, type: (str(api.type) ?? 'completion') as IpConfig['api']['type'], streaming: bool(api.streaming, false), headers },
    server: {
      ...server,
      type: str(server.type) ?? 'vllm',
      model_name: str(server.model_name),
      base_url: str(server.base_url) ?? '',
      ignore_eos: bool(server.ignore_eos, true),
      api_key: str(server.api_key),
    },
    tokenizer,
    load: {
      ...load,
      type,
      interval: num(load.interval, 1.0),
      stages: normalizeStages(type, load.stages),
      sweep: sweepRaw
        ? {
            type: (str(sweepRaw.type) ?? 'linear') as IpSweep['type'],
            num_requests: num(sweepRaw.num_requests, 2000),
            timeout: num(sweepRaw.timeout, 60),
            num_stages: num(sweepRaw.num_stages, 5),
            stage_duration: num(sweepRaw.stage_duration, 180),
            saturation_percentile: num(sweepRaw.saturation_percentile, 95),
          }
        : null,
      num_workers: num(load.num_workers, opts.cpuCount),
      worker_max_concurrency: num(load.worker_max_concurrency, 100),
      worker_max_tcp_connections: num(load.worker_max_tcp_connections, 2500),
      request_timeout: numOrNull(load.request_timeout),
      base_seed: num(load.base_seed, opts.nowMs ?? Date.now()),
    },
    data: dataOut as IpConfig['data'],
    report: {
      ...report,
      request_lifecycle: {
        ...rl,
        summary: bool(rl.summary, true),
        per_stage: bool(rl.per_stage, true),
        per_request: bool(rl.per_request, false),
        per_adapter: bool(rl.per_adapter, true),
        per_adapter_stage: bool(rl.per_adapter_stage, false),
        percentiles: Array.isArray(rl.percentiles) && rl.percentiles.every((p) => typeof p === 'number') ? (rl.percentiles as number[]) : DEFAULT_PERCENTILES,
        use_server_output_tokens: bool(rl.use_server_output_tokens, false),
        max_error_messages: num(rl.max_error_messages, 100),
      },
    },
    storage: {
      ...storage,
      local_storage: { ...ls, path: str(ls.path) ?? 'reports-{timestamp}', report_file_prefix: str(ls.report_file_prefix) },
    },
  };
}

/**
 * Requests per stage, as inference-perf counts them: int(rate × duration) for
 * constant/poisson, num_requests for concurrent.
 */
export function stageRequestCount(type: LoadType, s: IpStage): number {
  if (type === 'concurrent') return Math.max(0, Math.trunc(s.num_requests ?? 0));
  return Math.max(0, Math.trunc((s.rate ?? 0) * (s.duration ?? 0) + 1e-9));
}

/** Problems the run cannot start with, found after defaults (all at once). */
export function runnableProblems(c: IpConfig): string[] {
  const out: string[] = [];
  if (c.load.stages.length === 0 && !c.load.sweep) out.push('load: either `stages` or `sweep` must be set');
  c.load.stages.forEach((s, i) => {
    if (c.load.type === 'concurrent') {
      if (!(s.num_requests! > 0)) out.push(`load.stages[${i}].num_requests: must be > 0 for a concurrent stage`);
      if (!(s.concurrency_level! > 0)) out.push(`load.stages[${i}].concurrency_level: must be > 0 for a concurrent stage`);
    } else if (c.load.type === 'constant' || c.load.type === 'poisson' || c.load.type === 'trace_replay') {
      if (!(s.rate! > 0)) out.push(`load.stages[${i}].rate: must be > 0`);
      if (!(s.duration! > 0)) out.push(`load.stages[${i}].duration: must be > 0`);
    }
  });
  if (c.load.sweep && (c.load.type === 'concurrent' || c.load.type === 'trace_session_replay')) {
    out.push(`load.sweep: not allowed with load.type ${c.load.type}`);
  }
  if (c.api.type === 'anthropic_messages') out.push('api.type: anthropic_messages is not supported by llmdbench (use completion or chat)');
  return out;
}

export function assertRunnable(c: IpConfig, file: string): void {
  const problems = runnableProblems(c);
  if (problems.length > 0) {
    throw new LlmdbenchError('E_IP_CONFIG', `inference-perf config ${file} cannot be run`, {
      details: problems,
      location: { file },
      hint: 'fix the profile, or override the field with -o key=value',
    });
  }
}
