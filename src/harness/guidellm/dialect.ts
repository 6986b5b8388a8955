/**
 * Which GuideLLM dialect a profile is written in, from its top-level keys: the v0.7 scenario
 * (metadata/spec/benchmarks) or the legacy flat form (target/profile/rate/max_seconds/data).
 * Own file so the validator and the config mapping share it without importing each other.
 */
import { isRec } from '../schema-common.ts';
import { LEGACY_KEYS } from './schema-legacy.ts';

export const SCENARIO_DIALECT = 'v0.7 scenario';
export const LEGACY_DIALECT = 'legacy flat form';
const SCENARIO_KEYS = ['metadata', 'spec', 'benchmarks'];

/** The dialect, and the legacy keys found in a scenario (mixed forms are an error). */
export function detectDialect(doc: unknown): { dialect: string; mixed: string[] } {
  if (!isRec(doc)) return { dialect: SCENARIO_DIALECT, mixed: [] };
  const keys = Object.keys(doc);
  const scen = keys.some((k) => SCENARIO_KEYS.includes(k));
  const legacy = keys.filter((k) => LEGACY_KEYS.includes(k));
  if (scen) return { dialect: SCENARIO_DIALECT, mixed: legacy };
  return { dialect: legacy.length > 0 ? LEGACY_DIALECT : SCENARIO_DIALECT, mixed: [] };
}
