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
 * model, model id, tokenizer (= the model), stack name and type, and the
 * variables passed to the pod for that method. `method` defaults to the first
 * of LLMDBENCH_DEPLOY_METHODS. Values are tagged `derived`.
 */
export function configForModel(config: EffectiveConfig, model: string, method?: string): ResolvedConfig {
  const m = method ?? methodsOf(config)[0] ?? 'modelservice';
  const d = (name: string, value: string): ConfigValue => ConfigStore.value(name, value, 'derived');
  return toStore(config).with([
    d('LLMDBENCH_DEPLOY_CURRENT_MODEL', model),
    d('LLMDBENCH_DEPLOY_CURRENT_MODELID', modelIdFor(model)),
    d('LLMDBENCH_DEPLOY_CURRENT_TOKENIZER', model),
    d('LLMDBENCH_HARNESS_STACK_NAME', stackNameFor(m, model)),
    d('LLMDBENCH_HARNESS_STACK_TYPE', stackTypeFor(m)),
    d('LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD', envVarListToPodFor(m)),
  ]);
}
