/**
 * GuideLLM: one report per `benchmarks[i]` of its JSON report (results.json under
 * llm-d-benchmark, benchmarks.json by default), as upstream's import_guidellm with
 * guidellm_native's reading of both report schemas (v1 `args`, v2/v0.7 `config`):
 * the realized `benchmarks[i].config.strategy` gives rate / concurrency; every
 * Statistics comes from `metrics.<m>.successful`. TTFT/TPOT/ITL are ms, request
 * latency is seconds (GuideLLM's own unit; older upstream labelled it ms).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { parsePyJson, pyFloatRepr } from '../pyjson.ts';
import { fromGuidellm, get, num } from '../stats-map.ts';
import type { CommonReport, Converter, NativeSource, RunContext, SequenceLength } from '../types.ts';

type Obj = Record<string, unknown>;

function head(file: string, n = 65536): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function looksLikeGuidellm(file: string): boolean {
  if (!/\.json$/i.test(file)) return false;
  const h = head(file);
  return /"guidellm_version"|"generative_benchmark"|"benchmarks"\s*:\s*\[\s*\{\s*"type_"/.test(h);
}

/** `config` on report schema v2, `args` on v1. */
export function reportConfig(data: Obj): Obj {
  for (const k of ['config', 'args']) if (data[k] && typeof data[k] === 'object' && !Array.isArray(data[k])) return data[k] as Obj;
  return {};
}

function dataArgs(data: Obj): Obj {
  const config = reportConfig(data);
  let sources = get(config, ['spec', 'data']) ?? config['data'];
  if (!Array.isArray(sources) || sources.length === 0) return {};
  sources = sources as unknown[];
  let first = (sources as unknown[])[0];
  if (typeof first === 'string') {
    try {
      first = parse(first);
    } catch {
      return {};
    }
  }
  return first && typeof first === 'object' ? (first as Obj) : {};
}

function profileKind(data: Obj, bench: Obj): string | undefined {
  const k = get(bench, ['config', 'strategy', 'type_']);
  if (typeof k === 'string' && k) return k;
  const config = reportConfig(data);
  const kind = get(config, ['spec', 'profile', 'kind']) ?? config['profile'];
  return typeof kind === 'string' && kind ? kind : undefined;
}

function runWideRate(data: Obj, keys: string[], index: number): unknown {
  const config = reportConfig(data);
  for (const key of keys) {
    const values = get(config, ['spec', 'profile', key]) ?? config[key];
    if (typeof values === 'number') return values;
    if (Array.isArray(values) && index < values.length) return values[index];
  }
  return undefined;
}

function rateAndConcurrency(data: Obj, bench: Obj, index: number): [number | undefined, number | undefined] {
  const strat = (get(bench, ['config', 'strategy'], {}) ?? {}) as Obj;
  const kind = profileKind(data, bench);
  if (kind === 'async' || kind === 'constant' || kind === 'poisson') {
    const r = strat['rate'] ?? runWideRate(data, ['rate'], index);
    return [num(r), undefined];
  }
  if (kind === 'concurrent') {
    const s = strat['streams'] ?? strat['max_concurrency'] ?? runWideRate(data, ['streams', 'rate'], index);
    return [undefined, num(s) === undefined ? undefined : Math.trunc(num(s)!)];
  }
  if (kind === 'throughput') {
    const c = strat['max_concurrency'] ?? strat['worker_count'] ?? runWideRate(data, ['max_concurrency', 'rate'], index);
    return [undefined, num(c) === undefined ? undefined : Math.trunc(num(c)!)];
  }
  if (kind === 'synchronous') return [undefined, 1];
  return [undefined, undefined];
}

function seq(a: Obj, key: string): SequenceLength {
  const s: SequenceLength = {
    value: num(a[key]) as number,
    std_dev: num(a[`${key}_stdev`]),
    min: num(a[`${key}_min`]),
    max: num(a[`${key}_max`]),
    distribution: 'fixed',
  };
  s.distribution = s.std_dev ? 'gaussian' : s.min ? 'uniform' : 'fixed';
  return s;
}

function source(a: Obj): 'random' | 'sampled' | 'unknown' {
  const kind = a['kind'];
  if (kind === 'synthetic_text') return 'random';
  if (kind) return 'sampled';
  if ('source' in a) return 'sampled';
  if ('prompt_tokens' in a) return 'random';
  return 'unknown';
}

