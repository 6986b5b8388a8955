/**
 * `vllm bench serve --save-result` JSON (vllm-benchmark) and InferenceMAX's JSON
 * (same fields): one report per file, as upstream's import_vllm_benchmark /
 * import_inference_max. Latencies in ms; upstream's percentiles as written (its
 * `P25` spelling drops p25; no min/max); ISL / OSL from the harness arguments
 * (`*input-len`, `*output-len`), else total_input_tokens / completed.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseHarnessArgs } from '../context.ts';
import { readNative } from '../native-file.ts';
import { pyFloatRepr } from '../pyjson.ts';
import { fromVllmBench, meanOnly, num } from '../stats-map.ts';
import type { CommonReport, Converter, NativeSource, RunContext, SequenceLength, Stats } from '../types.ts';
import { inRun } from '../write-v02.ts';

type Obj = Record<string, unknown>;

function sniff(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function looksLikeVllmBench(file: string): boolean {
  if (!/\.json$/i.test(file)) return false;
  const h = sniff(file);
  return /"date"\s*:\s*"\d{8}-\d{6}"/.test(h) && /"num_prompts"/.test(h);
}

/** `YYYYMMDD-HHMMSS` (the harness's clock; UTC in a pod) → ISO 8601 / epoch seconds. */
function vllmDate(s: unknown): { iso?: string; epoch?: number } {
  const m = typeof s === 'string' ? /(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(s.trim()) : null;
  if (!m) return {};
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return { iso: new Date(ms).toISOString().replace('.000Z', '+00:00'), epoch: ms / 1000 };
}

function mean(a: unknown): number {
  const v = Array.isArray(a) ? (a as number[]) : [0];
  return v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN;
}

function make(kind: 'vllm-benchmark' | 'inferencemax') {
  const max = kind === 'inferencemax';
  return (file: string, res: Obj, ctx: RunContext): CommonReport => {
    const args: Record<string, string | null> = inRun(ctx) ? parseHarnessArgs(ctx.harnessArgs) : {};
    const ds = args['dataset-name'] ?? 'sharegpt';
    const completed = num(res['completed']) ?? 0;
    const prompts = num(res['num_prompts']) ?? 0;
    let isl = (num(res['total_input_tokens']) ?? 0) / (completed || 1);
    for (const [k, v] of Object.entries(args)) {
      if (k.endsWith('input-len')) {
        isl = Math.trunc(Number(v));
        break;
      }
    }
    let osl: SequenceLength | undefined;
    for (const [k, v] of Object.entries(args)) {
      if (k.endsWith('output-len')) {
        const o = Number.parseInt(String(v), 10);
        if (o >= 1) osl = { value: o, distribution: 'fixed' };
        break;
      }
    }
    const date = vllmDate(res['date']);
    const l = (metric: string, units: string, partial = false): Stats | undefined => fromVllmBench(res, metric, units, partial && max);
    const inputMean = max ? mean(res['input_lens']) : (num(res['total_input_tokens']) ?? 0) / (prompts || -1);
    const outputMean = max ? mean(res['output_lens']) : (num(res['total_output_tokens']) ?? 0) / (completed || 1);
    const duration = num(res['duration']);
    return {
      harness: kind,
      nativeFile: basename(file),
      model: typeof res['model_id'] === 'string' ? (res['model_id'] as string) : undefined,
      time: { end: date.iso, duration: max && duration !== undefined ? `PT${pyFloatRepr(duration)}S` : undefined },
      v01Time: { duration: duration ?? 0, start: date.epoch },
      v01LoadArgs: { num_prompts: res['num_prompts'], request_rate: res['request_rate'], burstiness: res['burstiness'], max_concurrency: res['max_concurrency'] },
      load: {
        stage: 0,
        source: ds === 'random' ? 'random' : 'sampled',
        inputSeqLen: { distribution: ds === 'random' || ds === 'sonnet' ? 'fixed' : 'other', value: isl },
        outputSeqLen: osl,
        rateQps: num(res['request_rate']),
        concurrency: num(res['max_concurrency']),
      },
      native: {},
      cfgIdOf: 'native',
      requests: {
        total: prompts,
        failures: prompts - completed,
        inputLength: { units: 'count', mean: inputMean },
        outputLength: { units: 'count', mean: outputMean },
      },
      v01Requests: {
        total: completed,
        inputLength: { units: 'count', mean: max ? inputMean : (num(res['total_input_tokens']) ?? 0) / (completed || 1) },
        outputLength: { units: 'count', mean: outputMean },
      },
      v01LatencyUnits: 'ms',
      latency: {
        ttft: l('ttft', 'ms'),
        tpot: l('tpot', 'ms/token'),
        itl: l('itl', 'ms/token', true),
        requestLatency: l('e2el', 'ms', true),
      },
      throughput: {
        outputTokenRate: meanOnly(res['output_throughput'], 'tokens/s'),
        totalTokenRate: meanOnly(res['total_token_throughput'], 'tokens/s'),
        requestRate: meanOnly(res['request_throughput'], 'queries/s'),
      },
    };
  };
}

function converter(kind: 'vllm-benchmark' | 'inferencemax', aliases: string[]): Converter {
  const conv = make(kind);
  return {
    kind,
    aliases,
    find(dir: string): NativeSource[] {
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => /\.json$/i.test(f))
        .sort()
        .map((f) => join(dir, f))
        .filter(looksLikeVllmBench)
        .map((file) => ({ file }));
    },
    claims: looksLikeVllmBench,
    convert(src: NativeSource, ctx: RunContext): CommonReport[] {
      return [conv(src.file, readNative(src.file) as Obj, ctx)];
    },
  };
}

export const vllmBenchmarkConverter = converter('vllm-benchmark', ['vllm']);
/** InferenceMAX writes vllm bench's fields (plus input_lens / output_lens); found only with -w. */
export const inferencemaxConverter: Converter = { ...converter('inferencemax', []), find: () => [], claims: () => false };
