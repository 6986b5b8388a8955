/**
 * Seeded pseudo-random numbers: xoshiro128** (32-bit state words, fast in JS)
 * seeded through splitmix32, plus the distributions the load engine needs.
 * Same seed → same sequence on every platform. Callers record the seed they
 * used (in results) so a run can be replayed.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a of a string: derives stream seeds from labels. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Normalise any finite number (or bigint-like seed such as epoch ms) to 32 bits. */
export function seed32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  const n = Math.trunc(Math.abs(seed));
  // mod 2^32 as inference-perf does for (base_seed + w) mod 2^32
  return n % 0x100000000 >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;
  /** The 32-bit seed this stream was created from. */
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed32(seed);
    const sm = splitmix32(this.seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A generator with an explicit xoshiro128** state (reference-vector tests). */
  static fromState(a: number, b: number, c: number, d: number): Rng {
    const r = new Rng(0);
    r.a = a >>> 0;
    r.b = b >>> 0;
    r.c = c >>> 0;
    r.d = d >>> 0;
    return r;
  }

  /** A copy at this stream's current position: both yield the same numbers from here on (lazy schedules re-draw from it). */
  clone(): Rng {
    const r = Rng.fromState(this.a, this.b, this.c, this.d);
    r.spareNormal = this.spareNormal;
    (r as { seed: number }).seed = this.seed;
    return r;
  }

  /** An independent stream derived from this stream's seed and a label (does not advance this one). */
  fork(label: string | number): Rng {
    const h = typeof label === 'number' ? label >>> 0 : hashString(label);
    return new Rng((Math.imul(this.seed ^ 0x5bd1e995, 0x27d4eb2d) ^ h) >>> 0);
  }

  /** Uniform uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi] inclusive, unbiased. */
  int(lo: number, hi: number): number {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    const span = hi - lo + 1;
    if (span <= 0x100000000) {
      // rejection sampling on 32 bits
      const limit = 0x100000000 - (0x100000000 % span);
      for (;;) {
        const x = this.nextU32();
        if (x < limit) return lo + (x % span);
      }
    }
    return lo + Math.floor(this.float() * span);
  }

  /** Standard normal via Box–Muller (the second value is cached). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal: exp(Normal(mu, sigma)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate = 1): number {
    return -Math.log(1 - this.float()) / rate;
  }

  /**
   * The sum of `n` draws of `exponential(1)`, bit for bit, the stream left where n draws leave it:
   * the generator inlined (about 3× faster), for schedules that sum every gap before the first
   * send (a lazy rescaled schedule's first pass over up to 10 M gaps).
   */
  sumExponentials(n: number): number {
    let { a, b, c, d } = this;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let x = Math.imul(b, 5) >>> 0;
      const hi = Math.imul(((x << 7) | (x >>> 25)) >>> 0, 9) >>> 0;
      let t = (b << 9) >>> 0;
      c = (c ^ a) >>> 0;
      d = (d ^ b) >>> 0;
      b = (b ^ c) >>> 0;
      a = (a ^ d) >>> 0;
      c = (c ^ t) >>> 0;
      d = ((d << 11) | (d >>> 21)) >>> 0;
      x = Math.imul(b, 5) >>> 0;
      const lo = Math.imul(((x << 7) | (x >>> 25)) >>> 0, 9) >>> 0;
      t = (b << 9) >>> 0;
      c = (c ^ a) >>> 0;
      d = (d ^ b) >>> 0;
      b = (b ^ c) >>> 0;
      a = (a ^ d) >>> 0;
      c = (c ^ t) >>> 0;
      d = ((d << 11) | (d >>> 21)) >>> 0;
      sum += -Math.log(1 - ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return sum;
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang (with the shape < 1 boost). Mean shape·scale. */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma(${shape}, ${scale}): shape and scale must be > 0`);
    if (shape < 1) {
      const u = this.float();
      return this.gamma(shape + 1, scale) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Poisson(lambda): Knuth's product method for small lambda, PTRS (Hörmann 1993) otherwise. */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poisson(${lambda}): lambda must be finite and >= 0`);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = this.float();
      while (p > l) {
        k++;
        p *= this.float();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
    }
  }

  /** Skew-normal (Azzalini) with location, scale and shape alpha. */
  skewNormal(loc: number, scale: number, alpha: number): number {
    const delta = alpha / Math.sqrt(1 + alpha * alpha);
    const u0 = this.normal();
    const v = this.normal();
    const u1 = delta * u0 + Math.sqrt(1 - delta * delta) * v;
    return loc + scale * (u0 >= 0 ? u1 : -u1);
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = arr[i] as T;
      arr[i] = arr[j] as T;
      arr[j] = t;
    }
    return arr;
  }

  /** One element chosen uniformly. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick from an empty array');
    return arr[this.int(0, arr.length - 1)] as T;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const lfCache: number[] = [0, 0];
function logFactorial(k: number): number {
  if (k < 256) {
    for (let i = lfCache.length; i <= k; i++) lfCache[i] = (lfCache[i - 1] as number) + Math.log(i);
    return lfCache[k] as number;
  }
  // Stirling series
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
}

/** A new stream; `seed` defaults to the current epoch ms (as inference-perf's base_seed does). */
export function createRng(seed: number = Date.now()): Rng {
  return new Rng(seed);
}
