/**
 * GuideLLM's over-saturation detector (constraint `over_saturation`): the strategy is stopped when
 * both the number of requests in flight and TTFT grow with a statistically significant positive
 * slope (online linear regression; margin of error from a t quantile, Abramowitz–Stegun normal
 * quantile + Cornish–Fisher; "n" capped at the elapsed seconds because samples within a second are
 * correlated), after `min_seconds`, and only when at least half the TTFTs in the window exceed
 * `minimum_ttft`. Windows are pruned by age (`max_window_seconds`) and by size
 * (`maximum_window_ratio` of all points seen). Pure: the run feeds it points and asks `alert()`.
 * Difference: GuideLLM adds a concurrency point at each request start; we add one per progress
 * sample (every 250 ms) and per request start seen at completion.
 */

/** Running sums for a least-squares slope. */
class Slope {
  n = 0;
  private sx = 0;
  private sy = 0;
  private sxy = 0;
  private sxx = 0;
  private syy = 0;
  slope: number | undefined;
  moe: number | undefined;

  add(x: number, y: number, sign = 1): void {
    this.n += sign;
    this.sx += sign * x;
    this.sy += sign * y;
    this.sxy += sign * x * y;
    this.sxx += sign * x * x;
    this.syy += sign * y * y;
  }

  /** Positive slope with margin of error below the threshold, using `effN` as the sample size. */
  positive(effN: number, moeThreshold: number, confidence: number, eps = 1e-12): boolean {
    if (effN < 3) return false;
    const cxx = Math.max(this.sxx - (this.sx * this.sx) / this.n, eps);
    const cxy = this.sxy - (this.sx * this.sy) / this.n;
    const cyy = this.syy - (this.sy * this.sy) / this.n;
    const slope = cxy / cxx;
    const rss = Math.max(cyy - (cxy * cxy) / cxx, 0);
    const dof = effN - 2;
    const se = Math.sqrt(rss / dof / cxx);
    const moe = (tPpf(1 - (1 - confidence) / 2, dof) * se) / Math.max(slope, eps);
    this.slope = slope;
    this.moe = moe;
    return slope > 0 && moe < moeThreshold;
  }
}

/** GuideLLM's approx_t_ppf. */
export function tPpf(p: number, dof: number): number {
  if (dof <= 0) return NaN;
  const c = [2.515517, 0.802853, 0.010328];
  const d = [1.432788, 0.189269, 0.001308];
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  const mag = t - ((c[2]! * t + c[1]!) * t + c[0]!) / (((d[2]! * t + d[1]!) * t + d[0]!) * t + 1);
  const z = p < 0.5 ? -mag : mag;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 4 + 16 * z ** 3 + 3 * z ** 2) / 96;
  return z + g1 / dof + g2 / (dof * dof);
}

export interface OverSaturationArgs {
  min_seconds?: number;
  max_window_seconds?: number;
  moe_threshold?: number;
  minimum_ttft?: number;
  maximum_window_ratio?: number;
  minimum_window_size?: number;
  confidence?: number;
}

export class OverSaturationDetector {
  private readonly a: Required<OverSaturationArgs>;
  private readonly started: { t: number; v: number }[] = [];
  private readonly finished: { t: number; v: number }[] = [];
  private readonly conc = new Slope();
  private readonly ttft = new Slope();
  private startedEver = 0;
  private finishedEver = 0;
  private violations = 0;
  private now = 0;

  constructor(args: OverSaturationArgs = {}) {
    this.a = { min_seconds: 30, max_window_seconds: 120, moe_threshold: 2, minimum_ttft: 2.5, maximum_window_ratio: 0.75, minimum_window_size: 5, confidence: 0.95, ...args };
  }

  /** Requests in flight at `t` seconds after the strategy start. */
  addStarted(t: number, concurrent: number): void {
    this.startedEver++;
    this.started.push({ t, v: concurrent });
    this.conc.add(t, concurrent);
    this.prune(t);
  }

  /** A TTFT (seconds) observed at `t` seconds. */
  addFinished(t: number, ttftS: number): void {
    this.finishedEver++;
    this.finished.push({ t, v: ttftS });
    if (ttftS > this.a.minimum_ttft) this.violations++;
    this.ttft.add(t, ttftS);
    this.prune(t);
  }

  private prune(t: number): void {
    this.now = Math.max(this.now, t);
    const cut = (list: { t: number; v: number }[], ever: number, s: Slope, onRemove?: (v: number) => void): void => {
      const max = Math.floor(ever * this.a.maximum_window_ratio);
      while (list.length > max || (list.length > 0 && this.now - list[0]!.t > this.a.max_window_seconds)) {
        const p = list.shift()!;
        s.add(p.t, p.v, -1);
        onRemove?.(p.v);
      }
    };
    cut(this.finished, this.finishedEver, this.ttft, (v) => {
      if (v > this.a.minimum_ttft) this.violations--;
    });
    cut(this.started, this.startedEver, this.conc);
  }

  /** Over-saturated now? */
  alert(): boolean {
    const d = this.now;
    const cn = Math.min(d, this.conc.n);
    const tn = Math.min(d, this.ttft.n);
    if (d < this.a.min_seconds || this.ttft.n > this.violations * 2 || d < this.a.minimum_ttft || cn < this.a.minimum_window_size) return false;
    const c = this.conc.positive(cn, this.a.moe_threshold, this.a.confidence);
    if (tn < this.a.minimum_window_size) return c;
    return c && this.ttft.positive(tn, this.a.moe_threshold, this.a.confidence);
  }

  /** The numbers GuideLLM reports with the constraint. */
  state(): Record<string, number | boolean | null> {
    return {
      ttft_slope: this.ttft.slope ?? null,
      ttft_slope_moe: this.ttft.moe ?? null,
      ttft_n: this.ttft.n,
      ttft_violations: this.violations,
      concurrent_slope: this.conc.slope ?? null,
      concurrent_slope_moe: this.conc.moe ?? null,
      concurrent_n: this.conc.n,
    };
  }
}
