/**
 * vllm-benchmark profile: flat `key: value` lines, each becoming a
 * `vllm bench serve --key=value` option (`executable` is dropped; a value of
 * `none` becomes a bare flag: `ignore-eos: none` → `--ignore-eos`).
 */
import { z } from 'zod';
import type { ProfileIssue } from '../types.ts';
import { error, isNum, isSet, type Rec } from '../schema-common.ts';

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const toNum = (v: unknown): unknown => (typeof v === 'string' && NUMERIC.test(v.trim()) ? Number(v) : v);
const num = (s: z.ZodNumber) => z.preprocess(toNum, s);

/** A store_true option: only `none` (bare flag) is valid, since `--flag=true` is rejected by argparse. */
const FLAG_KEYS = new Set<string>();
const flag = (key: string) => {
  FLAG_KEYS.add(key);
  return z.custom<'none'>((v) => v === 'none', {
    message: `"${key}" is a flag: write "${key}: none" (it becomes --${key}); any other value makes vllm bench fail`,
  }).describe('flag: `none`');
};
const str = z.string().min(1);
const int = num(z.number().int());
const posInt = num(z.number().int().positive());
const nonNegInt = num(z.number().int().nonnegative());
const anyNum = num(z.number());
const posNum = num(z.number().positive());
const requestRate = z.custom<number | 'inf'>((v) => v === 'inf' || (isNum(toNum(v)) && (toNum(v) as number) > 0), {
  message: 'must be a positive number (requests/s) or "inf" (send everything at once)',
}).describe('number > 0 \\| "inf"');
const csv = z.union([z.string(), z.number()]);

export const VLLM_BACKENDS = [
  'vllm', 'openai', 'openai-chat', 'openai-audio', 'openai-embeddings', 'openai-embeddings-chat',
  'openai-embeddings-clip', 'openai-embeddings-vlm2vec', 'vllm-pooling', 'vllm-rerank',
  'tgi', 'lmdeploy', 'deepspeed-mii', 'sglang', 'scalellm', 'llama.cpp', 'tensorrt-llm',
] as const;
export const VLLM_DATASETS = [
  'sharegpt', 'burstgpt', 'sonnet', 'random', 'random-mm', 'random-rerank', 'hf', 'custom',
  'prefix_repetition', 'spec_bench', 'txt-slices', 'timed_trace',
] as const;
export const VLLM_PERCENTILE_METRICS = ['ttft', 'tpot', 'itl', 'e2el', 'client_queue_time', 'e2el_including_client_queue'] as const;

/** Every `vllm bench serve` option the profiles may use (kebab-case, as on the command line). */
export const vllmBenchShape = {
  executable: str.optional(),
  // endpoint
  backend: z.enum(VLLM_BACKENDS).optional(),
  'base-url': str.optional(),
  host: str.optional(),
  port: posInt.optional(),
  endpoint: str.optional(),
  header: z.union([z.string(), z.array(z.string())]).optional(),
  model: str.optional(),
  'served-model-name': str.optional(),
  tokenizer: str.optional(),
  'tokenizer-mode': str.optional(),
  'skip-tokenizer-init': flag('skip-tokenizer-init').optional(),
  'trust-remote-code': flag('trust-remote-code').optional(),
  insecure: flag('insecure').optional(),
  // dataset
  'dataset-name': z.enum(VLLM_DATASETS).optional(),
  'dataset-path': str.optional(),
  'num-prompts': posInt.optional(),
  seed: int.optional(),
  'no-oversample': flag('no-oversample').optional(),
  'disable-shuffle': flag('disable-shuffle').optional(),
  'skip-chat-template': flag('skip-chat-template').optional(),
  'no-stream': flag('no-stream').optional(),
  'input-len': posInt.optional(),
  'output-len': posInt.optional(),
  'random-input-len': posInt.optional(),
  'random-output-len': posInt.optional(),
  'random-range-ratio': num(z.number().min(0).lt(1)).optional(),
  'random-prefix-len': nonNegInt.optional(),
  'random-batch-size': posInt.optional(),
  'sonnet-input-len': posInt.optional(),
  'sonnet-output-len': posInt.optional(),
  'sonnet-prefix-len': nonNegInt.optional(),
  'sharegpt-output-len': posInt.optional(),
  'custom-output-len': int.optional(),
  'hf-subset': str.optional(),
  'hf-split': str.optional(),
  'hf-name': str.optional(),
  'hf-output-len': posInt.optional(),
  'prefix-repetition-prefix-len': nonNegInt.optional(),
  'prefix-repetition-suffix-len': nonNegInt.optional(),
  'prefix-repetition-num-prefixes': posInt.optional(),
  'prefix-repetition-output-len': posInt.optional(),
  // traffic
  'request-rate': requestRate.optional(),
  burstiness: posNum.optional(),
  'max-concurrency': posInt.optional(),
  'ramp-up-strategy': z.enum(['linear', 'exponential']).optional(),
  'ramp-up-start-rps': posNum.optional(),
  'ramp-up-end-rps': posNum.optional(),
  'num-warmups': nonNegInt.optional(),
  'ready-check-timeout-sec': nonNegInt.optional(),
  'probe-request-rate': anyNum.optional(),
  // sampling
  'ignore-eos': flag('ignore-eos').optional(),
  temperature: num(z.number().nonnegative()).optional(),
  'top-p': anyNum.optional(),
  'top-k': int.optional(),
  'min-p': anyNum.optional(),
  'frequency-penalty': anyNum.optional(),
  'presence-penalty': anyNum.optional(),
  'repetition-penalty': anyNum.optional(),
  'extra-body': z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  logprobs: nonNegInt.optional(),
  'lora-modules': z.union([z.string(), z.array(z.string())]).optional(),
  'lora-assignment': z.enum(['random', 'round-robin']).optional(),
  // reporting
  'percentile-metrics': z.string().optional(),
  'metric-percentiles': csv.optional(),
  goodput: z.union([z.string(), z.array(z.string())]).optional(),
  'save-result': flag('save-result').optional(),
  'save-detailed': flag('save-detailed').optional(),
  'append-result': flag('append-result').optional(),
  'result-dir': str.optional(),
  'result-filename': str.optional(),
  label: str.optional(),
  metadata: z.union([z.string(), z.array(z.string())]).optional(),
  'plot-timeline': flag('plot-timeline').optional(),
  'plot-dataset-stats': flag('plot-dataset-stats').optional(),
  'disable-tqdm': flag('disable-tqdm').optional(),
  profile: flag('profile').optional(),
};

