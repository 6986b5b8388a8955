/**
 * guidellm: two profile dialects. The v0.7 scenario (metadata/spec/benchmarks)
 * and the legacy flat form (target/model/profile/rate/max_seconds/data). The
 * dialect is detected from the top-level keys and reported.
 */
import type { HarnessPlugin, ProfileIssue } from '../types.ts';
import { error, isRec, runSchema } from '../schema-common.ts';
import { guidellmScenarioSchema, scenarioRules } from './schema-scenario.ts';
import { guidellmLegacySchema, LEGACY_KEYS, legacyRules } from './schema-legacy.ts';

export const SCENARIO_DIALECT = 'v0.7 scenario';
export const LEGACY_DIALECT = 'legacy flat form';
const SCENARIO_KEYS = ['metadata', 'spec', 'benchmarks'];

function detect(doc: unknown): { dialect: string; mixed: string[] } {
  if (!isRec(doc)) return { dialect: SCENARIO_DIALECT, mixed: [] };
  const keys = Object.keys(doc);
  const scen = keys.some((k) => SCENARIO_KEYS.includes(k));
  const legacy = keys.filter((k) => LEGACY_KEYS.includes(k));
  if (scen) return { dialect: SCENARIO_DIALECT, mixed: legacy };
  return { dialect: legacy.length > 0 ? LEGACY_DIALECT : SCENARIO_DIALECT, mixed: [] };
}

function validate(doc: unknown): ProfileIssue[] {
  const { dialect, mixed } = detect(doc);
  if (dialect === LEGACY_DIALECT) return runSchema(guidellmLegacySchema, doc, legacyRules);
  const issues = runSchema(guidellmScenarioSchema, doc, scenarioRules).filter(
    (i) => !(i.severity === 'warning' && i.path.length === 1 && mixed.includes(String(i.path[0]))),
  );
  for (const k of mixed) {
    issues.push(error([k], `"${k}" is a legacy flat-form key in a v0.7 scenario (spec/metadata/benchmarks); move it under spec (e.g. target → spec.backend.target)`));
  }
  return issues;
}

export const guidellm: HarnessPlugin = {
  kind: 'guidellm',
  description: 'GuideLLM: v0.7 scenarios (spec/benchmarks) or the legacy flat form; concurrent, constant, poisson, sweep profiles',
  validate,
  dialect: (doc) => detect(doc).dialect,
};
