/**
 * inference-perf cross-field rules, as errors where inference-perf itself
 * refuses the config (and warnings where it silently ignores a field).
 * They read the raw document defensively: a field of the wrong type was
 * already reported by the schema and is skipped here.
 */
import type { ProfileIssue } from '../types.ts';
import { error, isNum, isRec, isSet, warning, type Rec } from '../schema-common.ts';
import type { Path } from '../zod-issues.ts';

const STAGE_FIELDS: Record<string, { required: string[]; allowed: string[] }> = {
  constant: { required: ['rate', 'duration'], allowed: ['rate', 'duration'] },
  poisson: { required: ['rate', 'duration'], allowed: ['rate', 'duration'] },
  trace_replay: { required: ['rate', 'duration'], allowed: ['rate', 'duration'] },
  concurrent: { required: ['num_requests', 'concurrency_level'], allowed: ['num_requests', 'concurrency_level'] },
  trace_session_replay: { required: ['concurrent_sessions'], allowed: ['concurrent_sessions', 'num_sessions', 'session_rate', 'timeout'] },
};
/** Fields inference-perf refuses outright on a stage of these types (null is tolerated). */
const FORBIDDEN: Record<string, string[]> = {
  constant: ['num_requests', 'concurrency_level'],
  poisson: ['num_requests', 'concurrency_level'],
  trace_replay: ['num_requests', 'concurrency_level'],
};
const DIST_DEFAULTS = { min: 10, max: 1024, mean: 512 };

export function inferencePerfRules(doc: Rec): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const load = isRec(doc.load) ? doc.load : {};
  const loadType = typeof load.type === 'string' ? load.type : 'constant';
  loadRules(load, loadType, out);
  const api = isRec(doc.api) ? doc.api : {};
  const apiType = typeof api.type === 'string' ? api.type : 'completion';
  if (isRec(doc.data)) dataRules(doc.data, loadType, apiType, api.type !== undefined, out);
  if (isRec(doc.metrics)) metricsRules(doc.metrics, out);
  return out;
}

function loadRules(load: Rec, loadType: string, out: ProfileIssue[]): void {
  const fields = STAGE_FIELDS[loadType];
  const stages = Array.isArray(load.stages) ? load.stages : [];
  const sweep = isSet(load.sweep);
  if (sweep && (loadType === 'concurrent' || loadType === 'trace_session_replay')) {
    out.push(error(['load', 'sweep'], `load.sweep is not allowed with load.type ${loadType}`, 'list the stages explicitly'));
  }
  if (stages.length === 0 && !sweep) {
    out.push(error(Array.isArray(load.stages) ? ['load', 'stages'] : ['load'], 'no load stages: set load.stages (one or more) or load.sweep'));
  }
  if (!fields) return; // bad load.type: reported by the schema
  stages.forEach((stage, i) => {
    if (!isRec(stage)) return;
    const at: Path = ['load', 'stages', i];
    for (const f of fields.required) {
      if (!isSet(stage[f])) out.push(error([...at, f], `required for load.type ${loadType} (a ${loadType} stage needs ${fields.required.join(' and ')})`));
    }
    for (const [k, v] of Object.entries(stage)) {
      if (!isSet(v) || fields.allowed.includes(k) || !(k in STAGE_KEYS)) continue;
      if (FORBIDDEN[loadType]?.includes(k)) {
        out.push(error([...at, k], `"${k}" is not allowed on a ${loadType} stage (inference-perf rejects it)`, `a ${loadType} stage takes ${fields.allowed.join(' and ')}; ${k} belongs to other load types`));
      } else {
        out.push(warning([...at, k], `"${k}" is ignored for load.type ${loadType}`, `a ${loadType} stage takes ${fields.allowed.join(', ')}`));
      }
    }
    if (loadType === 'trace_session_replay' && isNum(stage.session_rate) && isNum(stage.concurrent_sessions) && stage.concurrent_sessions > 0 && stage.session_rate > stage.concurrent_sessions) {
      out.push(error([...at, 'session_rate'], `session_rate (${stage.session_rate}) must not exceed concurrent_sessions (${stage.concurrent_sessions})`));
    }
  });
  if (Array.isArray(load.lora_traffic_split) && load.lora_traffic_split.length > 0) {
    const splits = load.lora_traffic_split.map((s) => (isRec(s) ? s.split : undefined));
    if (splits.every(isNum)) {
      const sum = (splits as number[]).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-9) out.push(error(['load', 'lora_traffic_split'], `splits sum to ${sum}, must sum to exactly 1.0`));
    }
  }
}

