/**
 * benchmark_report/result.yaml: the v0.1 benchmark report upstream's `benchmark-report -w nop`
 * makes from result.yaml (native_to_br0_1.import_nop, shell era): zero placeholders for
 * requests/latency/throughput, one accelerator "auto" and type "replica" per engine, the
 * load-time numbers as `{units, value}` in metrics.metadata (one entry per metrics block).
 */

type Obj = Record<string, unknown>;
const zeros = (units: string): Obj => ({ units, mean: 0, min: 0, p10: 0, p50: 0, p90: 0, max: 0 });
const v = (units: string, value: unknown): Obj => ({ units, value });

function categories(list: unknown): Obj[] {
  if (!Array.isArray(list)) return [];
  return (list as Obj[]).map((c) => ({
    title: c['title'],
    ...(c['process'] ? { process: (c['process'] as Obj)['name'] } : {}),
    elapsed: v('s', c['elapsed']),
    ...(c['categories'] ? { categories: categories(c['categories']) } : {}),
  }));
}

function metadataEntry(m: Obj): Obj {
  const load = m['load'] as Obj;
  const mp = m['memory_profiling'] as Obj;
  const sleep = m['sleep'] as Obj;
  return {
    name: m['name'],
    load: { time: v('s', load['time']), size: v('GiB', load['size']), transfer_rate: v('GiB/s', load['transfer_rate']) },
    dynamo_bytecode_transform: v('s', m['dynamo_bytecode_transform']),
    torch_compile: v('s', m['torch_compile']),
    memory_profiling: { initial_free: v('GiB', mp['initial_free']), after_free: v('GiB', mp['after_free']), time: v('s', mp['time']) },
    sleep: { time: v('s', sleep['time']), gpu_freed: v('GiB', sleep['gpu_freed']), gpu_in_use: v('GiB', sleep['gpu_in_use']) },
    wake: v('s', m['wake']),
    categories: categories(m['categories']),
    ...(m['load_cached_compiled_graph'] !== undefined ? { load_cached_compiled_graph: v('s', m['load_cached_compiled_graph']) } : {}),
    ...(m['compile_graph'] !== undefined ? { compile_graph: v('s', m['compile_graph']) } : {}),
  };
}

/** The v0.1 report from a result.yaml document (as written by resultYaml). */
export function reportV01(result: Obj): Obj {
  const sc = result['scenario'] as Obj;
  const engines = ((sc['platform'] as Obj)['engines'] as Obj[]) ?? [];
  const time = result['time'] as Obj;
  return {
    version: '0.1',
    scenario: {
      model: { name: (sc['model'] as Obj)['name'] },
      load: { name: 'nop' },
      platform: { engine: engines.map((e) => ({ name: e['name'], version: e['version'], args: e['args'] })) },
      host: { accelerator: engines.map(() => ({ count: 1, model: 'auto' })), type: engines.map(() => 'replica') },
      metadata: { load_format: sc['load_format'], sleep_mode: sc['sleep_mode'], gpus: sc['gpus'] },
    },
    metrics: {
      time: { duration: time['duration'], start: time['start'], stop: time['stop'] },
      requests: { total: 0, failures: 0, input_length: zeros('count'), output_length: zeros('count') },
      latency: {
        time_to_first_token: zeros('ms'),
        normalized_time_per_output_token: zeros('ms/token'),
        time_per_output_token: zeros('ms/token'),
        inter_token_latency: zeros('ms/token'),
        request_latency: zeros('ms'),
      },
      throughput: { output_tokens_per_sec: 0, total_tokens_per_sec: 0, requests_per_sec: 0 },
      metadata: ((result['metrics'] as Obj[]) ?? []).map(metadataEntry),
    },
  };
}
