/**
 * GuideLLM's distribution summaries (its `DistributionSummary` / `StatusDistributionSummary`),
 * re-implemented so our guidellm report carries the numbers GuideLLM itself would print:
 *  - values → a weighted empirical PMF (sorted, equal values merged, zero weights dropped);
 *    mean and population variance under the weights; percentile p = the first value whose
 *    cumulative probability reaches p (numpy searchsorted 'left': nearest rank, no
 *    interpolation); mode = the most probable value; count = round(Σ weights) unless given;
 *    total_sum = mean × count; empty → all zeros.
 *  - rates from event times: events inside the window plus zero-weight sentinels at its ends,
 *    times within 0.1 ms merged, each event's local duration = half the gaps to its
 *    neighbours, its rate = weight / duration weighted by the duration (so the mean is
 *    Σ weights / window).
 *  - concurrency from intervals: the time-weighted distribution of the in-flight count.
 * Times are in seconds (GuideLLM's epoch seconds) so rates come out per second.
 * See docs/metrics.md §6.
 */

export interface GlPercentiles {
  p001: number;
  p01: number;
  p05: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

export interface GlDistribution {
  mean: number;
  median: number;
  mode: number;
  variance: number;
  std_dev: number;
  min: number;
  max: number;
  count: number;
  total_sum: number;
  percentiles: GlPercentiles;
  pdf: null;
}

export interface GlStatusDistribution {
  successful: GlDistribution;
  errored: GlDistribution;
  incomplete: GlDistribution;
  total: GlDistribution;
}

const PCTS: [keyof GlPercentiles, number][] = [
  ['p001', 0.001], ['p01', 0.01], ['p05', 0.05], ['p10', 0.1], ['p25', 0.25], ['p50', 0.5],
  ['p75', 0.75], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['p999', 0.999],
];

/** A value with its weight. */
export type Weighted = readonly [value: number, weight: number];

function empty(count = 0): GlDistribution {
  const percentiles = Object.fromEntries(PCTS.map(([k]) => [k, 0])) as unknown as GlPercentiles;
  return { mean: 0, median: 0, mode: 0, variance: 0, std_dev: 0, min: 0, max: 0, count, total_sum: 0, percentiles, pdf: null };
}

/** DistributionSummary.from_values: plain numbers have weight 1. */
export function glFromValues(input: readonly (number | Weighted)[], count?: number): GlDistribution {
  if (input.length === 0) return empty(0);
  const pairs: [number, number][] = input.map((x) => (typeof x === 'number' ? [x, 1] : [x[0], x[1]]));
  let wSum = 0;
  for (const p of pairs) wSum += p[1];
  const n = count ?? Math.round(wSum);
  pairs.sort((a, b) => a[0] - b[0]);
  // merge equal values, drop zero weights
  const vals: number[] = [];
  const ws: number[] = [];
  for (const [v, w] of pairs) {
    if (vals.length > 0 && vals[vals.length - 1] === v) ws[ws.length - 1]! += w;
    else {
      vals.push(v);
      ws.push(w);
    }
  }
  const fv: number[] = [];
  let fw: number[] = [];
  for (let i = 0; i < vals.length; i++) {
    if (ws[i]! > 0) {
      fv.push(vals[i]!);
      fw.push(ws[i]!);
    }
  }
  let total = fw.reduce((a, b) => a + b, 0);
  if (total <= 1e-6) {
    fw = fv.map(() => 1);
    total = fw.length;
  }
  if (fv.length === 0) return empty(n);
  const prob = fw.map((w) => w / total);
  let mean = 0;
  for (let i = 0; i < fv.length; i++) mean += fv[i]! * prob[i]!;
  let variance = 0;
  let modeI = 0;
  for (let i = 0; i < fv.length; i++) {
    variance += (fv[i]! - mean) ** 2 * prob[i]!;
    if (prob[i]! > prob[modeI]!) modeI = i;
  }
  const cdf: number[] = [];
  let c = 0;
  for (const p of prob) cdf.push((c += p));
  const at = (p: number): number => {
    // numpy searchsorted(cdf, p, side='left'): first index with cdf[i] >= p
    let i = 0;
    while (i < cdf.length - 1 && cdf[i]! < p) i++;
    return fv[i]!;
  };
  const percentiles = Object.fromEntries(PCTS.map(([k, p]) => [k, at(p)])) as unknown as GlPercentiles;
  return {
    mean,
    median: percentiles.p50,
    mode: fv[modeI]!,
    variance,
    std_dev: Math.sqrt(variance),
    min: fv[0]!,
    max: fv[fv.length - 1]!,
    count: n,
    total_sum: mean * n,
    percentiles,
    pdf: null,
  };
}

/**
 * Sorts `v` ascending carrying `w` along, stably (equal values keep their order), in place: a
 * bottom-up merge sort over typed arrays (insertion-sorted runs of 16), no comparator call per
 * comparison and no object per value. Replaces sorting [value, weight] pairs with a comparator.
 */
export function sortPairsStable(v: Float64Array, w: Float64Array): void {
  const n = v.length;
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let i = lo + 1; i < hi; i++) {
      const x = v[i]!;
      const y = w[i]!;
      let j = i - 1;
      while (j >= lo && v[j]! > x) {
        v[j + 1] = v[j]!;
        w[j + 1] = w[j]!;
        j--;
      }
      v[j + 1] = x;
      w[j + 1] = y;
    }
  }
  if (n <= RUN) return;
  let sv: Float64Array = v;
  let sw: Float64Array = w;
  let dv: Float64Array = new Float64Array(n);
  let dw: Float64Array = new Float64Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // `<=`: the left run's equal values first (stable)
        if (sv[i]! <= sv[j]!) {
          dv[k] = sv[i]!;
          dw[k++] = sw[i++]!;
        } else {
          dv[k] = sv[j]!;
          dw[k++] = sw[j++]!;
        }
      }
      while (i < mid) {
        dv[k] = sv[i]!;
        dw[k++] = sw[i++]!;
      }
      while (j < hi) {
        dv[k] = sv[j]!;
        dw[k++] = sw[j++]!;
      }
    }
    [sv, dv] = [dv, sv];
    [sw, dw] = [dw, sw];
  }
  if (sv !== v) {
    v.set(sv);
    w.set(sw);
  }
}

