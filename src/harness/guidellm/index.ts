/**
 * guidellm: two profile dialects. The v0.7 scenario (metadata/spec/benchmarks)
 * and the legacy flat form (target/model/profile/rate/max_seconds/data). The
 * dialect is detected from the top-level keys and reported.
 */
import type { HarnessPlugin, ProfileIssue } from '../types.ts';
import { error, runSchema } from '../schema-common.ts';
import { guidellmScenarioSchema, scenarioRules } from './schema-scenario.ts';
import { guidellmLegacySchema, legacyRules } from './schema-legacy.ts';
import { preflightGuidellm, prepareGuidellm } from './run.ts';
import { guidellmDefinitions } from '../../metrics/guidellm-definitions.ts';
import { detectDialect as detect, LEGACY_DIALECT, SCENARIO_DIALECT } from './dialect.ts';

export { LEGACY_DIALECT, SCENARIO_DIALECT };

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
  validate,
  dialect: (doc) => detect(doc).dialect,
  preflight: preflightGuidellm,
  prepare: prepareGuidellm,
  definitions: guidellmDefinitions,
};
