/**
 * Simulator configuration: the llm-d-inference-sim keys (keys.ts) validated
 * (plain checks, no zod), from a YAML file, CLI flags, the embedded API or POST /admin/config.
 * Precedence (as upstream): flags > SIM_MODEL (model only) > YAML > defaults.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LlmdbenchError } from '../util/errors.ts';
import { closest } from '../util/suggest.ts';
import { KEYS, KEY_BY_NAME, KEY_NAMES, FAILURE_TYPES, STARTUP_PHASES, type FailureType, type KeySpec } from './keys.ts';
import { formatDuration, parseDuration } from './duration.ts';

export { parseDuration, formatDuration } from './duration.ts';

/** The typed, validated configuration the simulator runs on (durations in ms). */
export interface SimConfig {
  model: string;
  servedModelNames: string[];
  host: string;
  port: number;
  maxRequestBodyBytes: number;
  maxModelLen: number;
  maxNumSeqs: number;
  maxWaitingQueueLength: number;
  mode: 'random' | 'echo';
  seed: number;
  startupDurationMs: number;
  enableRequestIdHeaders: boolean;
  latencyCalculator: '' | 'constant' | 'per-token';
  ttftMs: number;
  ttftStdDevMs: number;
  itlMs: number;
  itlStdDevMs: number;
  prefillOverheadMs: number;
  prefillTimePerTokenMs: number;
  prefillTimeStdDevMs: number;
  kvTransferLatencyMs: number;
  kvTransferLatencyStdDevMs: number;
  kvTransferTimePerTokenMs: number;
  kvTransferTimeStdDevMs: number;
  timeFactorUnderLoad: number;
  forceDummyTokenizer: boolean;
  enableKvCache: boolean;
  kvCacheSize: number;
  blockSize: number;
  globalCacheHitThreshold: number;
  failureInjectionRate: number;
  failureTypes: FailureType[];
  wholeMsDelays: boolean;
  tokenizer: string | undefined;
  traceCapacity: number;
  traceFile: string | undefined;
  /** startup-log: a vLLM-style start-up log file, written while starting (see startup-log.ts). */
  startupLog: string | undefined;
  loadFormat: string;
  modelSizeGiB: number;
  compileCache: boolean;
  enableSleepMode: boolean;
  /** Processes the simulator is sharded over (shards.ts); 1 = this process serves. */
  workers: number;
  /** Durations of the start-up phases (ms), in STARTUP_PHASES order. */
  startupPhasesMs: number[];
  /** Every key (kebab-case) with its effective value, as GET /admin/config shows it. */
  raw: Record<string, unknown>;
}

function bool(v: unknown): boolean | string {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === '') return true;
  if (v === 'false' || v === '0') return false;
  return `must be true or false, got ${JSON.stringify(v)}`;
}

function num(v: unknown, spec: KeySpec, int: boolean): number | string {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return `must be a number, got ${JSON.stringify(v)}`;
  if (int && !Number.isInteger(n)) return `must be an integer, got ${n}`;
  if (spec.min !== undefined && n < spec.min) return `must be >= ${spec.min}, got ${n}`;
  if (spec.max !== undefined && n > spec.max) return `must be <= ${spec.max}, got ${n}`;
  if (spec.values && !spec.values.includes(String(n))) return `must be one of ${spec.values.join(', ')}, got ${n}`;
  return n;
}