export const vllmBenchSchema = z.strictObject(vllmBenchShape);

const NEEDS_PATH = new Set(['sharegpt', 'custom', 'sonnet', 'burstgpt', 'hf', 'spec_bench', 'txt-slices', 'timed_trace']);

/** Cross-field rules: where `vllm bench serve` itself would refuse the combination. */
export function vllmBenchRules(doc: Rec): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const ds = doc['dataset-name'];
  if (typeof ds === 'string' && NEEDS_PATH.has(ds) && !isSet(doc['dataset-path'])) {
    out.push(error(['dataset-name'], `dataset-name ${ds} needs "dataset-path"`, 'add dataset-path: <file or HF dataset>'));
  }
  const backend = doc.backend;
  const endpoint = typeof doc.endpoint === 'string' ? doc.endpoint : '/v1/completions';
  if (backend === 'openai-chat' && !endpoint.endsWith('chat/completions')) {
    out.push(error([doc.endpoint === undefined ? 'backend' : 'endpoint'], `backend openai-chat needs an endpoint ending in "chat/completions" (got ${endpoint})`, 'add endpoint: /v1/chat/completions'));
  }
  if (isSet(doc['ramp-up-strategy'])) {
    if (isSet(doc['request-rate'])) out.push(error(['ramp-up-strategy'], '"ramp-up-strategy" cannot be combined with "request-rate"'));
    for (const k of ['ramp-up-start-rps', 'ramp-up-end-rps']) if (!isSet(doc[k])) out.push(error([k], `required with "ramp-up-strategy"`));
  }
  for (const k of Object.keys(vllmBenchShape)) {
    if (doc[k] === 'none' && !isFlagKey(k)) {
      out.push(error([k], `"${k}: none" would pass --${k} with no value, which vllm bench rejects; give a value`));
    }
  }
  if (typeof doc['percentile-metrics'] === 'string') {
    for (const m of doc['percentile-metrics'].split(',').map((s) => s.trim())) {
      if (!(VLLM_PERCENTILE_METRICS as readonly string[]).includes(m)) {
        out.push(error(['percentile-metrics'], `unknown metric "${m}"; expected a comma-separated list of ${VLLM_PERCENTILE_METRICS.join(', ')}`));
      }
    }
  }
  const mp = doc['metric-percentiles'];
  if (typeof mp === 'string' || isNum(mp)) {
    for (const p of String(mp).split(',').map((s) => s.trim())) {
      const v = Number(p);
      if (p === '' || !Number.isFinite(v) || v <= 0 || v > 100) {
        out.push(error(['metric-percentiles'], `"${p}" is not a percentile in (0, 100]; write e.g. "50,90,99"`));
      }
    }
  }
  return out;
}

function isFlagKey(k: string): boolean {
  return FLAG_KEYS.has(k);
}
