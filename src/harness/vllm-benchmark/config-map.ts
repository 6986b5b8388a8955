/**
 * A vllm-benchmark profile (flat `vllm bench serve` options) → the resolved arguments, every
 * default filled in as vLLM's argparse would (snake_case, like its Namespace), plus the
 * checks that make a profile runnable here. `none` values are bare flags (true); `executable`
 * is ignored (inferencemax's script name). Pure: no I/O.
 */
import { LlmdbenchError } from '../../util/errors.ts';

export interface VllmArgs {
  backend: string;
  base_url: string | null;
  host: string;
  port: number;
  endpoint: string;
  header: Record<string, string>;
  model: string | null;
  served_model_name: string | null;
  tokenizer: string | null;
  dataset_name: string;
  dataset_path: string | null;
  num_prompts: number;
  seed: number;
  no_stream: boolean;
  random_input_len: number;
  random_output_len: number;
  random_range_ratio: number;
  random_prefix_len: number;
  sonnet_input_len: number;
  sonnet_output_len: number;
  sonnet_prefix_len: number;
  sharegpt_output_len: number | null;
  custom_output_len: number;
  prefix_repetition_prefix_len: number;
  prefix_repetition_suffix_len: number;
  prefix_repetition_num_prefixes: number;
  prefix_repetition_output_len: number;
  request_rate: number;
  burstiness: number;
  max_concurrency: number | null;
  ramp_up_strategy: 'linear' | 'exponential' | null;
  ramp_up_start_rps: number | null;
  ramp_up_end_rps: number | null;
  num_warmups: number;
  ignore_eos: boolean;
  sampling: Record<string, number>;
  extra_body: Record<string, unknown>;
  percentile_metrics: string[];
  metric_percentiles: number[];
  goodput: Partial<Record<'ttft' | 'tpot' | 'e2el', number>>;
  save_detailed: boolean;
  append_result: boolean;
  result_dir: string | null;
  result_filename: string | null;
  label: string | null;
  metadata: Record<string, string>;
}

type Rec = Record<string, unknown>;

/** Datasets we can run (local data only); the others need Hugging Face or are multimodal. */
export const RUNNABLE_DATASETS = ['random', 'sharegpt', 'sonnet', 'custom', 'prefix_repetition'] as const;
export const CHAT_BACKENDS = new Set(['openai-chat']);
export const COMPLETION_BACKENDS = new Set(['vllm', 'openai']);

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const flag = (v: unknown): boolean => v === 'none' || v === true;
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []);

function keyValues(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list(v)) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
  }
  return out;
}

