/**
 * Per-model and per-method naming, after upstream's `model_attribute` in
 * setup/functions.sh: `facebook/opt-125m` → `llm-d-125m-opt`,
 * `meta-llama/Llama-3.2-1B-Instruct` → `llm-d-1b-instruct`.
 */

export interface ModelAttributes {
  /** Model as given. */
  model: string;
  /** Part after `:` (if any), `/` and `.` replaced by `-`, lowercased. */
  modelId: string;
  /** e.g. `1b`, `125m`, `32b`; empty when the name carries no size. */
  parameters: string;
  /** First of instruct/hf/chat/speech/vision/opt found in the name, else `base`. */
  modelType: string;
}

/** The name's components: part after the first `/`, lowercased, `qwen`→`qwen-`, split on `-`. */
function components(model: string): string[] {
  const parts = model.split('/');
  // `cut -d/ -f2`: the second field, or the whole string when there is no `/`.
  const name = parts.length > 1 ? (parts[1] ?? '') : model;
  return name.toLowerCase().replace(/qwen/g, 'qwen-').split('-');
}

export function modelIdFor(model: string): string {
  const afterColon = model.includes(':') ? (model.split(':')[1] ?? '') : model;
  return afterColon.replace(/[/.]/g, '-').toLowerCase();
}

export function modelAttributes(model: string): ModelAttributes {
  const comps = components(model);
  const modelType = comps.find((c) => /nstruct|hf|chat|speech|vision|opt/.test(c)) ?? 'base';
  // Upstream: grep "[0-9].*b|[0-9].*m", then sed 's^a^^' 's^\.^p^' 's/[0-9].*p//g', last line wins.
  const sizes = comps
    .filter((c) => /[0-9].*b|[0-9].*m/.test(c))
    .map((c) => c.replace('a', '').replace('.', 'p').replace(/[0-9].*p/g, ''));
  return { model, modelId: modelIdFor(model), parameters: sizes.at(-1) ?? '', modelType };
}

/** `modelservice` is called `llm-d` in stack names; any other method keeps its name. */
export function methodLabel(method: string): string {
  return method === 'modelservice' ? 'llm-d' : method;
}

/** `<method label>-<parameters>-<type>`, leaving out an empty part. */
export function stackNameFor(method: string, model: string): string {
  const a = modelAttributes(model);
  return [methodLabel(method), a.parameters, a.modelType].filter((p) => p.length > 0).join('-');
}

/** LLMDBENCH_HARNESS_STACK_TYPE: `llm-d` for modelservice, `vllm-prod` otherwise (spec §1.5). */
export function stackTypeFor(method: string): string {
  return method === 'modelservice' ? 'llm-d' : 'vllm-prod';
}

const COMMON_TO_POD = 'LLMDBENCH_RUN_EXPERIMENT|LLMDBENCH_BASE64_CONTEXT_CONTENTS';

/** LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD: which variables reach the harness pod, by method (spec §1.5). */
export function envVarListToPodFor(method: string): string {
  const base = '^LLMDBENCH_VLLM_COMMON|^LLMDBENCH_DEPLOY|^LLMDBENCH_HARNESS|^LLMDBENCH_RUN';
  if (method === 'standalone') return `${COMMON_TO_POD}|${base}|^LLMDBENCH_VLLM_STANDALONE`;
  if (method === 'modelservice') {
    return `${COMMON_TO_POD}|${base}|^LLMDBENCH_VLLM_MODELSERVICE|^LLMDBENCH_VLLM_INFRA|^LLMDBENCH_VLLM_GAIE|^LLMDBENCH_LLMD_IMAGE`;
  }
  return `${COMMON_TO_POD}|^LLMDBENCH_VLLM_COMMON_NAMESPACE|^LLMDBENCH_DEPLOY_CURRENT|^LLMDBENCH_HARNESS|^LLMDBENCH_RUN`;
}
