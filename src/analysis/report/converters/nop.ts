/**
 * nop (model-load timing, no load): `result.yaml` → v0.1 only (upstream defines nop
 * for v0.1 alone; llm-d-benchmark writes it to benchmark_report/result.yaml), as
 * upstream's import_nop: zero placeholders for requests / latency / throughput,
 * one `metrics.metadata` entry per metrics block with every value as {units, value}.
 * Reads both result shapes: `metrics` (SHELL: metadata = the entries, as the nop harness's own
 * benchmark_report/result.yaml) and `vllm_metrics` (HEAD: wrapped with `extra_metrics`).
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readNative } from '../native-file.ts';
import { get, num } from '../stats-map.ts';
import type { CommonReport, Converter, NativeSource, RunContext, Stats } from '../types.ts';

type Obj = Record<string, unknown>;
const uv = (units: string, value: unknown): { units: string; value: unknown } | undefined => (value === undefined || value === null ? undefined : { units, value });

function categories(list: unknown): unknown[] {
  if (!Array.isArray(list)) return [];
  return (list as Obj[]).map((c) => ({
    title: c['title'],
    process: get(c, ['process', 'name']),
    elapsed: { units: 's', value: c['elapsed'] },
    categories: Array.isArray(c['categories']) ? categories(c['categories']) : undefined,
  }));
}

function block(m: Obj): Obj {
  const out: Obj = {
    name: m['name'],
    pod_start: uv('s', m['pod_start']),
    container_start: m['pod_start'] !== undefined ? uv('s', m['container_start'] ?? 0) : undefined,
    vllm_start_timestamp: uv('s', m['vllm_start_timestamp']),
    vllm_ready_timestamp: uv('s', m['vllm_ready_timestamp']),
    load: m['load']
      ? { time: uv('s', get(m, ['load', 'time'])), size: uv('GiB', get(m, ['load', 'size'])), transfer_rate: uv('GiB/s', get(m, ['load', 'transfer_rate'])) }
      : undefined,
    dynamo_bytecode_transform: uv('s', m['dynamo_bytecode_transform']),
    torch_compile: uv('s', m['torch_compile']),
    memory_profiling: m['memory_profiling']
      ? {
          initial_free: uv('GiB', get(m, ['memory_profiling', 'initial_free'])),
          after_free: uv('GiB', get(m, ['memory_profiling', 'after_free'])),
          time: uv('s', get(m, ['memory_profiling', 'time'])),
        }
      : undefined,
    categories: categories(m['categories']),
  };
  if (Array.isArray(m['sleep_wake'])) {
    out['sleep_wake'] = (m['sleep_wake'] as Obj[]).map((s) => ({
      timestamp: uv('s', s['timestamp']),
      type: s['type'],
      time: uv('s', s['time']),
      gpu_freed: s['type'] === 'sleep' ? uv('GiB', s['gpu_freed']) : undefined,
      gpu_in_use: s['type'] === 'sleep' ? uv('GiB', s['gpu_in_use']) : undefined,
    }));
  } else {
    if (m['sleep']) out['sleep'] = { time: uv('s', get(m, ['sleep', 'time'])), gpu_freed: uv('GiB', get(m, ['sleep', 'gpu_freed'])), gpu_in_use: uv('GiB', get(m, ['sleep', 'gpu_in_use'])) };
    if (m['wake'] !== undefined) out['wake'] = uv('s', m['wake']);
  }
  for (const k of ['load_cached_compiled_graph', 'compile_graph']) if (m[k] !== undefined && m[k] !== null) out[k] = uv('s', m[k]);
  return out;
}

const zero = (units: string): Stats => ({ units, mean: 0, min: 0, p10: 0, p50: 0, p90: 0, max: 0 });

export function convertNop(file: string, res: Obj): CommonReport {
  const scenario = (res['scenario'] ?? {}) as Obj;
  const enginesRaw = get(scenario, ['platform', 'engines']);
  const engineList: Obj[] = Array.isArray(enginesRaw) ? (enginesRaw as Obj[]) : enginesRaw && typeof enginesRaw === 'object' ? Object.values(enginesRaw as Obj).map((e) => e as Obj) : [];
  const engines = engineList.map((e) => ({ name: e['name'] ?? '', version: e['version'], args: e['args'], metadata: e['image'] !== undefined ? { image: e['image'] } : undefined }));
  const metricsName = Array.isArray(res['vllm_metrics']) ? 'vllm_metrics' : 'metrics';
  const blocks = Array.isArray(res[metricsName]) ? (res[metricsName] as Obj[]).map(block) : [];
  // SHELL era: the entries themselves; HEAD: wrapped as {name: 'vllm_metrics' | 'extra_metrics', value}.
  const metadata: unknown[] = metricsName === 'metrics' ? blocks : [{ name: 'vllm_metrics', value: blocks }];
  if (metricsName !== 'metrics' && Array.isArray(res['extra_metrics'])) metadata.push({ name: 'extra_metrics', value: res['extra_metrics'] });
  const time = (res['time'] ?? {}) as Obj;
  return {
    harness: 'nop',
    nativeFile: basename(file),
    model: (get(scenario, ['model', 'name']) as string | undefined) ?? 'unknown',
    v01Time: { duration: num(time['duration']) ?? 0, start: num(time['start']), stop: num(time['stop']) },
    load: { stage: 0, source: 'unknown', inputSeqLen: { distribution: 'other', value: 0 } },
    native: {},
    cfgIdOf: 'config',
    requests: { total: 0, failures: 0, inputLength: zero('count'), outputLength: zero('count') },
    latency: { ttft: zero('ms'), ntpot: zero('ms/token'), tpot: zero('ms/token'), itl: zero('ms/token'), requestLatency: zero('ms') },
    throughput: { outputTokenRate: { units: 'tokens/s', mean: 0 }, totalTokenRate: { units: 'tokens/s', mean: 0 }, requestRate: { units: 'queries/s', mean: 0 } },
    v01Extra: {
      scenario: {
        platform: { engine: engines },
        host: { accelerator: engines.map(() => ({ count: 1, model: 'auto' })), type: engines.map(() => 'replica') },
        metadata: {
          deploy_methods: scenario['deploy_methods'],
          load_format: scenario['load_format'],
          sleep_mode: scenario['sleep_mode'],
          max_instances: scenario['deploy_methods'] !== undefined ? (scenario['max_instances'] ?? 0) : undefined,
          gpus: scenario['gpus'],
        },
      },
      metrics: { metadata },
    },
    v01Only: true,
  };
}

function isNopResult(file: string): boolean {
  if (basename(file) !== 'result.yaml' || !existsSync(file)) return false;
  const r = readNative(file) as Obj | null;
  return !!r && typeof r === 'object' && r['scenario'] !== undefined && (Array.isArray(r['metrics']) || Array.isArray(r['vllm_metrics']));
}

export const nopConverter: Converter = {
  kind: 'nop',
  find(dir: string): NativeSource[] {
    const f = join(dir, 'result.yaml');
    return isNopResult(f) ? [{ file: f }] : [];
  },
  claims: isNopResult,
  convert(src: NativeSource, _ctx: RunContext): CommonReport[] {
    return [convertNop(src.file, readNative(src.file) as Obj)];
  },
};
