/**
 * guidellm legacy flat scenario (v0.4–v0.6; llm-d's older profiles and the
 * kubecon tutorial): `target`, `model`, `profile`, `rate`, `max_seconds`,
 * `data` ... at the top level.
 */
import { z } from 'zod';
import type { ProfileIssue } from '../types.ts';
import { error, isNum, isRec, isSet, nonNegNum, posInt, posNum, warning, type Rec } from '../schema-common.ts';
import { syntheticRules, syntheticShape } from './schema-common.ts';

export const LEGACY_PROFILES = ['synchronous', 'concurrent', 'throughput', 'constant', 'async', 'poisson', 'sweep'] as const;
const requestType = z.enum(['text_completions', 'chat_completions']);
const transient = z.union([nonNegNum, z.record(z.string(), z.unknown())]);
const syntheticData = z.strictObject({ ...syntheticShape, samples: z.number().int().min(-1).optional() });

export const guidellmLegacySchema = z.strictObject({
  target: z.string().min(1),
  model: z.string().min(1).optional(),
  request_type: requestType.optional(),
  data_request_formatter: requestType.optional(),
  profile: z.enum(LEGACY_PROFILES).optional(),
  rate_type: z.enum(LEGACY_PROFILES).optional(),
  rate: z.union([posNum, z.array(posNum).min(1)]).optional(),
  max_seconds: posNum.optional(),
  max_requests: posInt.optional(),
  max_errors: posInt.optional(),
  max_error_rate: z.number().gt(0).max(1).optional(),
  max_global_error_rate: z.number().gt(0).max(1).optional(),
  warmup: transient.optional(),
  cooldown: transient.optional(),
  warmup_percent: z.number().min(0).max(1).optional(),
  cooldown_percent: z.number().min(0).max(1).optional(),
  rampup: nonNegNum.optional(),
  // v0.5/0.6 take a list of sources (dicts or "k=v,..." strings); older ones a single source.
  data: z.union([syntheticData, z.string().min(1), z.array(z.union([syntheticData, z.string().min(1)])).min(1)]),
  data_type: z.string().optional(),
  data_args: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
  data_column_mapper: z.unknown().optional(),
  data_collator: z.unknown().optional(),
  data_num_workers: z.number().int().nonnegative().optional(),
  dataloader_kwargs: z.record(z.string(), z.unknown()).optional(),
  request_formatter_kwargs: z.record(z.string(), z.unknown()).optional(),
  sample_requests: z.number().int().nonnegative().optional(),
  prefer_response_metrics: z.boolean().optional(),
  data_samples: z.number().int().min(-1).optional(),
  data_sampler: z.string().optional(),
  random_seed: z.number().int().optional(),
  processor: z.string().optional(),
  processor_args: z.record(z.string(), z.unknown()).optional(),
  backend: z.string().optional(),
  backend_type: z.string().optional(),
  backend_args: z.record(z.string(), z.unknown()).optional(),
  backend_kwargs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.unknown().optional(),
  output_dir: z.string().optional(),
  output_path: z.string().optional(),
  output_sampling: posInt.optional(),
  output_extras: z.record(z.string(), z.unknown()).optional(),
});

/** The top-level keys of the legacy form (used to detect the dialect). */
export const LEGACY_KEYS: readonly string[] = Object.keys(guidellmLegacySchema.shape);

export function legacyRules(doc: Rec): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  if (isSet(doc.request_type) && isSet(doc.data_request_formatter) && doc.request_type !== doc.data_request_formatter) {
    out.push(error(['data_request_formatter'], 'request_type and data_request_formatter disagree; set one of them'));
  }
  if (isSet(doc.profile) && isSet(doc.rate_type) && doc.profile !== doc.rate_type) {
    out.push(error(['rate_type'], 'rate_type (v0.3 spelling) and profile disagree; set only profile'));
  }
  const profile = typeof doc.profile === 'string' ? doc.profile : typeof doc.rate_type === 'string' ? doc.rate_type : 'sweep';
  const rates = Array.isArray(doc.rate) ? doc.rate : doc.rate === undefined ? [] : [doc.rate];
  if (['concurrent', 'constant', 'async', 'poisson'].includes(profile) && rates.length === 0) {
    out.push(error(['rate'], `required for profile ${profile} (${profile === 'concurrent' ? 'number of streams' : 'requests/s'})`));
  }
  if (profile === 'concurrent') {
    rates.forEach((r, i) => {
      if (isNum(r) && !Number.isInteger(r)) out.push(error(Array.isArray(doc.rate) ? ['rate', i] : ['rate'], `a concurrent profile's rate is a number of streams: ${r} is not an integer`));
    });
  }
  if (profile === 'synchronous' && rates.length > 0) out.push(warning(['rate'], 'ignored for profile synchronous'));
  if (!isSet(doc.max_seconds) && !isSet(doc.max_requests) && profile !== 'sweep') {
    out.push(warning(['profile'], 'no max_seconds or max_requests: with synthetic data the run only ends when interrupted'));
  }
  if (isRec(doc.data)) syntheticRules(doc.data, ['data'], out);
  if (Array.isArray(doc.data)) doc.data.forEach((d, i) => isRec(d) && syntheticRules(d, ['data', i], out));
  return out;
}
