/**
 * Both GuideLLM profile dialects → one resolved scenario with every v0.7.3 default filled in
 * (harness-formats.md §3.1). The legacy flat form is mapped as the spec says (profile →
 * spec.profile.kind, rate → rate / streams / max_concurrency / sweep_size, max_seconds →
 * max_duration, …); the v0.7 `benchmarks` override list is folded into spec as GuideLLM 0.7
 * does (rate/streams appended into lists, constraint seconds/count/rate per strategy).
 * The resolved spec is also what the report echoes under `config`.
 * Validation (index.ts) runs first; this module only normalises.
 */
import { LlmdbenchError } from '../../util/errors.ts';
import { isRec, type Rec } from '../schema-common.ts';
import { LEGACY_DIALECT, SCENARIO_DIALECT, detectDialect } from './dialect.ts';

export type GlProfileKind = 'synchronous' | 'concurrent' | 'throughput' | 'constant' | 'poisson' | 'sweep';

export interface GlTransient {
  percent: number | null;
  value: number | null;
  mode: 'duration' | 'requests' | 'prefer_duration' | 'prefer_requests' | 'both';
}

export interface GlConstraint {
  kind: string;
  stopping_scope: 'current' | 'all';
  /** List-capable values: strategy i uses element i (the last one when the list is shorter). */
  seconds?: number | number[];
  count?: number | number[];
  rate?: number | number[];
  [k: string]: unknown;
}

export interface GlSynthetic {
  kind: 'synthetic_text';
  [k: string]: unknown;
}

export interface GlConfig {
  dialect: string;
  metadata: { labels: Record<string, unknown> } & Rec;
  spec: {
    backend: {
      kind: string;
      target: string;
      model: string | null;
      request_format: '/v1/completions' | '/v1/chat/completions';
      api_key: string | null;
      timeout: number | null;
      stream: boolean;
      extras: Rec | null;
      max_tokens: number | null;
    } & Rec;
    profile: {
      kind: GlProfileKind;
      rate?: number[];
      streams?: number[];
      max_concurrency: number | null;
      rampup_duration: number;
      sweep_size?: number;
      strategy_type?: 'constant' | 'poisson';
      warmup: GlTransient;
      cooldown: GlTransient;
    };
    constraints: GlConstraint[];
    data: GlSynthetic[];
    data_loader: { kind: 'pytorch'; samples: number; shuffle: boolean; num_workers: number };
    seed: { kind: 'static'; value: number };
    metrics: { kind: 'generative'; sample_size: number | null; prefer_response_metrics: boolean };
    tokenizer: { kind: 'huggingface_auto'; model: string | null; load_kwargs: Rec };
  } & Rec;
  benchmarks: Rec[];
}

const under = (o: Rec): Rec => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/-/g, '_'), v]));
const list = (v: unknown): number[] | undefined => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).filter((x): x is number => typeof x === 'number'));

export function transient(v: unknown): GlTransient {
  if (typeof v === 'number') return v < 1 ? { percent: v, value: null, mode: 'prefer_duration' } : { percent: null, value: v, mode: 'prefer_duration' };
  const o = isRec(v) ? v : {};
  return {
    percent: typeof o.percent === 'number' ? o.percent : null,
    value: typeof o.value === 'number' ? o.value : null,
    mode: typeof o.mode === 'string' ? (o.mode as GlTransient['mode']) : 'prefer_duration',
  };
}

/** The legacy flat form as a v0.7 scenario (metadata/spec/benchmarks). */
export function legacyToScenario(doc: Rec): Rec {
  const kind = String(doc.profile ?? doc.rate_type ?? 'sweep');
  const rates = list(doc.rate);
  const profile: Rec = { kind };
  if (rates) {
    if (kind === 'concurrent') profile.streams = rates;
    else if (kind === 'throughput') profile.max_concurrency = rates[0];
    else if (kind === 'sweep') profile.sweep_size = rates[0];
    else if (kind !== 'synchronous') profile.rate = rates;
  }
  if (doc.rampup !== undefined) profile.rampup_duration = doc.rampup;
  const warm = doc.warmup ?? doc.warmup_percent;
  const cool = doc.cooldown ?? doc.cooldown_percent;
  if (warm !== undefined) profile.warmup = warm;
  if (cool !== undefined) profile.cooldown = cool;
  const constraints: Rec[] = [];
  if (doc.max_seconds !== undefined) constraints.push({ kind: 'max_duration', seconds: doc.max_seconds });
  if (doc.max_requests !== undefined) constraints.push({ kind: 'max_requests', count: doc.max_requests });
  if (doc.max_errors !== undefined) constraints.push({ kind: 'max_errors', count: doc.max_errors });
  if (doc.max_error_rate !== undefined) constraints.push({ kind: 'max_error_rate', rate: doc.max_error_rate });
  if (doc.max_global_error_rate !== undefined) constraints.push({ kind: 'max_global_error_rate', rate: doc.max_global_error_rate });
  const srcs = Array.isArray(doc.data) ? doc.data : [doc.data];
  let samples: unknown = doc.data_samples;
  const data = srcs.map((d) => {
    if (typeof d === 'string') return { kind: 'synthetic_text', ...parseKv(d) };
    const o = { ...(d as Rec) };
    if (o.samples !== undefined) {
      samples ??= o.samples;
      delete o.samples;
    }
    return { kind: 'synthetic_text', ...o };
  });
  const format = doc.request_type ?? doc.data_request_formatter;
  const backend: Rec = { kind: 'openai_http', target: doc.target, ...(doc.model !== undefined ? { model: doc.model } : {}) };
  if (format !== undefined) backend.request_format = format === 'text_completions' ? '/v1/completions' : '/v1/chat/completions';
  const spec: Rec = { backend, profile, constraints, data };
  if (samples !== undefined) spec.data_loader = { samples };
  if (doc.random_seed !== undefined) spec.seed = doc.random_seed;
  return { spec };
}

