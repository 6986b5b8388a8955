/**
 * Late endpoint binding. A plan is built once, before any target exists; when no endpoint is
 * configured its profiles carry SIMULATOR_ENDPOINT_PLACEHOLDER where the template said
 * REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL. Once a platform knows the target's URL it
 * binds each unit: only that token is re-rendered (the placeholder replaced), the rest of the
 * rendered, overridden and validated profile is unchanged.
 */
import { parse } from 'yaml';
import { SIMULATOR_ENDPOINT_PLACEHOLDER } from './build.ts';
import type { RunUnit } from './types.ts';

/** The unit with its profile bound to `endpointUrl` (the same unit when there is nothing to bind). */
export function bindEndpoint(unit: RunUnit, endpointUrl: string): RunUnit {
  if (!unit.profileText.includes(SIMULATOR_ENDPOINT_PLACEHOLDER)) return unit;
  const profileText = unit.profileText.split(SIMULATOR_ENDPOINT_PLACEHOLDER).join(endpointUrl);
  return { ...unit, profileText, profile: parse(profileText) as unknown };
}