function prefix(a: Obj): Record<string, unknown> | undefined {
  const buckets = a['prefix_buckets'];
  let tokens: unknown;
  let count: unknown;
  if (Array.isArray(buckets) && buckets.length > 0) {
    const b = (buckets[0] && typeof buckets[0] === 'object' ? buckets[0] : {}) as Obj;
    tokens = b['prefix_tokens'];
    count = b['prefix_count'];
  } else {
    tokens = a['prefix_tokens'];
    count = a['prefix_count'];
  }
  if (!tokens) return undefined;
  return { prefix_len: { distribution: 'fixed', value: tokens }, num_groups: 1, num_users_per_group: 1, num_prefixes: count || 1 };
}

function isoSecondsUtc(epochS: number): string {
  return new Date(Math.floor(epochS) * 1000).toISOString().replace('.000Z', '+00:00');
}

export function convertBenchmark(file: string, data: Obj, index: number, _ctx: RunContext): CommonReport {
  const bench = ((data['benchmarks'] as unknown[])[index] ?? {}) as Obj;
  const m = (k: string, units: string) => fromGuidellm(get(bench, ['metrics', k, 'successful']), units);
  const a = dataArgs(data);
  const [rateQps, concurrency] = rateAndConcurrency(data, bench, index);
  const turns = a['turns'];
  const model = [get(bench, ['config', 'backend', 'model']), get(reportConfig(data), ['spec', 'backend', 'model']), reportConfig(data)['model']].find(
    (x) => typeof x === 'string' && x,
  ) as string | undefined;
  const start = num(bench['start_time']);
  const end = num(bench['end_time']);
  const duration = num(bench['duration']);
  return {
    harness: 'guidellm',
    nativeFile: basename(file),
    index,
    model: model ?? 'unknown',
    time: {
      start: start === undefined ? undefined : isoSecondsUtc(start),
      end: end === undefined ? undefined : isoSecondsUtc(end),
      duration: duration === undefined ? undefined : `PT${pyFloatRepr(duration)}S`,
    },
    v01Time: { duration: duration ?? 0, start, stop: end },
    v01LoadArgs: reportConfig(data),
    v01LoadMetadata: { stage: index },
    load: {
      stage: index,
      source: source(a),
      inputSeqLen: seq(a, 'prompt_tokens'),
      outputSeqLen: seq(a, 'output_tokens'),
      prefix: prefix(a),
      multiTurn: typeof turns === 'number' && Number.isInteger(turns) && turns > 1 ? { enabled: true, max_turns: { distribution: 'fixed', value: turns } } : undefined,
      rateQps,
      concurrency,
    },
    native: { config: reportConfig(data) },
    cfgIdOf: 'native',
    requests: {
      total: num(get(bench, ['metrics', 'request_totals', 'total'])) ?? 0,
      failures: num(get(bench, ['metrics', 'request_totals', 'errored'])),
      incomplete: num(get(bench, ['metrics', 'request_totals', 'incomplete'])),
      inputLength: m('prompt_token_count', 'count'),
      outputLength: m('output_token_count', 'count'),
    },
    v01LatencyUnits: 'ms',
    latency: {
      ttft: m('time_to_first_token_ms', 'ms'),
      tpot: m('time_per_output_token_ms', 'ms/token'),
      itl: m('inter_token_latency_ms', 'ms/token'),
      requestLatency: m('request_latency', 's'),
    },
    throughput: {
      outputTokenRate: m('output_tokens_per_second', 'tokens/s'),
      totalTokenRate: m('tokens_per_second', 'tokens/s'),
      requestRate: m('requests_per_second', 'queries/s'),
    },
  };
}

export const guidellmConverter: Converter = {
  kind: 'guidellm',
  find(dir: string): NativeSource[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /\.json$/i.test(f) && !/lifecycle|^stage_/.test(f))
      .sort()
      .map((f) => join(dir, f))
      .filter(looksLikeGuidellm)
      .map((file) => ({ file }));
  },
  claims: looksLikeGuidellm,
  convert(src: NativeSource, ctx: RunContext): CommonReport[] {
    const data = parsePyJson(readFileSync(src.file, 'utf8')) as Obj;
    const benches = Array.isArray(data['benchmarks']) ? (data['benchmarks'] as unknown[]) : [];
    return benches.map((_, i) => convertBenchmark(src.file, data, i, ctx));
  },
};
