/**
 * guidellm ≥0.7 scenario (`guidellm run --scenario file.yaml`): top-level
 * `metadata`, `spec`, `benchmarks`. Every `spec` option is a kind-discriminated
 * object; hyphenated spellings of field names are accepted.
 */
import { z } from 'zod';
import type { ProfileIssue } from '../types.ts';
import { error, isNum, isRec, isSet, nonNegInt, nonNegNum, posInt, posNum, warning, type Rec } from '../schema-common.ts';
import type { Path } from '../zod-issues.ts';
import { syntheticRules, syntheticShape, withHyphens } from './schema-common.ts';

export const REQUEST_FORMATS = [
  '/v1/completions', '/v1/chat/completions', '/v1/embeddings', '/v1/responses',
  '/v1/audio/transcriptions', '/v1/audio/translations', 'text_completions', 'chat_completions',
] as const;
export const PROFILE_KINDS = ['synchronous', 'concurrent', 'throughput', 'constant', 'async', 'poisson', 'sweep', 'replay'] as const;
export const CONSTRAINT_KINDS = ['max_duration', 'max_requests', 'max_errors', 'max_error_rate', 'max_global_error_rate', 'over_saturation'] as const;
export const DATA_KINDS = ['synthetic_text', 'huggingface', 'json_file', 'jsonl_file', 'csv_file', 'text_file', 'parquet_file', 'arrow_file', 'trace_synthetic'] as const;

const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);
const transient = z.union([nonNegNum, z.record(z.string(), z.unknown())]);

const backendSchema = z.strictObject(
  withHyphens({
    kind: z.enum(['openai_http', 'vllm_python']).optional(),
    target: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    request_format: z.enum(REQUEST_FORMATS).optional(),
    api_key: z.string().optional(),
    api_routes: z.record(z.string(), z.string()).optional(),
    timeout: posNum.nullable().optional(),
    timeout_connect: posNum.optional(),
    http2: z.boolean().optional(),
    follow_redirects: z.boolean().optional(),
    verify: z.boolean().optional(),
    validate_backend: z.union([z.boolean(), z.string(), z.record(z.string(), z.unknown())]).optional(),
    stream: z.boolean().optional(),
    extras: z.record(z.string(), z.unknown()).optional(),
    max_tokens: posInt.optional(),
    server_history: z.boolean().optional(),
    multiturn_reasoning: z.boolean().optional(),
  }),
);

const profileSchema = z.strictObject(
  withHyphens({
    kind: z.enum(PROFILE_KINDS),
    streams: oneOrMany(posInt).optional(),
    rate: oneOrMany(posNum).optional(),
    max_concurrency: posInt.optional(),
    rampup_duration: nonNegNum.optional(),
    sweep_size: z.number().int().min(2).optional(),
    strategy_type: z.enum(['constant', 'poisson']).optional(),
    time_scale: posNum.optional(),
    warmup: transient.optional(),
    cooldown: transient.optional(),
  }),
);

const constraintSchema = z.strictObject(
  withHyphens({
    kind: z.enum(CONSTRAINT_KINDS),
    seconds: oneOrMany(posNum).optional(),
    count: oneOrMany(posInt).optional(),
    rate: oneOrMany(z.number().gt(0).max(1)).optional(),
    window: posInt.optional(),
    minimum: nonNegInt.optional(),
    mode: z.enum(['enforce', 'monitor']).optional(),
    min_seconds: nonNegNum.optional(),
    max_window_seconds: posNum.optional(),
    moe_threshold: posNum.optional(),
    minimum_ttft: nonNegNum.optional(),
    maximum_window_ratio: posNum.optional(),
    minimum_window_size: posInt.optional(),
    confidence: z.number().gt(0).lt(1).optional(),
    stopping_scope: z.enum(['current', 'all']).optional(),
  }),
);

const dataSchema = z.strictObject(
  withHyphens({
    kind: z.enum(DATA_KINDS),
    ...syntheticShape,
    path: z.string().min(1).optional(),
    load_kwargs: z.record(z.string(), z.unknown()).optional(),
    timestamp_column: z.string().optional(),
    prompt_tokens_column: z.string().optional(),
    output_tokens_column: z.string().optional(),
  }),
);

export const scenarioSpecShape = {
  backend: z.union([z.enum(['openai_http', 'vllm_python']), backendSchema]).optional(),
  profile: z.union([z.enum(PROFILE_KINDS), profileSchema]).optional(),
  constraints: z.array(constraintSchema).optional(),
  data: z.array(dataSchema).min(1),
  data_loader: z
    .strictObject(withHyphens({ kind: z.literal('pytorch').optional(), samples: z.number().int().min(-1).optional(), shuffle: z.boolean().optional(), num_workers: nonNegInt.optional() }))
    .optional(),
  tokenizer: z.union([z.string(), z.strictObject(withHyphens({ kind: z.literal('huggingface_auto').optional(), model: z.string().optional(), load_kwargs: z.record(z.string(), z.unknown()).optional() }))]).optional(),
  seed: z.union([z.number().int(), z.strictObject({ kind: z.literal('static').optional(), value: z.number().int() })]).optional(),
  outputs: z
    .array(z.union([z.enum(['json', 'yaml', 'csv', 'html', 'plot', 'console']), z.strictObject({ kind: z.enum(['json', 'yaml', 'csv', 'html', 'plot', 'console']), path: z.string().optional() })]))
    .optional(),
  metrics: z
    .strictObject(withHyphens({ kind: z.literal('generative').optional(), sample_size: nonNegInt.nullable().optional(), prefer_response_metrics: z.boolean().optional() }))
    .optional(),
  data_column_mapper: z.unknown().optional(),
  data_preprocessors: z.unknown().optional(),
  data_finalizer: z.unknown().optional(),
};