function convert(spec: KeySpec, v: unknown): unknown {
  switch (spec.type) {
    case 'int':
      return num(v, spec, true);
    case 'float':
      return num(v, spec, false);
    case 'duration':
      return parseDuration(v);
    case 'bool':
      return bool(v);
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : `must be a string, got ${JSON.stringify(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.values?.includes(v) ? v : `must be one of ${spec.values?.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`;
    case 'strings': {
      const arr = typeof v === 'string' ? v.split(/[\s,]+/).filter((x) => x !== '') : v;
      if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) return `must be a list of strings, got ${JSON.stringify(v)}`;
      const bad = spec.values ? arr.filter((x) => !spec.values?.includes(x)) : [];
      return bad.length > 0 ? `unknown value(s) ${bad.join(', ')}; valid: ${spec.values?.join(', ')}` : arr;
    }
  }
}

/**
 * Converts one key's loose input (YAML / flag string); a string result that is a message (not a
 * value) is the problem, named with the key by the caller. Plain code, not a zod schema: the
 * simulator child's start-up does not load zod (~0.1 s).
 */
function checkKey(spec: KeySpec, v: unknown): { value: unknown } | { message: string } {
  const out = convert(spec, v);
  if (typeof out === 'string' && spec.type !== 'string' && spec.type !== 'enum') return { message: out };
  if (spec.type === 'enum' && typeof out === 'string' && !spec.values?.includes(out)) return { message: out };
  if (spec.type === 'string' && typeof out === 'string' && out.startsWith('must be')) return { message: out };
  return { value: out };
}

export interface ConfigProblem {
  key: string;
  message: string;
  line?: number;
}

/** Validates a partial kebab-case map; returns normalized values and every problem found. */
export function validatePartial(input: Record<string, unknown>, lines: Map<string, number> = new Map()): { values: Record<string, unknown>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const known: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!KEY_BY_NAME.has(k)) {
      const near = closest(k, KEY_NAMES);
      problems.push({ key: k, line: lines.get(k), message: `unknown key "${k}"${near ? `; did you mean "${near}"?` : ''}` });
    } else if (v !== undefined && v !== null) known[k] = v;
  }
  // in catalog order (as the zod object schema this replaces reported and returned them)
  const values: Record<string, unknown> = {};
  const bad: ConfigProblem[] = [];
  for (const spec of KEYS) {
    if (!Object.hasOwn(known, spec.key)) continue;
    const r = checkKey(spec, known[spec.key]);
    if ('message' in r) bad.push({ key: spec.key, line: lines.get(spec.key), message: `${spec.key}: ${r.message}` });
    else if (r.value !== undefined) values[spec.key] = r.value;
  }
  if (bad.length > 0) return { values: {}, problems: [...problems, ...bad] };
  return { values, problems };
}

/** Reads a YAML config file; unknown keys and bad values are reported with file:line and the key. */
export function readConfigFile(file: string): Record<string, unknown> {
  return readConfigFileLines(file).values;
}

/** readConfigFile, also returning the line of every key (for cross-key errors found later). */
export function readConfigFileLines(file: string): { values: Record<string, unknown>; lines: Map<string, number> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LlmdbenchError('E_SIM_CONFIG_READ', `cannot read simulator config ${file}: ${(e as Error).message}`, { kind: 'environment', location: { file } });
  }
  // yaml only when a config file is given: its import is ~0.1–0.3 s of the simulator's start-up
  const { LineCounter, parseDocument, isMap, isScalar } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e ? lc.linePos(e.pos[0]) : undefined;
    throw new LlmdbenchError('E_SIM_CONFIG_YAML', `invalid YAML: ${(e?.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, { location: { file, line: pos?.line, column: pos?.col } });
  }
  const lines = new Map<string, number>();
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new LlmdbenchError('E_SIM_CONFIG_YAML', 'the simulator config must be a YAML mapping of kebab-case keys', { location: { file, line: 1 } });
  }
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) lines.set(String(pair.key.value), lc.linePos(pair.key.range[0]).line);
    }
  }
  const obj = (doc.toJS() ?? {}) as Record<string, unknown>;
  const { values, problems } = validatePartial(obj, lines);
  throwProblems(problems, file);
  return { values, lines };
}

export function throwProblems(problems: ConfigProblem[], file?: string): void {
  if (problems.length === 0) return;
  const first = problems[0] as ConfigProblem;
  const detail = (p: ConfigProblem): string => `${file && p.line !== undefined ? `${file}:${p.line}: ` : ''}${p.message}`;
  throw new LlmdbenchError('E_SIM_CONFIG', problems.length === 1 ? first.message : `${problems.length} problems in the simulator configuration`, {
    location: { file, line: first.line, keyPath: first.key },
    details: problems.length === 1 ? [] : problems.map(detail),
    hint: 'keys and defaults are those of llm-d-inference-sim; see `llmdbench sim --help`',
  });
}