/** Every default of `vllm bench serve`, the profile's values over them. */
export function resolveVllmArgs(profile: unknown): VllmArgs {
  const p = (profile && typeof profile === 'object' ? profile : {}) as Rec;
  const g = (k: string): unknown => p[k];
  const n = (k: string, d: number): number => num(g(k)) ?? d;
  const outLen = num(g('output-len'));
  const goodput: VllmArgs['goodput'] = {};
  for (const pair of list(g('goodput'))) {
    const [k, v] = pair.split(':');
    if ((k === 'ttft' || k === 'tpot' || k === 'e2el') && num(v) !== undefined) goodput[k] = num(v)!;
  }
  const sampling: Record<string, number> = {};
  for (const [k, key] of [['temperature', 'temperature'], ['top-p', 'top_p'], ['top-k', 'top_k'], ['min-p', 'min_p'], ['frequency-penalty', 'frequency_penalty'], ['presence-penalty', 'presence_penalty'], ['repetition-penalty', 'repetition_penalty']] as const) {
    const v = num(g(k));
    if (v !== undefined) sampling[key] = v;
  }
  let extra: Rec = {};
  const eb = g('extra-body');
  if (typeof eb === 'string' && eb.trim() !== '') {
    try {
      extra = JSON.parse(eb) as Rec;
    } catch {
      throw new LlmdbenchError('E_VLLM_ARGS', `extra-body is not JSON: ${eb}`, { location: { keyPath: 'extra-body' } });
    }
  } else if (eb && typeof eb === 'object') extra = eb as Rec;
  const rate = g('request-rate');
  const datasetName = str(g('dataset-name')) ?? 'random';
  const backend = str(g('backend')) ?? 'openai';
  const pm = str(g('percentile-metrics'));
  return {
    backend,
    base_url: str(g('base-url')),
    host: str(g('host')) ?? '127.0.0.1',
    port: n('port', 8000),
    endpoint: str(g('endpoint')) ?? '/v1/completions',
    header: keyValues(g('header')),
    model: str(g('model')),
    served_model_name: str(g('served-model-name')),
    tokenizer: str(g('tokenizer')),
    dataset_name: datasetName,
    dataset_path: str(g('dataset-path')),
    num_prompts: n('num-prompts', 1000),
    seed: n('seed', 0),
    no_stream: flag(g('no-stream')),
    random_input_len: num(g('input-len')) ?? n('random-input-len', 1024),
    random_output_len: outLen ?? n('random-output-len', 128),
    random_range_ratio: n('random-range-ratio', 0),
    random_prefix_len: n('random-prefix-len', 0),
    sonnet_input_len: n('sonnet-input-len', 550),
    sonnet_output_len: n('sonnet-output-len', 150),
    sonnet_prefix_len: n('sonnet-prefix-len', 200),
    sharegpt_output_len: outLen ?? num(g('sharegpt-output-len')) ?? null,
    custom_output_len: outLen ?? n('custom-output-len', 256),
    prefix_repetition_prefix_len: n('prefix-repetition-prefix-len', 256),
    prefix_repetition_suffix_len: n('prefix-repetition-suffix-len', 256),
    prefix_repetition_num_prefixes: n('prefix-repetition-num-prefixes', 10),
    prefix_repetition_output_len: outLen ?? n('prefix-repetition-output-len', 128),
    request_rate: rate === undefined || rate === 'inf' ? Infinity : (num(rate) ?? Infinity),
    burstiness: n('burstiness', 1),
    max_concurrency: num(g('max-concurrency')) ?? null,
    ramp_up_strategy: g('ramp-up-strategy') === 'linear' || g('ramp-up-strategy') === 'exponential' ? (g('ramp-up-strategy') as 'linear' | 'exponential') : null,
    ramp_up_start_rps: num(g('ramp-up-start-rps')) ?? null,
    ramp_up_end_rps: num(g('ramp-up-end-rps')) ?? null,
    num_warmups: n('num-warmups', 0),
    // vLLM forces ignore_eos for the random datasets with OpenAI-compatible backends
    ignore_eos: flag(g('ignore-eos')) || datasetName === 'random',
    sampling,
    extra_body: { ...sampling, ...extra },
    percentile_metrics: (pm ?? 'ttft,tpot,itl').split(',').map((s) => s.trim()).filter(Boolean),
    metric_percentiles: String(g('metric-percentiles') ?? '99').split(',').map((s) => Number(s.trim())),
    goodput,
    save_detailed: flag(g('save-detailed')),
    append_result: flag(g('append-result')),
    result_dir: str(g('result-dir')),
    result_filename: str(g('result-filename')),
    label: str(g('label')),
    metadata: keyValues(g('metadata')),
  };
}

/** What vLLM would run but we cannot (yet), before anything starts. */
export function assertRunnable(a: VllmArgs, profileName: string): void {
  if (!CHAT_BACKENDS.has(a.backend) && !COMPLETION_BACKENDS.has(a.backend)) {
    throw new LlmdbenchError('E_VLLM_UNSUPPORTED', `${profileName}: backend ${a.backend} is not supported by llmdbench`, {
      location: { keyPath: 'backend' },
      hint: 'use backend vllm, openai (completions) or openai-chat',
    });
  }
  if (!(RUNNABLE_DATASETS as readonly string[]).includes(a.dataset_name)) {
    const network = ['hf', 'burstgpt', 'spec_bench'].includes(a.dataset_name);
    throw new LlmdbenchError(network ? 'E_DATA_NEEDS_NETWORK' : 'E_VLLM_UNSUPPORTED', `${profileName}: dataset-name ${a.dataset_name} is not supported by llmdbench${network ? ' (it downloads from the network)' : ''}`, {
      location: { keyPath: 'dataset-name' },
      hint: `use one of ${RUNNABLE_DATASETS.join(', ')}`,
    });
  }
  if (a.ramp_up_strategy === null && !(a.request_rate > 0)) {
    throw new LlmdbenchError('E_VLLM_ARGS', `${profileName}: request-rate must be > 0 or inf`, { location: { keyPath: 'request-rate' } });
  }
}
