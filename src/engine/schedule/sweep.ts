import { percentile } from '../../util/quantile.ts';
import { Rng } from '../../util/rng.ts';
import { roundHalfEven } from '../datagen/distribution.ts';
import type { StagePlan } from '../types.ts';
import { constantSchedule } from './constant.ts';
import { poissonSchedule } from './poisson.ts';

export type SweepType = 'linear' | 'geometric';

/** inference-perf's `load.sweep` block. */
export interface SweepConfig {
  type: SweepType;
  /** Requests of the saturation-measuring pre-stage (default 2000). */
  num_requests?: number;
  /** Upper bound of the pre-stage in seconds (default 60). */
  timeout?: number;
  num_stages?: number;
  stage_duration?: number;
  saturation_percentile?: number;
}

function round2(x: number): number {
  return roundHalfEven(x * 100) / 100;
}

/** numpy.linspace(a, b, n). */
export function linspace(a: number, b: number, n: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i === n - 1 ? b : a + i * step);
  return out;
}

/** numpy.geomspace(a, b, n) for positive a, b. */
export function geomspace(a: number, b: number, n: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [a];
  const la = Math.log10(a);
  const lb = Math.log10(b);
  return linspace(la, lb, n).map((l, i) => (i === 0 ? a : i === n - 1 ? b : Math.pow(10, l)));
}

/**
 * The stage rates of a sweep from the measured saturation S (req/s):
 * linear = linspace(1, S, n); geometric = 1 + S − geomspace(S, 1, n) (clustered
 * near S); both rounded to 2 decimals (numpy round, half to even).
 */
export function sweepRates(type: SweepType, saturation: number, numStages: number): number[] {
  if (!(saturation > 0)) throw new RangeError(`saturation must be > 0, got ${saturation}`);
  const raw = type === 'linear' ? linspace(1, saturation, numStages) : geomspace(saturation, 1, numStages).map((g) => 1 + saturation - g);
  return raw.map(round2);
}

/**
 * The pre-stage inference-perf runs to measure saturation (stage id −1, not
 * reported): num_requests at rate num_requests/5 over 5 s, for at most
 * `timeout` s. `loadType` is the sweep's load type (constant or poisson).
 */
export function sweepPreStage(cfg: SweepConfig, loadType: 'constant' | 'poisson', seed: number): { plan: StagePlan; timeoutMs: number } {
  const n = cfg.num_requests ?? 2000;
  const stage = { rate: n / 5, duration: 5 };
  const plugin = loadType === 'poisson' ? poissonSchedule : constantSchedule;
  return { plan: plugin.plan(stage, -1, new Rng(seed).fork('sweep-prestage')), timeoutMs: (cfg.timeout ?? 60) * 1000 };
}

/** One sample of the number of requests in flight (the dispatcher takes one every 0.5 s). */
export interface ActiveSample {
  tMs: number;
  active: number;
}

/** numpy.percentile(values, p) with the default linear interpolation. */
export const percentileLinear = percentile;

/**
 * Saturation from in-flight samples (inference-perf): keep consecutive pairs
 * whose count decreased, each gives a drain rate |Δactive/Δt| (req/s); S is the
 * `percentile` of those rates. undefined when no pair decreased.
 */
export function saturationFromSamples(samples: readonly ActiveSample[], percentile = 95): number | undefined {
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as ActiveSample;
    const b = samples[i] as ActiveSample;
    const dt = (b.tMs - a.tMs) / 1000;
    if (b.active < a.active && dt > 0) rates.push(Math.abs((b.active - a.active) / dt));
  }
  return rates.length ? percentileLinear(rates, percentile) : undefined;
}

/** The sweep's stages for a measured saturation: constant/poisson stages at `sweepRates`, each `stage_duration` s. */
export function sweepStages(cfg: SweepConfig, loadType: 'constant' | 'poisson', saturation: number, seed: number): StagePlan[] {
  const rates = sweepRates(cfg.type, saturation, cfg.num_stages ?? 5);
  const plugin = loadType === 'poisson' ? poissonSchedule : constantSchedule;
  const root = new Rng(seed);
  return rates.map((rate, i) => plugin.plan({ rate, duration: cfg.stage_duration ?? 180 }, i, root.fork(i)));
}