export interface ConfigSources {
  /** Values from --config / a preset (validated again here; idempotent). */
  file?: Record<string, unknown>;
  /** Values from flags or the embedded API (validated here). */
  overrides?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Where `file` values came from, so cross-key errors point at file:line. */
  origin?: { file: string; lines: Map<string, number> };
}

/** Merges defaults < file < env (model) < overrides and checks cross-key rules. */
export function resolveConfig(src: ConfigSources): SimConfig {
  const { values: fileValues, problems: fileProblems } = validatePartial(src.file ?? {});
  throwProblems(fileProblems);
  const { values: over, problems } = validatePartial(src.overrides ?? {});
  throwProblems(problems);
  const raw: Record<string, unknown> = {};
  for (const k of KEYS) if (k.def !== undefined) raw[k.key] = k.def;
  Object.assign(raw, fileValues);
  const envModel = (src.env ?? process.env)['SIM_MODEL'];
  if (envModel) raw['model'] = envModel;
  Object.assign(raw, over);
  if (raw['seed'] === undefined) raw['seed'] = Number(process.hrtime.bigint() % 2147483647n);
  if (raw['served-model-name'] === undefined || (raw['served-model-name'] as string[]).length === 0) {
    raw['served-model-name'] = raw['model'] === undefined ? [] : [raw['model']];
  }
  if (raw['max-cpu-loras'] === undefined) raw['max-cpu-loras'] = raw['max-loras'];
  const cross = crossCheck(raw);
  const o = src.origin;
  if (o) for (const p of cross) if (!(p.key in over)) p.line = o.lines.get(p.key);
  throwProblems(cross, o && cross.some((p) => p.line !== undefined) ? o.file : undefined);
  return toSimConfig(raw);
}

function crossCheck(raw: Record<string, unknown>): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  const n = (k: string): number => Number(raw[k] ?? 0);
  if (typeof raw['model'] !== 'string' || raw['model'] === '') p.push({ key: 'model', message: 'model is required (--model, the model key, or SIM_MODEL)' });
  const pairs: Array<[string, string]> = [
    ['time-to-first-token', 'time-to-first-token-std-dev'],
    ['inter-token-latency', 'inter-token-latency-std-dev'],
    ['kv-cache-transfer-latency', 'kv-cache-transfer-latency-std-dev'],
  ];
  for (const [mean, sd] of pairs) {
    if (n(sd) > 0.3 * n(mean) + 1e-9) p.push({ key: sd, message: `${sd} must be at most 30% of ${mean} (${formatDuration(n(mean))}), got ${formatDuration(n(sd))}` });
  }
  if (n('max-cpu-loras') < n('max-loras')) p.push({ key: 'max-cpu-loras', message: 'max-cpu-loras must be >= max-loras' });
  if ((raw['ssl-certfile'] === undefined) !== (raw['ssl-keyfile'] === undefined)) p.push({ key: 'ssl-certfile', message: 'ssl-certfile and ssl-keyfile go together' });
  if (raw['mode'] === 'echo' && (raw['dataset-path'] !== undefined || raw['dataset-url'] !== undefined)) p.push({ key: 'dataset-path', message: 'a dataset is not allowed in echo mode' });
  if (n('workers') > 1) {
    // Each shard needs at least one slot; the start-up log is one file written by one process.
    if (n('workers') > n('max-num-seqs')) p.push({ key: 'workers', message: `workers (${n('workers')}) must be at most max-num-seqs (${n('max-num-seqs')}): the slots are split between the shards` });
    if (n('workers') > n('kv-cache-size')) p.push({ key: 'workers', message: `workers (${n('workers')}) must be at most kv-cache-size (${n('kv-cache-size')}): the KV blocks are split between the shards` });
    if (raw['startup-log'] !== undefined) p.push({ key: 'startup-log', message: 'startup-log needs workers: 1 (one process writes the start-up log)' });
  }
  return p;
}