/**
 * glFromValues over numeric columns (values, and weights or 1 each), for the streaming analysis's
 * millions of values: the same numbers (same stable order, same sums in the same order), without a
 * [value, weight] pair per value. Unweighted values sort natively (Float64Array.prototype.sort:
 * equal values are interchangeable); weighted ones sort values and weights together, stably
 * (sortPairsStable: equal values' weights are summed in arrival order, as glFromValues does). The
 * columns are not modified.
 */
export function glFromColumns(values: Float64Array, weights?: Float64Array, count?: number): GlDistribution {
  const len = values.length;
  if (len === 0) return empty(0);
  let wSum = 0;
  if (weights) for (let i = 0; i < len; i++) wSum += weights[i]!;
  else wSum = len;
  const n = count ?? Math.round(wSum);
  // merge equal values (sorted), drop zero weights
  const fv = new Float64Array(len);
  const fw = new Float64Array(len);
  let m = 0;
  if (!weights) {
    const sorted = values.slice().sort();
    for (let i = 0; i < len; i++) {
      const v = sorted[i]!;
      if (m > 0 && fv[m - 1] === v) fw[m - 1]!++;
      else {
        fv[m] = v;
        fw[m++] = 1;
      }
    }
  } else {
    const sv = values.slice();
    const sw = weights.slice();
    sortPairsStable(sv, sw);
    // merged groups first (weights summed in order), zero-weight groups dropped after
    let g = -1;
    for (let i = 0; i < len; i++) {
      const v = sv[i]!;
      if (g >= 0 && fv[g] === v) fw[g]! += sw[i]!;
      else {
        fv[++g] = v;
        fw[g] = sw[i]!;
      }
    }
    for (let i = 0; i <= g; i++) {
      if (fw[i]! > 0) {
        fv[m] = fv[i]!;
        fw[m++] = fw[i]!;
      }
    }
  }
  if (m === 0) return empty(n);
  let total = 0;
  for (let i = 0; i < m; i++) total += fw[i]!;
  if (total <= 1e-6) {
    fw.fill(1, 0, m);
    total = m;
  }
  let mean = 0;
  for (let i = 0; i < m; i++) mean += fv[i]! * (fw[i]! / total);
  let variance = 0;
  let modeI = 0;
  let modeP = fw[0]! / total;
  for (let i = 0; i < m; i++) {
    const p = fw[i]! / total;
    variance += (fv[i]! - mean) ** 2 * p;
    if (p > modeP) {
      modeI = i;
      modeP = p;
    }
  }
  // numpy searchsorted(cdf, p, side='left') for ascending p: one forward walk over the cumulative sums
  const pct: Record<string, number> = {};
  let i = 0;
  let c = fw[0]! / total;
  for (const [k, p] of PCTS) {
    while (i < m - 1 && c < p) c += fw[++i]! / total;
    pct[k] = fv[i]!;
  }
  const percentiles = pct as unknown as GlPercentiles;
  return {
    mean,
    median: percentiles.p50,
    mode: fv[modeI]!,
    variance,
    std_dev: Math.sqrt(variance),
    min: fv[0]!,
    max: fv[m - 1]!,
    count: n,
    total_sum: mean * n,
    percentiles,
    pdf: null,
  };
}

