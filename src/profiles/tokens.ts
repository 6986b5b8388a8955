/**
 * Known `REPLACE_ENV_<VAR>` variables used by workload profile templates:
 * what each means and how a user sets it. Used for the hint of an
 * unresolved-token error; unknown variables still work (any `LLMDBENCH_*`
 * setting or environment variable can be referenced).
 */

export interface TokenInfo {
  /** One line: what the value is. */
  description: string;
  /** The `llmdbench run` flag that sets it, if there is one. */
  flag?: string;
}

export const KNOWN_TOKENS: Readonly<Record<string, TokenInfo>> = {
  LLMDBENCH_DEPLOY_CURRENT_MODEL: {
    description: 'the model being benchmarked (one entry of the model list)',
    flag: '-m/--models',
  },
  LLMDBENCH_DEPLOY_CURRENT_TOKENIZER: {
    description: 'the tokenizer of the current model (set per model from -m/--models)',
    flag: '-m/--models',
  },
  LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN: {
    description: 'the served model\'s maximum context length in tokens (set per model from LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN)',
  },
  LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: {
    description: 'the base URL of the inference endpoint under test (detected from the stack, or the embedded simulator)',
    flag: '--endpoint',
  },
  LLMDBENCH_HARNESS_PVC_NAME: {
    description: 'the PersistentVolumeClaim that holds harness results',
    flag: '-k/--pvc',
  },
  LLMDBENCH_RUN_DATASET_DIR: {
    description: 'the directory holding the dataset file (default: the workspace dir, /workspace)',
  },
  LLMDBENCH_RUN_DATASET_FILE: {
    description: 'the dataset file name (the basename of the dataset URL given with -x/--dataset)',
    flag: '-x/--dataset',
  },
  LLMDBENCH_HARNESS_CONTAINER_IMAGE: {
    description: 'the harness container image (fmperf launches its own pods)',
  },
  LLMDBENCH_HARNESS_SERVICE_ACCOUNT: {
    description: 'the service account fmperf\'s load pods use (derived: <harness>-runner)',
  },
};

/** A user-facing hint: how to give `name` a value. */
export function tokenHint(name: string): string {
  const info = KNOWN_TOKENS[name];
  const ways = [`export ${name}=<value>`, `an \`export ${name}=...\` line in the scenario file (-c)`];
  if (info?.flag) ways.unshift(`the ${info.flag} flag`);
  const what = info ? `${name} is ${info.description}. ` : '';
  return `${what}Set it with ${ways.join(', or ')}; or give the template a default: REPLACE_ENV_${name}++++default=<value>`;
}
