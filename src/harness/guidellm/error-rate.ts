/**
 * GuideLLM's error-rate constraints as stop rules fed with each finished request (cancellations
 * are not errors): `max_error_rate {rate, window = 30}` stops once the last `window` requests hold
 * at least `rate` errors (judged only when `window` have finished); `max_global_error_rate {rate,
 * minimum = 30}` stops once errors / finished ≥ `rate` after at least `minimum` have finished.
 */
import { nth, type GlConstraint } from './config-map.ts';

export class ErrorRateRule {
  private readonly recent: boolean[] = [];
  private recentErrors = 0;
  private total = 0;
  private errors = 0;

  constructor(
    private readonly windowRate: { rate: number; window: number } | undefined,
    private readonly globalRate: { rate: number; minimum: number } | undefined,
  ) {}

  /** The rules of a strategy (index i picks list values), or undefined when there are none. */
  static of(cs: readonly GlConstraint[], i: number): ErrorRateRule | undefined {
    const w = cs.find((c) => c.kind === 'max_error_rate');
    const g = cs.find((c) => c.kind === 'max_global_error_rate');
    const wr = w ? nth(w.rate, i) : undefined;
    const gr = g ? nth(g.rate, i) : undefined;
    if (wr === undefined && gr === undefined) return undefined;
    return new ErrorRateRule(
      wr !== undefined ? { rate: wr, window: typeof w!.window === 'number' ? w!.window : 30 } : undefined,
      gr !== undefined ? { rate: gr, minimum: typeof g!.minimum === 'number' ? g!.minimum : 30 } : undefined,
    );
  }

  /** Add one finished request; returns why to stop, or undefined. */
  add(errored: boolean): string | undefined {
    this.total++;
    if (errored) this.errors++;
    if (this.windowRate) {
      this.recent.push(errored);
      if (errored) this.recentErrors++;
      if (this.recent.length > this.windowRate.window && this.recent.shift()) this.recentErrors--;
      if (this.recent.length >= this.windowRate.window && this.recentErrors / this.recent.length >= this.windowRate.rate) {
        return `max_error_rate: ${this.recentErrors} of the last ${this.recent.length} requests failed`;
      }
    }
    if (this.globalRate && this.total >= this.globalRate.minimum && this.errors / this.total >= this.globalRate.rate) {
      return `max_global_error_rate: ${this.errors} of ${this.total} requests failed`;
    }
    return undefined;
  }
}
