/**
 * The effective configuration: every LLMDBENCH_* variable the run phase uses,
 * with its value and where the value came from. Precedence (highest first):
 * command-line flag > scenario file > environment > built-in default.
 * `derived` values are computed from others (e.g. LLMDBENCH_DEPLOY_CURRENT_MODELID).
 */
export type ConfigSource = 'flag' | 'scenario' | 'env' | 'default' | 'derived';

export interface ConfigValue {
  name: string;
  value: string;
  source: ConfigSource;
  /** Never printed or written into results in clear (HF token, API keys...). */
  secret: boolean;
}

export interface EffectiveConfig {
  /** The value of an LLMDBENCH_* (or other known) variable, undefined when unset or empty. */
  get(name: string): string | undefined;
  entries(): readonly ConfigValue[];
}