function toSimConfig(raw: Record<string, unknown>): SimConfig {
  const g = <T>(k: string): T => raw[k] as T;
  const types = g<string[]>('failure-types');
  return {
    model: g('model'),
    servedModelNames: g('served-model-name'),
    host: g('host'),
    port: g('port'),
    maxRequestBodyBytes: g<number>('max-request-body-size-mb') * 1024 * 1024,
    maxModelLen: g('max-model-len'),
    maxNumSeqs: g('max-num-seqs'),
    maxWaitingQueueLength: g('max-waiting-queue-length'),
    mode: g('mode'),
    seed: g('seed'),
    startupDurationMs: g('startup-duration'),
    enableRequestIdHeaders: g('enable-request-id-headers'),
    latencyCalculator: g('latency-calculator'),
    ttftMs: g('time-to-first-token'),
    ttftStdDevMs: g('time-to-first-token-std-dev'),
    itlMs: g('inter-token-latency'),
    itlStdDevMs: g('inter-token-latency-std-dev'),
    prefillOverheadMs: g('prefill-overhead'),
    prefillTimePerTokenMs: g('prefill-time-per-token'),
    prefillTimeStdDevMs: g('prefill-time-std-dev'),
    kvTransferLatencyMs: g('kv-cache-transfer-latency'),
    kvTransferLatencyStdDevMs: g('kv-cache-transfer-latency-std-dev'),
    kvTransferTimePerTokenMs: g('kv-cache-transfer-time-per-token'),
    kvTransferTimeStdDevMs: g('kv-cache-transfer-time-std-dev'),
    timeFactorUnderLoad: g('time-factor-under-load'),
    forceDummyTokenizer: g('force-dummy-tokenizer'),
    enableKvCache: g('enable-kvcache'),
    kvCacheSize: g('kv-cache-size'),
    blockSize: g('block-size'),
    globalCacheHitThreshold: g('global-cache-hit-threshold'),
    failureInjectionRate: g('failure-injection-rate'),
    failureTypes: (types.length > 0 ? types : [...FAILURE_TYPES]) as FailureType[],
    wholeMsDelays: g('whole-ms-delays'),
    tokenizer: g('tokenizer'),
    traceCapacity: g('trace-capacity'),
    traceFile: g('trace-file'),
    startupLog: g('startup-log'),
    loadFormat: g('load-format'),
    modelSizeGiB: g('model-size-gib'),
    compileCache: g('compile-cache'),
    enableSleepMode: g('enable-sleep-mode'),
    workers: g('workers'),
    startupPhasesMs: STARTUP_PHASES.map((p) => g<number>(p.key)),
    raw,
  };
}

/** POST /admin/config: only admin keys; same validation; returns the new config (caller swaps it atomically). */
export function applyAdminPatch(current: SimConfig, patch: unknown): { config?: SimConfig; error?: string } {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return { error: 'the body must be a JSON object of configuration keys' };
  const notAdmin = Object.keys(patch).filter((k) => !KEY_BY_NAME.get(k)?.admin);
  if (notAdmin.length > 0) {
    const near = notAdmin.map((k) => (KEY_BY_NAME.has(k) ? `${k} (cannot be changed at run time)` : `${k}${closest(k, KEY_NAMES) ? ` (did you mean ${closest(k, KEY_NAMES)}?)` : ''}`));
    return { error: `unsupported key(s) for run-time change: ${near.join(', ')}` };
  }
  const { values, problems } = validatePartial(patch as Record<string, unknown>);
  if (problems.length > 0) return { error: problems.map((p) => p.message).join('; ') };
  const raw = { ...current.raw, ...values };
  const cross = crossCheck(raw);
  if (cross.length > 0) return { error: cross.map((p) => p.message).join('; ') };
  return { config: toSimConfig(raw) };
}

/** The live config as GET /admin/config shows it: kebab-case keys, durations as Go strings. */
export function publicConfig(c: SimConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = c.raw[k.key];
    if (v === undefined) continue;
    out[k.key] = k.type === 'duration' ? formatDuration(v as number) : v;
  }
  return out;
}
