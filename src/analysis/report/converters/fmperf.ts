/**
 * fmperf / LMBenchmark: one report per `LMBench_<workload>_output_<qps>.csv`
 * (also `LMBench_<workload>_qps<qps>.csv`; columns prompt_tokens, generation_tokens, ttft, generation_time, launch_time,
 * finish_time; seconds), as llm-d-benchmark's historical import_fmperf:
 * duration = finish_time[last] − launch_time[first], request latency = finish −
 * launch, TPOT = (latency − ttft)/(generation_tokens − 1), ITL = TPOT. Unlike that
 * converter (which labelled seconds as ms), values are converted to ms. The v0.1
 * schema has no `fmperf` workload generator, so only v0.2 / v0.2.1 are written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fromValues } from '../stats-map.ts';
import type { CommonReport, Converter, NativeSource, RunContext } from '../types.ts';

/** LMBenchmark's names: `LMBench_sharegpt_output_<qps>.csv`, `LMBench_long_input_output_<qps>.csv`, `LMBench_short_input_qps<qps>.csv`, `LMBench_long_long_qps<qps>.csv`. */
const CSV_RE = /^LMBench_(.+?)_(?:qps)?([0-9]+(?:\.[0-9]+)?)\.csv$/;

function qpsOf(file: string): number | undefined {
  const m = CSV_RE.exec(basename(file));
  return m ? Number(m[2]) : undefined;
}

export function readCsv(text: string): Record<string, number[]> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const cols: Record<string, number[]> = {};
  for (const h of header) cols[h] = [];
  for (const line of lines) {
    const cells = line.split(',');
    header.forEach((h, i) => cols[h]!.push(Number(cells[i])));
  }
  return cols;
}

const iso = (s: number): string => new Date(Math.floor(s) * 1000).toISOString().replace('.000Z', '+00:00');

export function convertCsv(file: string, stage: number, _ctx: RunContext): CommonReport {
  const c = readCsv(readFileSync(file, 'utf8'));
  const need = ['prompt_tokens', 'generation_tokens', 'ttft', 'launch_time', 'finish_time'];
  const missing = need.filter((k) => !c[k]);
  if (missing.length) throw new Error(`${basename(file)}: missing column(s) ${missing.join(', ')}`);
  const prompt = c['prompt_tokens']!;
  const gen = c['generation_tokens']!;
  const ttft = c['ttft']!;
  const launch = c['launch_time']!;
  const finish = c['finish_time']!;
  const n = prompt.length;
  const duration = n ? finish[n - 1]! - launch[0]! : 0;
  const latency = finish.map((f, i) => f - launch[i]!);
  const tpot = latency.map((l, i) => (l - ttft[i]!) / (gen[i]! - 1));
  const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
  const rate = (v: number): { units: string; mean: number } | undefined => (duration > 0 ? { units: '', mean: v / duration } : undefined);
  const withUnits = (u: string, s: { units: string; mean: number } | undefined) => (s ? { ...s, units: u } : undefined);
  const workload = CSV_RE.exec(basename(file))?.[1] ?? '';
  const inMean = n ? sum(prompt) / n : 0;
  return {
    harness: 'fmperf',
    nativeFile: basename(file),
    time: n ? { start: iso(launch[0]!), end: iso(finish[n - 1]!), duration: `PT${duration}S` } : undefined,
    v01Time: { duration, start: launch[0], stop: finish[n - 1] },
    load: {
      stage,
      source: /sharegpt/i.test(workload) ? 'sampled' : 'random',
      inputSeqLen: { distribution: 'other', value: inMean },
      rateQps: qpsOf(file),
    },
    native: {},
    cfgIdOf: 'config',
    requests: {
      total: n,
      failures: 0,
      inputLength: fromValues(prompt, 'count'),
      outputLength: fromValues(gen, 'count'),
    },
    latency: {
      ttft: fromValues(ttft, 'ms', 1000),
      tpot: fromValues(tpot, 'ms/token', 1000),
      itl: fromValues(tpot, 'ms/token', 1000),
      requestLatency: fromValues(latency, 'ms', 1000),
    },
    throughput: {
      outputTokenRate: withUnits('tokens/s', rate(sum(gen))),
      totalTokenRate: withUnits('tokens/s', rate(sum(prompt) + sum(gen))),
      requestRate: withUnits('queries/s', rate(n)),
    },
    v02Only: true,
  };
}

export const fmperfConverter: Converter = {
  kind: 'fmperf',
  find(dir: string): NativeSource[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => CSV_RE.test(f))
      .sort((a, b) => (qpsOf(a) ?? 0) - (qpsOf(b) ?? 0) || a.localeCompare(b))
      .map((f, i) => ({ file: join(dir, f), stage: i }));
  },
  claims: (file: string) => CSV_RE.test(basename(file)),
  convert(src: NativeSource, ctx: RunContext): CommonReport[] {
    return [convertCsv(src.file, src.stage ?? 0, ctx)];
  },
};
