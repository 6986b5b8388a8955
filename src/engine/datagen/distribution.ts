import type { Rng } from '../../util/rng.ts';
import { Checker } from './check.ts';
import type { KeyPath } from './types.ts';

/**
 * inference-perf's Distribution object (snake_case as in its YAML).
 * Defaults: min 10, max 1024, mean 512, std_dev 200, type normal.
 */
export interface DistributionConfig {
  type?: 'normal' | 'skew_normal' | 'lognormal' | 'uniform' | 'poisson' | 'fixed';
  min?: number;
  max?: number;
  mean?: number;
  std_dev?: number;
  /** Exclusive with std_dev: std_dev = sqrt(variance). */
  variance?: number;
  skew?: number;
  total_count?: number;
}

export interface Distribution {
  type: NonNullable<DistributionConfig['type']>;
  min: number;
  max: number;
  mean: number;
  stdDev: number;
  skew: number;
}

/**
 * Which inference-perf sampling path to follow:
 * `legacy` (random, synthetic): normal/uniform/lognormal(shifted by min)/fixed; normal needs min ≤ mean ≤ max;
 * `modern` (shared_prefix, conversation_replay): adds skew_normal and poisson, lognormal not shifted,
 * uniform on [min, max+1), no mean check.
 */
export type SamplingPath = 'legacy' | 'modern';

const TYPES = ['normal', 'skew_normal', 'lognormal', 'uniform', 'poisson', 'fixed'] as const;
const KEYS = ['type', 'min', 'max', 'mean', 'std_dev', 'variance', 'skew', 'total_count'];

/** Validate a Distribution object at `at` (every problem with its key path). */
export function checkDistribution(c: Checker, v: unknown, path: KeyPath, sampling: SamplingPath): void {
  const o = c.object(v, path);
  if (!o) return;
  c.unknownKeys(o, KEYS, path);
  const sub = new Checker([...c.at, ...path]);
  const type = sub.string(o, 'type');
  if (type !== undefined && !(TYPES as readonly string[]).includes(type)) {
    sub.error(['type'], `unknown distribution type "${type}"`, `one of: ${TYPES.join(', ')}`);
  }
  if (sampling === 'legacy' && (type === 'skew_normal' || type === 'poisson')) {
    sub.error(['type'], `${type} is not supported by this data source (inference-perf's random/synthetic path)`, 'use normal, uniform, lognormal or fixed');
  }
  const min = sub.number(o, 'min', { min: 0 });
  const max = sub.number(o, 'max', { min: 0 });
  const mean = sub.number(o, 'mean', { min: 0 });
  sub.number(o, 'std_dev', { min: 0 });
  sub.number(o, 'variance', { min: 0 });
  sub.number(o, 'skew');
  sub.number(o, 'total_count', { int: true, min: 1 });
  if (o.std_dev !== undefined && o.std_dev !== null && o.variance !== undefined && o.variance !== null) {
    sub.error(['variance'], 'give std_dev or variance, not both');
  }
  const d = resolveDistribution(o as DistributionConfig);
  if ((min ?? d.min) > (max ?? d.max)) sub.error(['min'], `min (${d.min}) must be <= max (${d.max})`);
  if (sampling === 'legacy' && d.type === 'normal' && (d.mean < d.min || d.mean > d.max)) {
    sub.error(['mean'], `mean (${mean ?? d.mean}) must lie within [min, max] = [${d.min}, ${d.max}]`);
  }
  c.issues.push(...sub.issues);
}

export function resolveDistribution(c: DistributionConfig | undefined, defaults: Partial<Distribution> = {}): Distribution {
  const o = c ?? {};
  const std = o.variance !== undefined && o.variance !== null ? Math.sqrt(o.variance) : (o.std_dev ?? defaults.stdDev ?? 200);
  return {
    type: o.type ?? defaults.type ?? 'normal',
    min: o.min ?? defaults.min ?? 10,
    max: o.max ?? defaults.max ?? 1024,
    mean: o.mean ?? defaults.mean ?? 512,
    stdDev: std,
    skew: o.skew ?? defaults.skew ?? 0,
  };
}

