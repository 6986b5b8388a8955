import type { ConfigSource, ConfigValue, ResolvedConfig } from './types.ts';
import { isKnownVariable, VARIABLES } from './variables.ts';
import { isSecretName } from './secrets.ts';

const catalogOrder = new Map(VARIABLES.map((s, i) => [s.name, i]));

/** An immutable set of values with sources; `with()` returns a changed copy. */
export class ConfigStore implements ResolvedConfig {
  private readonly values: ReadonlyMap<string, ConfigValue>;
  readonly scenarioPath: string | undefined;
  readonly scenarioOutput: string;

  constructor(values: ReadonlyMap<string, ConfigValue>, scenarioPath?: string, scenarioOutput = '') {
    this.values = values;
    this.scenarioPath = scenarioPath;
    this.scenarioOutput = scenarioOutput;
  }

  static value(name: string, value: string, source: ConfigSource): ConfigValue {
    return { name, value, source, secret: isSecretName(name) };
  }

  get(name: string): string | undefined {
    const v = this.values.get(name)?.value;
    return v === undefined || v === '' ? undefined : v;
  }

  entry(name: string): ConfigValue | undefined {
    return this.values.get(name);
  }

  /** Catalog variables in catalog order, then the others by name. */
  entries(): readonly ConfigValue[] {
    return [...this.values.values()].sort((a, b) => {
      const ia = catalogOrder.get(a.name) ?? Number.MAX_SAFE_INTEGER;
      const ib = catalogOrder.get(b.name) ?? Number.MAX_SAFE_INTEGER;
      return ia - ib || a.name.localeCompare(b.name);
    });
  }

  get unknownVars(): readonly string[] {
    return [...this.values.keys()].filter((n) => n.startsWith('LLMDBENCH_') && !isKnownVariable(n)).sort();
  }

  /** A copy with these values set (same scenario path and output). */
  with(updates: Iterable<ConfigValue>): ConfigStore {
    const m = new Map(this.values);
    for (const u of updates) m.set(u.name, u);
    return new ConfigStore(m, this.scenarioPath, this.scenarioOutput);
  }
}
