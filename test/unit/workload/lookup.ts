/** Shared test lookup: one value for every token the profiles use. */
export const TEST_VALUES: Readonly<Record<string, string>> = {
  LLMDBENCH_DEPLOY_CURRENT_MODEL: 'meta-llama/Llama-3.2-1B-Instruct',
  LLMDBENCH_DEPLOY_CURRENT_TOKENIZER: 'meta-llama/Llama-3.2-1B-Instruct',
  LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN: '16384',
  LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000',
  LLMDBENCH_RUN_DATASET_DIR: '/workspace',
  LLMDBENCH_RUN_DATASET_FILE: 'ShareGPT_V3_unfiltered_cleaned_split.json',
  LLMDBENCH_HARNESS_PVC_NAME: 'workload-pvc',
  LLMDBENCH_HARNESS_CONTAINER_IMAGE: 'ghcr.io/llm-d/llm-d-benchmark:v0.3.0',
  LLMDBENCH_HARNESS_SERVICE_ACCOUNT: 'default',
};

export const testLookup = (name: string): string | undefined => TEST_VALUES[name];