export const guidellmScenarioSchema = z.strictObject({
  metadata: z.looseObject({ labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional() }).optional(),
  spec: z.strictObject(withHyphens(scenarioSpecShape)),
  benchmarks: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** Fields a `benchmarks` entry may vary (guidellm 0.7 turns them into per-strategy lists). */
const LISTABLE = /^(profile\.(rate|streams)|constraints\[\d+\]\.(seconds|count|rate))$/;

/** `constraints[0].count` → ['constraints', 0, 'count']. */
function splitOverride(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [key];
    out.push(m[1] as string);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

export function scenarioRules(doc: Rec): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const spec = isRec(doc.spec) ? doc.spec : {};
  const profile = isRec(spec.profile) ? spec.profile : typeof spec.profile === 'string' ? { kind: spec.profile } : {};
  const constraints = Array.isArray(spec.constraints) ? spec.constraints : [];
  const benchmarks = Array.isArray(doc.benchmarks) ? doc.benchmarks.filter(isRec) : [];
  const everyBenchmarkSets = (key: string): boolean => benchmarks.length > 0 && benchmarks.every((b) => isSet(b[key]));

  // benchmarks entries: known fields, valid indices, only listable fields may differ.
  const seen = new Map<string, string>();
  (Array.isArray(doc.benchmarks) ? doc.benchmarks : []).forEach((b, i) => {
    if (!isRec(b)) return;
    for (const [key, v] of Object.entries(b)) {
      const at: Path = ['benchmarks', i, key];
      const segs = splitOverride(key);
      const root = segs[0];
      if (typeof root !== 'string' || !(root in scenarioSpecShape || root.replace(/-/g, '_') in scenarioSpecShape)) {
        out.push(error(at, `"${key}" does not name a spec field`, `known: ${Object.keys(scenarioSpecShape).join(', ')}`));
        continue;
      }
      if (root === 'constraints' && typeof segs[1] === 'number' && segs[1] >= constraints.length) {
        out.push(error(at, `constraints[${segs[1]}] does not exist (spec.constraints has ${constraints.length})`));
      }
      if (/^profile\.streams$|\.count$/.test(key) && !(Number.isInteger(v) && (v as number) > 0)) out.push(error(at, `expected a positive integer, got ${JSON.stringify(v)}`));
      if (/^profile\.rate$|\.seconds$/.test(key) && !(isNum(v) && v > 0)) out.push(error(at, `expected a positive number, got ${JSON.stringify(v)}`));
      const sv = JSON.stringify(v);
      if (!LISTABLE.test(key)) {
        const prev = seen.get(key);
        if (prev !== undefined && prev !== sv) {
          out.push(error(at, `"${key}" differs between benchmarks entries; guidellm 0.7 runs them as one profile and only profile.rate/profile.streams and constraint seconds/count/rate may vary`));
        }
        seen.set(key, sv);
      }
    }
  });

  // Profile fields per kind.
  const kind = typeof profile.kind === 'string' ? profile.kind : undefined;
  const pAt: Path = isRec(spec.profile) ? ['spec', 'profile'] : ['spec'];
  if (kind === 'concurrent' && !isSet(profile.streams) && !everyBenchmarkSets('profile.streams')) {
    out.push(error([...pAt, ...(isRec(spec.profile) ? ['streams'] : ['profile'])], 'a concurrent profile needs streams (in spec.profile or in every benchmarks entry)'));
  }
  if ((kind === 'constant' || kind === 'async' || kind === 'poisson') && !isSet(profile.rate) && !everyBenchmarkSets('profile.rate')) {
    out.push(error([...pAt, ...(isRec(spec.profile) ? ['rate'] : ['profile'])], `a ${kind} profile needs rate (requests/s)`));
  }
  if (kind === 'concurrent' && isSet(profile.rate)) out.push(error([...pAt, 'rate'], 'a concurrent profile takes streams, not rate'));
  if (kind !== undefined && kind !== 'concurrent' && isSet(profile.streams)) out.push(error([...pAt, 'streams'], `a ${kind} profile takes no streams (only concurrent does)`));

  // Constraints need their value (here or from benchmarks).
  const needs: Record<string, string> = { max_duration: 'seconds', max_requests: 'count', max_errors: 'count', max_error_rate: 'rate', max_global_error_rate: 'rate' };
  constraints.forEach((c, i) => {
    if (!isRec(c) || typeof c.kind !== 'string') return;
    const f = needs[c.kind];
    if (f && !isSet(c[f]) && !everyBenchmarkSets(`constraints[${i}].${f}`)) {
      out.push(error(['spec', 'constraints', i, f], `required for a ${c.kind} constraint (here or in every benchmarks entry as constraints[${i}].${f})`));
    }
  });
  if (constraints.length === 0 && kind !== 'sweep') {
    out.push(warning(['spec', 'constraints'], 'no max_duration or max_requests constraint: with synthetic data the run only ends when interrupted'));
  }

  // Data sources.
  (Array.isArray(spec.data) ? spec.data : []).forEach((d, i) => {
    if (!isRec(d)) return;
    const at: Path = ['spec', 'data', i];
    if (d.kind === 'synthetic_text') syntheticRules(d, at, out);
    else if (typeof d.kind === 'string' && d.kind !== 'huggingface' && !isSet(d.path)) out.push(error([...at, 'path'], `required for data kind ${d.kind}`));
    else if (d.kind === 'huggingface' && !isSet(d.source) && !isSet(d.path)) out.push(error([...at, 'source'], 'required for data kind huggingface (the dataset name)'));
  });
  return out;
}
