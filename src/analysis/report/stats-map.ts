/**
 * Native summaries → report Statistics, one mapping per native naming scheme,
 * exactly as upstream's converter reads them: inference-perf (`median`, `p0.1`,
 * `p99.9`), GuideLLM (`successful.percentiles.p001` …, `std_dev`, `mode`),
 * vllm bench (`mean_ttft_ms`, `p0.1_ttft_ms`, …), and raw values (fmperf,
 * records) through src/metrics' distribution().
 */
import { distribution, type Distribution } from '../../metrics/distribution.ts';
import { PyFloat } from './pyjson.ts';
import type { Stats } from './types.ts';

type Obj = Record<string, unknown>;

export function get(o: unknown, path: readonly (string | number)[], dflt?: unknown): unknown {
  let cur: unknown = o;
  for (const k of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return dflt;
    cur = (cur as Obj)[k as string];
  }
  return cur === undefined || cur === null ? dflt : cur;
}

export const num = (v: unknown): number | undefined =>
  v instanceof PyFloat ? v.value : typeof v === 'number' && !Number.isNaN(v) ? v : undefined;

/** inference-perf summary {mean, min, max, p0.1 … median … p99.9} (no stddev upstream). */
export function fromInferencePerf(raw: unknown, units: string, meanDefault?: number): Stats | undefined {
  if (!raw || typeof raw !== 'object') return meanDefault === undefined ? undefined : { units, mean: meanDefault };
  const r = raw as Obj;
  const mean = num(r['mean']) ?? meanDefault;
  if (mean === undefined) return undefined;
  return {
    units,
    mean,
    min: num(r['min']),
    p0p1: num(r['p0.1']),
    p1: num(r['p1']),
    p5: num(r['p5']),
    p10: num(r['p10']),
    p25: num(r['p25']),
    p50: num(r['median']),
    p75: num(r['p75']),
    p90: num(r['p90']),
    p95: num(r['p95']),
    p99: num(r['p99']),
    p99p9: num(r['p99.9']),
    max: num(r['max']),
  };
}

/** GuideLLM `metrics.<m>.successful` {mean, mode, std_dev, min, max, percentiles{p001 …}}. */
export function fromGuidellm(raw: unknown, units: string): Stats | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Obj;
  const mean = num(r['mean']);
  if (mean === undefined) return undefined;
  const p = (k: string): number | undefined => num(get(r, ['percentiles', k]));
  return {
    units,
    mean,
    mode: num(r['mode']),
    stddev: num(r['std_dev']),
    min: num(r['min']),
    p0p1: p('p001'),
    p1: p('p01'),
    p5: p('p05'),
    p10: p('p10'),
    p25: p('p25'),
    p50: p('p50'),
    p75: p('p75'),
    p90: p('p90'),
    p95: p('p95'),
    p99: p('p99'),
    p99p9: p('p999'),
    max: num(r['max']),
  };
}

/**
 * vllm bench result keys `<stat>_<metric>_ms`. Upstream spells p25 as `P25` (so it
 * is dropped) and reads no min/max; for inferencemax it also drops the ITL and E2EL
 * p50/p75 (`partial`).
 */
export function fromVllmBench(res: Obj, metric: string, units: string, partial = false): Stats | undefined {
  const g = (k: string): number | undefined => num(res[`${k}_${metric}_ms`]);
  const mean = g('mean');
  if (mean === undefined) return undefined;
  const s: Stats = {
    units,
    mean,
    stddev: g('std'),
    p0p1: g('p0.1'),
    p1: g('p1'),
    p5: g('p5'),
    p10: g('p10'),
    p50: g('median'),
    p75: g('p75'),
    p90: g('p90'),
    p95: g('p95'),
    p99: g('p99'),
    p99p9: g('p99.9'),
  };
  if (partial) {
    delete s.p50;
    delete s.p75;
  }
  return s;
}

/** Statistics from a Distribution (src/metrics), scaled by `k`. */
export function fromDistribution(d: Distribution | undefined, units: string, k = 1): Stats | undefined {
  if (!d) return undefined;
  const p = d.percentiles;
  return {
    units,
    mean: d.mean * k,
    mode: d.mode * k,
    stddev: d.stddev * k,
    min: d.min * k,
    p0p1: p[0.1]! * k,
    p1: p[1]! * k,
    p5: p[5]! * k,
    p10: p[10]! * k,
    p25: p[25]! * k,
    p50: p[50]! * k,
    p75: p[75]! * k,
    p90: p[90]! * k,
    p95: p[95]! * k,
    p99: p[99]! * k,
    p99p9: p[99.9]! * k,
    max: d.max * k,
  };
}

export function fromValues(values: ArrayLike<number>, units: string, k = 1): Stats | undefined {
  return fromDistribution(distribution(values), units, k);
}

/** A single mean (throughputs that are one number natively). */
export function meanOnly(v: unknown, units: string): Stats | undefined {
  const m = num(v);
  return m === undefined ? undefined : { units, mean: m };
}