/** Sorted (time, weight) pairs: equal times summed, then chains within `threshold` merged onto their first time. */
function mergeTimes(sorted: [number, number][], threshold: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [t, w] of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] === t) last[1] += w;
    else out.push([t, w]);
  }
  if (threshold <= 0) return out;
  const merged: [number, number][] = [];
  let i = 0;
  while (i < out.length) {
    const start = out[i]!;
    let w = start[1];
    let j = i + 1;
    // GuideLLM merges a group starting at a time with everything within threshold of it
    while (j < out.length && out[j]![0] <= start[0] + threshold && out[j]![0] - out[j - 1]![0] <= threshold) w += out[j++]![1];
    merged.push([start[0], w]);
    i = j;
  }
  return merged;
}

/** DistributionSummary.rate_distribution_from_timings (times in seconds). */
export function glRateFromTimings(events: readonly Weighted[], startS?: number, endS?: number, threshold = 1e-4): GlDistribution {
  let ev: [number, number][] = events.map((e) => [e[0], e[1]]);
  if (startS !== undefined) ev = [[startS, 0], ...ev.filter((e) => e[0] >= startS)];
  if (endS !== undefined) ev = [...ev.filter((e) => e[0] <= endS), [endS, 0]];
  ev.sort((a, b) => a[0] - b[0]);
  const wt = mergeTimes(ev, threshold);
  if (wt.length <= 1) return glFromValues([], wt.length);
  const n = wt.length;
  const mids: number[] = [];
  for (let i = 0; i < n - 1; i++) mids.push((wt[i]![0] + wt[i + 1]![0]) / 2);
  const durations: number[] = new Array<number>(n);
  durations[0] = mids[0]! - wt[0]![0];
  for (let i = 1; i < n - 1; i++) durations[i] = mids[i]! - mids[i - 1]!;
  durations[n - 1] = Math.max(1e-6, wt[n - 1]![0] - mids[n - 2]!);
  let occ = 0;
  const pairs: Weighted[] = wt.map(([, w], i) => {
    occ += w;
    return [w / durations[i]!, durations[i]!] as const;
  });
  return glFromValues(pairs, Math.round(occ));
}

/**
 * glRateFromTimings over numeric columns (event times in seconds and their weights): the same
 * numbers without a pair per event — events filtered to the window with the same sentinels, sorted
 * stably (sortPairsStable), equal times summed and chains merged as mergeTimes does.
 */