/** `prompt_tokens=256,output_tokens=128` (the legacy CLI's data string). */
function parseKv(s: string): Rec {
  const out: Rec = {};
  for (const part of s.split(',')) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) out[k.trim()] = Number.isFinite(Number(v)) ? Number(v) : v.trim();
  }
  return out;
}

/** Apply one `benchmarks` entry key (`profile.streams`, `constraints[0].count`) to spec. */
function setPath(spec: Rec, key: string, v: unknown, collect: boolean): void {
  const segs: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return;
    segs.push((m[1] as string).replace(/-/g, '_'));
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
  }
  let cur: unknown = spec;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    const c = cur as Record<string | number, unknown>;
    if (c[s] === undefined || c[s] === null) c[s] = typeof segs[i + 1] === 'number' ? [] : {};
    if (typeof c[s] === 'string') c[s] = { kind: c[s] };
    cur = c[s];
  }
  const last = segs[segs.length - 1]!;
  const c = cur as Record<string | number, unknown>;
  if (collect) {
    const prev = c[last];
    c[last] = Array.isArray(prev) ? [...prev, v] : [v];
  } else c[last] = v;
}

const LISTABLE = /^(profile\.(rate|streams)|constraints\[\d+\]\.(seconds|count|rate))$/;

/** Fold the `benchmarks` list into spec (GuideLLM 0.7: list-capable fields become per-strategy lists). */
export function applyBenchmarks(spec: Rec, benchmarks: Rec[]): void {
  const listed = new Set<string>();
  for (const b of benchmarks) for (const k of Object.keys(b)) if (LISTABLE.test(k.replace(/-/g, '_'))) listed.add(k);
  // a listed field set in spec and overridden per benchmark: the overrides replace it
  for (const k of listed) setPath(spec, k, undefined, false);
  for (const b of benchmarks) {
    for (const [k, v] of Object.entries(b)) setPath(spec, k, v, listed.has(k));
  }
}

/** GuideLLM v0.7.3's defaults, as its report echoes them (so our `config` carries every key). */
const API_ROUTES = {
  '/health': 'health', '/v1/models': 'v1/models', '/v1/completions': 'v1/completions', '/v1/chat/completions': 'v1/chat/completions',
  '/v1/embeddings': 'v1/embeddings', '/v1/responses': 'v1/responses', '/v1/audio/transcriptions': 'v1/audio/transcriptions',
  '/v1/audio/translations': 'v1/audio/translations', '/pooling': 'pooling',
};
const BACKEND_DEFAULTS: Rec = {
  api_routes: API_ROUTES, timeout_connect: 5, http2: true, follow_redirects: true, verify: false, validate_backend: true,
  server_history: false, tool_call_missing_behavior: 'error_stop', multiturn_reasoning: false,
};
const SYNTHETIC_DEFAULTS: Rec = {
  load_kwargs: {}, prompt_tokens_stdev: null, prompt_tokens_min: null, prompt_tokens_max: null, output_tokens: null,
  output_tokens_stdev: null, output_tokens_min: null, output_tokens_max: null, delay: null, delay_stdev: null, delay_min: null,
  delay_max: null, turns: 1, tool_call_turns: [], tools: null, tool_response_tokens: null, tool_response_tokens_stdev: null,
  tool_response_tokens_min: null, tool_response_tokens_max: null, server_tool_call_turns: [], prefix_buckets: null,
};
const SPEC_DEFAULTS: Rec = {
  data_column_mapper: { kind: 'generative_column_mapper', column_mappings: null },
  data_preprocessors: [{ kind: 'encode_media', audio_kwargs: {}, image_kwargs: {}, video_kwargs: {} }],
  data_finalizer: { kind: 'generative', tool_call_mode: 'client' },
  outputs: [{ kind: 'json', path: 'results.json' }, { kind: 'console' }],
};

const DEFAULT_WARM: GlTransient = { percent: null, value: null, mode: 'prefer_duration' };