/** numpy/Python rounding: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** One raw draw before clip → round → clip. */
function rawDraw(d: Distribution, rng: Rng, sampling: SamplingPath): number {
  switch (d.type) {
    case 'fixed':
      return Math.trunc(d.mean);
    case 'normal':
      return rng.normal(d.mean, d.stdDev);
    case 'uniform':
      return sampling === 'legacy' ? rng.uniform(d.min, d.max) : rng.uniform(d.min, d.max + 1);
    case 'lognormal': {
      // moment-matched: legacy on (mean - min) then shifted by +min; modern on mean
      const m = sampling === 'legacy' ? d.mean - d.min : d.mean;
      if (m <= 0) return sampling === 'legacy' ? d.min : 0;
      const sigma2 = Math.log(1 + (d.stdDev * d.stdDev) / (m * m));
      const v = rng.lognormal(Math.log(m) - sigma2 / 2, Math.sqrt(sigma2));
      return sampling === 'legacy' ? v + d.min : v;
    }
    case 'skew_normal':
      return rng.skewNormal(d.mean, d.stdDev, d.skew);
    case 'poisson':
      return rng.poisson(d.mean);
  }
}

/** One length: draw, clip to [min, max], round half-even, clip again (mass piles up at the bounds). */
export function sampleLength(d: Distribution, rng: Rng, sampling: SamplingPath): number {
  if (d.type === 'fixed') return Math.trunc(d.mean);
  return clip(roundHalfEven(clip(rawDraw(d, rng, sampling), d.min, d.max)), d.min, d.max);
}

/** A real-valued draw clipped to [min, max], not rounded (durations such as tool-call latency). */
export function sampleValue(d: Distribution, rng: Rng, sampling: SamplingPath): number {
  if (d.type === 'fixed') return d.mean;
  return clip(rawDraw(d, rng, sampling), d.min, d.max);
}

/** `count` lengths from one stream, as inference-perf pre-draws one array per run. */
export function sampleLengths(d: Distribution, count: number, rng: Rng, sampling: SamplingPath): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = sampleLength(d, rng, sampling);
  return out;
}

/**
 * A lazily extended sequence of lengths: index i always gets the i-th draw of
 * the stream, whatever order indices are asked in (so request i's length is a
 * pure function of seed and i). Memory stays bounded whatever the request count:
 * the last `LENGTH_WINDOW` draws are kept, plus the stream state every
 * `LENGTH_WINDOW` draws (an index older than the window is re-drawn from there).
 */
export const LENGTH_WINDOW = 4096;

export class LengthSequence {
  private readonly recent = new Float64Array(LENGTH_WINDOW);
  /** Draws made so far. */
  private drawn = 0;
  /** The stream before draw k · LENGTH_WINDOW. */
  private readonly marks: Rng[] = [];
  constructor(
    private readonly d: Distribution,
    private readonly rng: Rng,
    private readonly sampling: SamplingPath,
  ) {}

  at(i: number): number {
    if (i < this.drawn - LENGTH_WINDOW) {
      const r = (this.marks[Math.floor(i / LENGTH_WINDOW)] as Rng).clone();
      let v = 0;
      for (let k = i - (i % LENGTH_WINDOW); k <= i; k++) v = sampleLength(this.d, r, this.sampling);
      return v;
    }
    while (this.drawn <= i) {
      if (this.drawn % LENGTH_WINDOW === 0) this.marks.push(this.rng.clone());
      this.recent[this.drawn % LENGTH_WINDOW] = sampleLength(this.d, this.rng, this.sampling);
      this.drawn++;
    }
    return this.recent[i % LENGTH_WINDOW] as number;
  }
}

/** An int or a Distribution (shared_prefix fields): a plain number means fixed. */
export function intOrDistribution(v: unknown, fallback: number): Distribution {
  if (typeof v === 'number') return { type: 'fixed', min: v, max: v, mean: v, stdDev: 0, skew: 0 };
  if (v && typeof v === 'object') return resolveDistribution(v as DistributionConfig);
  return { type: 'fixed', min: fallback, max: fallback, mean: fallback, stdDev: 0, skew: 0 };
}