export function glRateFromColumns(times: Float64Array, weights: Float64Array, startS?: number, endS?: number, threshold = 1e-4): GlDistribution {
  const cap = times.length + 2;
  const t = new Float64Array(cap);
  const w = new Float64Array(cap);
  let k = 0;
  if (startS !== undefined && (endS === undefined || startS <= endS)) {
    t[k] = startS;
    w[k++] = 0;
  }
  for (let i = 0; i < times.length; i++) {
    const x = times[i]!;
    if ((startS !== undefined && !(x >= startS)) || (endS !== undefined && !(x <= endS))) continue;
    t[k] = x;
    w[k++] = weights[i]!;
  }
  if (endS !== undefined) {
    t[k] = endS;
    w[k++] = 0;
  }
  const st = t.subarray(0, k);
  const sw = w.subarray(0, k);
  sortPairsStable(st, sw);
  // equal times summed (in place: the write index never passes the read index)
  const ut = st;
  const uw = sw;
  let u = 0;
  for (let i = 0; i < k; i++) {
    const x = st[i]!;
    const y = sw[i]!;
    if (u > 0 && ut[u - 1] === x) uw[u - 1]! += y;
    else {
      ut[u] = x;
      uw[u++] = y;
    }
  }
  // chains within threshold merged onto their first time (in place: the write index never passes the read index)
  let n = u;
  if (threshold > 0) {
    n = 0;
    let i = 0;
    while (i < u) {
      const first = ut[i]!;
      let sum = uw[i]!;
      let j = i + 1;
      while (j < u && ut[j]! <= first + threshold && ut[j]! - ut[j - 1]! <= threshold) sum += uw[j++]!;
      ut[n] = first;
      uw[n++] = sum;
      i = j;
    }
  }
  if (n <= 1) return glFromValues([], n);
  const dur = new Float64Array(n);
  let prevMid = (ut[0]! + ut[1]!) / 2;
  dur[0] = prevMid - ut[0]!;
  for (let i = 1; i < n - 1; i++) {
    const mid = (ut[i]! + ut[i + 1]!) / 2;
    dur[i] = mid - prevMid;
    prevMid = mid;
  }
  dur[n - 1] = Math.max(1e-6, ut[n - 1]! - prevMid);
  const rate = new Float64Array(n);
  let occ = 0;
  for (let i = 0; i < n; i++) {
    occ += uw[i]!;
    rate[i] = uw[i]! / dur[i]!;
  }
  return glFromColumns(rate, dur, Math.round(occ));
}

/** DistributionSummary.concurrency_distribution_from_timings (intervals [start, end, weight] in seconds). */
export function glConcurrencyFromTimings(intervals: readonly (readonly [number, number, number])[], startS?: number, endS?: number, threshold = 1e-4): GlDistribution {
  let iv = intervals.slice();
  if (startS !== undefined) iv = iv.filter((x) => x[1] >= startS);
  if (endS !== undefined) iv = iv.filter((x) => x[0] <= endS);
  const count = iv.length;
  const deltas: [number, number][] = [...iv.map((x): [number, number] => [x[0], x[2]]), ...iv.map((x): [number, number] => [x[1], -x[2]])];
  deltas.sort((a, b) => a[0] - b[0]);
  let wt = mergeTimes(deltas, threshold);
  if (startS !== undefined && wt.length > 0) {
    let k = 0;
    while (k < wt.length && wt[k]![0] < startS) k++;
    const prior = wt.slice(0, k).reduce((a, b) => a + b[1], 0);
    wt = [[startS, prior], ...wt.slice(k)];
  }
  if (endS !== undefined && wt.length > 0) {
    let k = 0;
    while (k < wt.length && wt[k]![0] <= endS) k++;
    wt = [...wt.slice(0, k), [endS, 0]];
  }
  const conc: number[] = [];
  let c = 0;
  for (const [, d] of wt) conc.push(Math.max(0, (c += d)));
  if (conc.length <= 1) return glFromValues(count === 0 ? [] : [conc[0]!]);
  const pairs: Weighted[] = [];
  let any = false;
  for (let i = 0; i < conc.length - 1; i++) {
    const d = Math.max(0, wt[i + 1]![0] - wt[i]![0]);
    if (d > 0) any = true;
    pairs.push([conc[i]!, d]);
  }
  return any ? glFromValues(pairs, count) : glFromValues([], count);
}

/** One metric per status; `total` is computed over all three together. */
export interface ByStatus<T> {
  successful: T[];
  errored: T[];
  incomplete: T[];
}

export function glStatus<T>(by: ByStatus<T>, f: (xs: T[]) => GlDistribution): GlStatusDistribution {
  return {
    successful: f(by.successful),
    errored: f(by.errored),
    incomplete: f(by.incomplete),
    total: f([...by.successful, ...by.incomplete, ...by.errored]),
  };
}
