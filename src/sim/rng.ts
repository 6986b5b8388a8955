import { Rng as SeededRng } from '../util/rng.ts';

/**
 * The simulator's seeded PRNG: the project's one generator (src/util/rng.ts)
 * under the names the simulator code reads best with.
 */
export class Rng extends SeededRng {
  /** Uniform in [0, 1). */
  next(): number {
    return this.float();
  }

  /** Uniform integer in [lo, hi]; an empty range gives lo (a length clamp never throws mid-request). */
  override int(lo: number, hi: number): number {
    return hi < lo ? lo : super.int(lo, hi);
  }

  /** Standard normal sample. */
  gauss(): number {
    return this.normal();
  }

  /** 32 hex chars, UUID-like (request ids derived from the seed, as upstream). */
  hex32(): string {
    let s = '';
    for (let i = 0; i < 4; i++) s += this.nextU32().toString(16).padStart(8, '0');
    return s;
  }
}