const STAGE_KEYS: Record<string, true> = {
  rate: true, duration: true, num_requests: true, concurrency_level: true,
  concurrent_sessions: true, num_sessions: true, session_rate: true, timeout: true,
};

/** min ≤ max, std_dev/variance exclusive; with `meanInRange`, also min ≤ mean ≤ max (defaults filled in). */
function distributionRules(d: unknown, at: Path, out: ProfileIssue[], opts: { defaults: boolean; meanInRange: boolean }): void {
  if (!isRec(d)) return;
  const get = (k: 'min' | 'max' | 'mean'): number | undefined => (isNum(d[k]) ? (d[k] as number) : d[k] === undefined && opts.defaults ? DIST_DEFAULTS[k] : undefined);
  const min = get('min');
  const max = get('max');
  const mean = get('mean');
  const dflt = (k: string): string => (d[k] === undefined && opts.defaults ? ' (default)' : '');
  if (min !== undefined && max !== undefined && min > max) {
    out.push(error([...at, 'min'], `min (${min}${dflt('min')}) is greater than max (${max}${dflt('max')})`));
  }
  if (isSet(d.std_dev) && isSet(d.variance)) out.push(error([...at, 'variance'], 'set either std_dev or variance, not both'));
  const type = typeof d.type === 'string' ? d.type : 'normal';
  if (opts.meanInRange && type === 'normal' && min !== undefined && max !== undefined && mean !== undefined && min <= max && (mean < min || mean > max)) {
    out.push(
      error([...at, 'mean'], `mean (${mean}${dflt('mean')}) must lie within [min, max] = [${min}${dflt('min')}, ${max}${dflt('max')}] for a normal distribution (inference-perf refuses it)`),
    );
  }
}

/**
 * What each data generator accepts (inference-perf's get_supported_apis /
 * is_shared_prefix_supported and its "config is required" checks): anything
 * else makes inference-perf raise before sending a request.
 */
const DATA_SUPPORT: Record<string, { apis?: string[]; sharedPrefix?: boolean; requires?: string }> = {
  random: { apis: ['completion'], sharedPrefix: false },
  synthetic: { apis: ['completion'], sharedPrefix: false },
  shareGPT: { apis: ['completion', 'chat'] },
  shared_prefix: { apis: ['completion', 'chat'], requires: 'shared_prefix' },
  conversation_replay: { apis: ['completion'], sharedPrefix: false, requires: 'conversation_replay' },
  otel_trace_replay: { apis: ['chat', 'anthropic_messages'], requires: 'otel_trace_replay' },
  weka_trace_replay: { apis: ['chat', 'anthropic_messages'], requires: 'weka_trace_replay' },
};

