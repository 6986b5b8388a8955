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

/**
 * The configuration as resolved for a run: every value with its source, the
 * scenario file that was loaded, and the LLMDBENCH_* variables llmdbench does
 * not know (kept and passed through, e.g. standup variables of a scenario).
 */
export interface ResolvedConfig extends EffectiveConfig {
  /** The value with its source; undefined when the variable is not set at all. */
  entry(name: string): ConfigValue | undefined;
  /** Absolute path of the scenario file that was sourced; undefined without one. */
  readonly scenarioPath: string | undefined;
  /** LLMDBENCH_* names set by env or scenario that are not in the catalog, sorted. */
  readonly unknownVars: readonly string[];
  /** What the scenario printed (stdout then stderr) while sourced; empty without one. */
  readonly scenarioOutput: string;
}