/** Resolve a validated profile (either dialect) into the one config the run uses. */
export function resolveGlConfig(doc: unknown): GlConfig {
  if (!isRec(doc)) throw new LlmdbenchError('E_GL_CONFIG', 'the guidellm profile must be a map');
  const dialect = detectDialect(doc).dialect;
  const scen: Rec = dialect === LEGACY_DIALECT ? legacyToScenario(doc) : structuredClone(doc);
  const spec = under(isRec(scen.spec) ? scen.spec : {});
  const benchmarks = (Array.isArray(scen.benchmarks) ? scen.benchmarks : []).filter(isRec);
  for (const k of ['backend', 'profile', 'tokenizer', 'seed']) if (typeof spec[k] === 'string' || typeof spec[k] === 'number') spec[k] = k === 'seed' ? { value: spec[k] } : k === 'tokenizer' ? { model: spec[k] } : { kind: spec[k] };
  applyBenchmarks(spec, benchmarks);
  const be = under(isRec(spec.backend) ? spec.backend : {});
  const pr = under(isRec(spec.profile) ? spec.profile : {});
  const fmt = String(be.request_format ?? '/v1/chat/completions');
  const kindRaw = String(pr.kind ?? 'sweep');
  const kind = (kindRaw === 'async' ? 'constant' : kindRaw) as GlProfileKind;
  const profile: GlConfig['spec']['profile'] = {
    kind,
    max_concurrency: typeof pr.max_concurrency === 'number' ? pr.max_concurrency : null,
    rampup_duration: typeof pr.rampup_duration === 'number' ? pr.rampup_duration : 0,
    warmup: pr.warmup === undefined ? { ...DEFAULT_WARM } : transient(pr.warmup),
    cooldown: pr.cooldown === undefined ? { ...DEFAULT_WARM } : transient(pr.cooldown),
  };
  const rate = list(pr.rate);
  const streams = list(pr.streams);
  if (rate) profile.rate = rate;
  if (streams) profile.streams = streams;
  if (kind === 'sweep') {
    profile.sweep_size = typeof pr.sweep_size === 'number' ? pr.sweep_size : 10;
    profile.strategy_type = pr.strategy_type === 'poisson' ? 'poisson' : 'constant';
    profile.max_concurrency ??= 512;
  }
  const dl = under(isRec(spec.data_loader) ? spec.data_loader : {});
  const seed = isRec(spec.seed) ? spec.seed : {};
  const met = under(isRec(spec.metrics) ? spec.metrics : {});
  const tok = under(isRec(spec.tokenizer) ? spec.tokenizer : {});
  const resolved: GlConfig['spec'] = {
    ...SPEC_DEFAULTS,
    ...spec,
    backend: {
      ...BACKEND_DEFAULTS,
      ...be,
      kind: String(be.kind ?? 'openai_http'),
      target: String(be.target ?? ''),
      model: typeof be.model === 'string' && be.model !== '' ? be.model : null,
      request_format: fmt === '/v1/completions' || fmt === 'text_completions' ? '/v1/completions' : '/v1/chat/completions',
      api_key: typeof be.api_key === 'string' ? be.api_key : null,
      timeout: typeof be.timeout === 'number' ? be.timeout : null,
      stream: be.stream !== false,
      extras: isRec(be.extras) ? be.extras : null,
      max_tokens: typeof be.max_tokens === 'number' ? be.max_tokens : null,
    },
    profile,
    constraints: (Array.isArray(spec.constraints) ? spec.constraints : []).filter(isRec).map((c) => ({ stopping_scope: 'current', ...under(c) }) as GlConstraint),
    data: (Array.isArray(spec.data) ? spec.data : []).filter(isRec).map((d) => (d.kind === 'synthetic_text' ? { ...SYNTHETIC_DEFAULTS, ...under(d) } : under(d)) as GlSynthetic),
    data_loader: { kind: 'pytorch', samples: typeof dl.samples === 'number' ? dl.samples : -1, shuffle: dl.shuffle === true, num_workers: typeof dl.num_workers === 'number' ? dl.num_workers : 1 },
    seed: { kind: 'static', value: typeof seed.value === 'number' ? seed.value : 42 },
    metrics: { kind: 'generative', sample_size: typeof met.sample_size === 'number' ? met.sample_size : null, prefer_response_metrics: met.prefer_response_metrics !== false },
    tokenizer: { kind: 'huggingface_auto', model: typeof tok.model === 'string' ? tok.model : null, load_kwargs: isRec(tok.load_kwargs) ? tok.load_kwargs : {} },
  };
  const md = isRec(scen.metadata) ? scen.metadata : {};
  return { dialect: dialect === LEGACY_DIALECT ? LEGACY_DIALECT : SCENARIO_DIALECT, metadata: { ...md, labels: isRec(md.labels) ? md.labels : {} }, spec: resolved, benchmarks };
}

/** Value i of a list-capable field (GuideLLM reuses the last value when the list is shorter). */
export function nth(v: number | number[] | undefined, i: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return v;
  return v.length === 0 ? undefined : v[Math.min(i, v.length - 1)];
}
