/**
 * `--slo` of `llmdbench run` (LLMDBENCH_HARNESS_SLO, checked at plan time by the config's `slo`
 * check): the goodput bounds the end-of-run analysis applies, merged over the profile's own.
 */
import { parseSlo, type Slo } from '../metrics/slo.ts';

export const SLO_VARIABLE = 'LLMDBENCH_HARNESS_SLO';

/** `{ slo }` for the analysis options when the run was given SLOs, else `{}`. */
export function sloOption(config: { get(name: string): string | undefined }): { slo?: Slo } {
  const text = config.get(SLO_VARIABLE);
  if (!text) return {};
  const { slo } = parseSlo(text);
  return Object.keys(slo).length > 0 ? { slo } : {};
}