function dataRules(data: Rec, loadType: string, apiType: string, apiTypeSet: boolean, out: ProfileIssue[]): void {
  const type = typeof data.type === 'string' ? data.type : 'mock';
  const synthetic = type === 'random' || type === 'synthetic';
  const support = DATA_SUPPORT[type];
  if (support?.apis && !support.apis.includes(apiType)) {
    out.push(
      error(apiTypeSet ? ['api', 'type'] : ['data', 'type'], `data.type ${type} supports api.type ${support.apis.join(' or ')}, not ${apiType}${apiTypeSet ? '' : ' (the default)'}`, `set api.type: ${support.apis[0]}`),
    );
  }
  if (support?.requires && !isRec(data[support.requires])) {
    out.push(error(['data', support.requires], `required for data.type ${type}`));
  }
  if (support?.sharedPrefix === false && isSet(data.shared_prefix)) {
    out.push(error(['data', 'shared_prefix'], `data.type ${type} does not take a shared_prefix section (inference-perf refuses it)`, 'use data.type: shared_prefix'));
  }
  for (const k of ['input_distribution', 'output_distribution']) {
    if (synthetic && !isSet(data[k])) out.push(error(['data', k], `required for data.type ${type}`, 'give min, max, mean and std_dev of the token lengths'));
    distributionRules(data[k], ['data', k], out, { defaults: synthetic, meanInRange: synthetic });
  }
  if ((type === 'otel_trace_replay' || type === 'weka_trace_replay') && loadType !== 'trace_session_replay') {
    out.push(error(['data', 'type'], `data.type ${type} requires load.type trace_session_replay (got ${loadType})`));
  }
  if (type === 'otel_trace_replay' || type === 'weka_trace_replay') {
    const sub = data[type];
    if (isRec(sub) && !isSet(sub.trace_directory) && !isSet(sub.trace_files) && !isSet(sub.hf_dataset_path)) {
      out.push(error(['data', type], 'needs a trace source: trace_directory, trace_files or hf_dataset_path'));
    }
  }
  if ((type === 'cnn_dailymail' || type === 'infinity_instruct' || type === 'billsum_conversations') && !isSet(data.path)) {
    out.push(error(['data', 'path'], `required for data.type ${type}`));
  }
  if (isSet(data.trace) && loadType !== 'trace_replay') {
    out.push(warning(['data', 'trace'], 'a trace is only replayed with load.type trace_replay'));
  }
  if (isRec(data.shared_prefix)) {
    const sp = data.shared_prefix;
    for (const [legacy, inline] of [['question_distribution', 'question_len'], ['output_distribution', 'output_len']] as const) {
      if (isSet(sp[legacy]) && isRec(sp[inline])) out.push(error(['data', 'shared_prefix', legacy], `use either ${legacy} or a distribution in ${inline}, not both`));
    }
    for (const [alias, name] of [['num_unique_system_prompts', 'num_groups'], ['num_users_per_system_prompt', 'num_prompts_per_group']] as const) {
      if (isSet(sp[alias]) && isSet(sp[name])) out.push(error(['data', 'shared_prefix', alias], `"${alias}" is an alias of "${name}": set only one`));
    }
    for (const k of ['system_prompt_len', 'question_len', 'output_len', 'question_distribution', 'output_distribution']) {
      distributionRules(sp[k], ['data', 'shared_prefix', k], out, { defaults: false, meanInRange: false });
    }
  }
  if (isRec(data.conversation_replay)) {
    const cr = data.conversation_replay;
    for (const k of ['dynamic_system_prompt_len', 'turns_per_conversation', 'input_tokens_per_turn', 'output_tokens_per_turn', 'tool_call_latency_sec']) {
      distributionRules(cr[k], ['data', 'conversation_replay', k], out, { defaults: false, meanInRange: false });
    }
  }
}

function metricsRules(m: Rec, out: ProfileIssue[]): void {
  if (m.type !== 'prometheus') return;
  const p = m.prometheus;
  if (!isRec(p)) {
    out.push(error(['metrics', 'prometheus'], 'required with metrics.type prometheus (url or google_managed)'));
    return;
  }
  const hasUrl = isSet(p.url);
  const gm = p.google_managed === true;
  if (hasUrl === gm) out.push(error(['metrics', 'prometheus'], hasUrl ? 'set either url or google_managed, not both' : 'needs url (the Prometheus server) or google_managed: true'));
}
