import { ConfigStore } from './store.ts';
import type { ConfigValue, EffectiveConfig, ResolvedConfig } from './types.ts';
import { envVarListToPodFor, modelIdFor, stackNameFor, stackTypeFor } from './model.ts';
import { methodList, splitList } from './variables.ts';

/** The models to run (`LLMDBENCH_DEPLOY_MODEL_LIST`, comma-separated). */
export function modelsOf(config: EffectiveConfig): string[] {
  return splitList(config.get('LLMDBENCH_DEPLOY_MODEL_LIST'));
}

/** The methods to run (`LLMDBENCH_DEPLOY_METHODS`, comma-separated). */
export function methodsOf(config: EffectiveConfig): string[] {
  return methodList(config.get('LLMDBENCH_DEPLOY_METHODS'));
}

function toStore(config: EffectiveConfig): ConfigStore {
  if (config instanceof ConfigStore) return config;
  const m = new Map<string, ConfigValue>();
  for (const e of config.entries()) m.set(e.name, e);
  const r = config as Partial<ResolvedConfig>;
  return new ConfigStore(m, r.scenarioPath, r.scenarioOutput ?? '');
}

/**
 * The configuration for one run unit, as upstream's loop sets it: current
 * model, model id, tokenizer (= the model), stack name and type, the
 * variables passed to the pod for that method, and the maximum context length
 * (LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN, unless LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN is set). `method` defaults to the first
 * of LLMDBENCH_DEPLOY_METHODS. Values are tagged `derived`.
 */
export function configForModel(config: EffectiveConfig, model: string, method?: string): ResolvedConfig {
  const m = method ?? methodsOf(config)[0] ?? 'modelservice';
  const d = (name: string, value: string): ConfigValue => ConfigStore.value(name, value, 'derived');
  // Profiles that need the served context length (HEAD trace replays) read this token; scenarios set the stack's.
  const stackMaxLen = config.get('LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN');
  const maxLen = config.get('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN') ? [] : stackMaxLen ? [d('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN', stackMaxLen)] : [];
  return toStore(config).with([
    ...maxLen,
    d('LLMDBENCH_DEPLOY_CURRENT_MODEL', model),
    d('LLMDBENCH_DEPLOY_CURRENT_MODELID', modelIdFor(model)),
    d('LLMDBENCH_DEPLOY_CURRENT_TOKENIZER', model),
    d('LLMDBENCH_HARNESS_STACK_NAME', stackNameFor(m, model)),
    d('LLMDBENCH_HARNESS_STACK_TYPE', stackTypeFor(m)),
    d('LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD', envVarListToPodFor(m)),
  ]);
}
