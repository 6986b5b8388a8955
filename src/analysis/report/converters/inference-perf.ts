/**
 * inference-perf: one report per `stage_<N>_lifecycle_metrics.json` (and per
 * `stage_<N>_session_lifecycle_metrics.json`), mapped as upstream's
 * import_inference_perf (v0.1 and v0.2) and the v0.2.1 multimodal additions:
 * latencies in s and s/token, ISL/OSL from the profile's data distributions,
 * else from the successes' prompt_len / output_len.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readNative } from '../native-file.ts';
import { parsePyTree } from '../pyjson.ts';
import { fromInferencePerf, get, meanOnly, num } from '../stats-map.ts';
import type { CommonReport, Converter, NativeSource, RunContext, SequenceLength, Stats } from '../types.ts';
import { readSession } from './inference-perf-session.ts';

const STAGE_RE = /^stage_(\d+)_.*\.json$/;

function stageOf(file: string): number {
  const m = /stage_(\d+)_/.exec(basename(file));
  return m ? Number(m[1]) : 0;
}

function seqLen(config: unknown, key: 'input_distribution' | 'output_distribution', res: unknown, lenKey: 'prompt_len' | 'output_len'): SequenceLength {
  const d = get(config, ['data', key]);
  const fallbackMean = lenKey === 'prompt_len' ? get(res, ['successes', lenKey, 'mean'], get(res, ['failures', lenKey, 'mean'])) : get(res, ['successes', lenKey, 'mean'], 0);
  return {
    distribution: 'gaussian',
    value: num(plainNum(get(d, ['mean']))) ?? num(fallbackMean) ?? 0,
    std_dev: num(plainNum(get(d, ['std']) ?? get(d, ['std_dev']))),
    min: num(plainNum(get(d, ['min']))) ?? num(get(res, ['successes', lenKey, 'min'])),
    max: num(plainNum(get(d, ['max']))) ?? num(get(res, ['successes', lenKey, 'max'])),
  };
}

function plainNum(v: unknown): unknown {
  return v && typeof v === 'object' && 'value' in (v as object) ? (v as { value: unknown }).value : v;
}

const MODALITIES: Record<string, [string, string, string][]> = {
  image: [['count', 'count', 'count'], ['pixels', 'pixels', 'pixels'], ['bytes', 'filesize', 'bytes'], ['aspect_ratio', 'aspect_ratio', 'ratio']],
  video: [['count', 'count', 'count'], ['frames', 'frames', 'count'], ['pixels', 'pixels', 'pixels'], ['bytes', 'filesize', 'bytes'], ['aspect_ratio', 'aspect_ratio', 'ratio']],
  audio: [['count', 'count', 'count'], ['seconds', 'duration', 's'], ['bytes', 'filesize', 'bytes']],
};

function multimodal(successes: unknown): Record<string, Record<string, Stats>> | undefined {
  const out: Record<string, Record<string, Stats>> = {};
  for (const [modality, fields] of Object.entries(MODALITIES)) {
    const native = get(successes, [modality]);
    if (!native || typeof native !== 'object') continue;
    const stats: Record<string, Stats> = {};
    for (const [n, s, u] of fields) {
      const st = fromInferencePerf(get(native, [n]), u);
      if (st) stats[s] = st;
    }
    if (Object.keys(stats).length) out[modality] = stats;
  }
  return Object.keys(out).length ? out : undefined;
}

export function convertStage(file: string, res: unknown, ctx: RunContext): CommonReport {
  const config = ctx.config;
  const dataType = get(config, ['data', 'type']);
  let source: CommonReport['load']['source'] = 'unknown';
  let prefix: Record<string, unknown> | undefined;
  let multiTurn: Record<string, unknown> | undefined;
  if (typeof dataType === 'string' && dataType) {
    source = dataType === 'random' || dataType === 'shared_prefix' ? 'random' : 'sampled';
    if (dataType === 'shared_prefix') {
      prefix = {
        prefix_len: { distribution: 'fixed', value: plainNum(get(config, ['data', 'shared_prefix', 'system_prompt_len'])) },
        num_groups: plainNum(get(config, ['data', 'shared_prefix', 'num_groups'])),
        num_users_per_group: plainNum(get(config, ['data', 'shared_prefix', 'num_prompts_per_group'])),
        num_prefixes: 1,
      };
      if (get(config, ['data', 'shared_prefix', 'enable_multi_turn_chat'])) multiTurn = { enabled: true };
    }
  }
  const total = num(get(res, ['load_summary', 'count'])) ?? 0;
  const failures = num(get(res, ['failures', 'count'])) ?? 0;
  const lat = (k: string, units: string): Stats | undefined => fromInferencePerf(get(res, ['successes', 'latency', k]), units);
  const tp = (k: string): unknown => get(res, ['successes', 'throughput', k]);
  const successes = get(res, ['successes']);
  const mediaRates: Record<string, Stats> = {};
  for (const [n, s, u] of [['images_per_sec', 'image_rate', 'images/s'], ['videos_per_sec', 'video_rate', 'videos/s'], ['audios_per_sec', 'audio_rate', 'audios/s']] as const) {
    const st = meanOnly(tp(n), u);
    if (st) mediaRates[s] = st;
  }
  const configYaml = join(dirname(file), 'config.yaml');
  const stage = stageOf(file);
  const reportLatency = {
    ttft: lat('time_to_first_token', 's'),
    ntpot: lat('normalized_time_per_output_token', 's/token'),
    tpot: lat('time_per_output_token', 's/token'),
    itl: lat('inter_token_latency', 's/token'),
    requestLatency: lat('request_latency', 's'),
  };
  return {
    harness: 'inference-perf',
    nativeFile: basename(file),
    v01Time: { duration: num(get(res, ['load_summary', 'send_duration'])) ?? 0 },
    v01LoadArgs: existsSync(configYaml) ? (parsePyTree(readFileSync(configYaml, 'utf8')) as Record<string, unknown>) : {},
    v01LoadMetadata: { stage },
    load: {
      stage,
      source,
      inputSeqLen: seqLen(config, 'input_distribution', res, 'prompt_len'),
      outputSeqLen: seqLen(config, 'output_distribution', res, 'output_len'),
      prefix,
      multiTurn,
      rateQps: num(get(res, ['load_summary', 'requested_rate'])),
      concurrency: num(get(res, ['load_summary', 'concurrency'])),
    },
    native: {},
    cfgIdOf: 'config',
    allFailed: total === failures,
    requests: {
      total,
      failures,
      inputLength: fromInferencePerf(get(res, ['successes', 'prompt_len']), 'count'),
      outputLength: fromInferencePerf(get(res, ['successes', 'output_len']), 'count'),
      requestSize: fromInferencePerf(get(successes, ['request_size_bytes']), 'bytes'),
      multimodal: multimodal(successes),
    },
    v01Requests: {
      total,
      failures,
      inputLength: fromInferencePerf(get(res, ['successes', 'prompt_len']), 'count', num(get(res, ['failures', 'prompt_len', 'mean'])) ?? 0),
      outputLength: fromInferencePerf(get(res, ['successes', 'output_len']), 'count', 0),
    },
    latency: reportLatency,
    throughput: {
      outputTokenRate: meanOnly(tp('output_tokens_per_sec'), 'tokens/s'),
      totalTokenRate: meanOnly(tp('total_tokens_per_sec'), 'tokens/s'),
      requestRate: meanOnly(tp('requests_per_sec'), 'queries/s'),
    },
    mediaRates: Object.keys(mediaRates).length ? mediaRates : undefined,
  };
}

export const inferencePerfConverter: Converter = {
  kind: 'inference-perf',
  find(dir: string): NativeSource[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => STAGE_RE.test(f))
      .sort((a, b) => stageOf(a) - stageOf(b) || a.localeCompare(b))
      .map((f) => ({ file: join(dir, f), session: f.endsWith('_session_lifecycle_metrics.json') }));
  },
  claims(file: string): boolean {
    return STAGE_RE.test(basename(file)) || /lifecycle/.test(basename(file));
  },
  convert(src: NativeSource, ctx: RunContext): CommonReport[] {
    const res = readNative(src.file);
    if (src.session || get(res, ['num_sessions']) !== undefined) return [readSession(src.file, res, ctx)];
    return [convertStage(src.file, res, ctx)];
  },
};
