/**
 * Per-request events binned over time in fixed memory, one record at a time (the records need
 * not be in order): requests sent, completed and failed, output tokens received, mean TTFT and
 * E2E latency of the requests sent in each bin, and the time-averaged number of requests in
 * flight. Bins start 100 ms wide and double in width whenever the run would need more than
 * `maxBins`, so a run of any length and size stays bounded (docs/metrics.md §10).
 */
import type { RequestRecord } from '../engine/types.ts';
import { outputTokens } from './tokens.ts';

const FIELDS = ['sent', 'done', 'failed', 'tokens', 'ttftSum', 'ttftN', 'e2eSum', 'e2eN', 'part', 'diff'] as const;
type Field = (typeof FIELDS)[number];

/** One bin of the finished series; rates per second, latencies in ms. */
export interface TimeBin {
  /** Bin start, seconds from the start of the bin holding the first send (bins sit on a grid of their width). */
  tS: number;
  widthS: number;
  requestsPerS: number;
  completionsPerS: number;
  failuresPerS: number;
  outputTokensPerS: number;
  /** Time-averaged requests in flight over the bin. */
  inFlight: number;
  /** Mean TTFT / E2E latency of the requests sent in this bin (undefined when none). */
  ttftMeanMs?: number;
  e2eMeanMs?: number;
}

export class TimeBins {
  private widthMs: number;
  private origin = NaN;
  private firstSent = Infinity;
  private readonly a: Record<Field, number[]>;

  constructor(private readonly maxBins = 2000, initialWidthMs = 100) {
    this.widthMs = initialWidthMs;
    this.a = Object.fromEntries(FIELDS.map((f) => [f, [] as number[]])) as unknown as Record<Field, number[]>;
  }

  /** Add one record (its TTFT in ms when it has one, as the caller's definitions say). */
  add(r: RequestRecord, ttftMs?: number): void {
    const s = r.sentAtMs;
    const e = Math.max(r.endAtMs, s);
    if (!Number.isFinite(s) || !Number.isFinite(e)) return;
    if (s < this.firstSent) this.firstSent = s;
    this.cover(s, e);
    let lo = Math.min(s, e);
    let hi = e;
    if (r.chunkTimesMs.length) {
      lo = Math.min(lo, r.chunkTimesMs[0]!);
      hi = Math.max(hi, r.chunkTimesMs[r.chunkTimesMs.length - 1]!);
      this.cover(lo, hi);
    }
    const bs = this.idx(s);
    const be = this.idx(e);
    const A = this.a;
    A.sent[bs]!++;
    A.done[be]!++;
    if (r.error) A.failed[be]!++;
    else {
      A.e2eSum[bs]! += e - s;
      A.e2eN[bs]!++;
      if (ttftMs !== undefined && Number.isFinite(ttftMs)) {
        A.ttftSum[bs]! += ttftMs;
        A.ttftN[bs]!++;
      }
      if (r.chunkTimesMs.length) {
        for (let i = 0; i < r.chunkTimesMs.length; i++) A.tokens[this.idx(r.chunkTimesMs[i]!)]! += r.chunkTokens[i] ?? 1;
      } else A.tokens[be]! += outputTokens(r);
    }
    if (bs === be) A.part[bs]! += e - s;
    else {
      A.part[bs]! += this.start(bs + 1) - s;
      A.part[be]! += e - this.start(be);
      A.diff[bs + 1]!++;
      A.diff[be]!--;
    }
  }

  /**
   * The finished series from the first send to the last event, in at most `targetBins` bins at
   * least `minWidthMs` wide (whole multiples of the collection width).
   */
  bins(targetBins = Infinity, minWidthMs = 0): TimeBin[] {
    const A = this.a;
    const W = this.widthMs;
    // Skip the bins wholly before the first send (earlier events cannot exist) and the empty tail.
    const first = this.firstIndex();
    let last = A.sent.length - 1;
    let c = 0;
    const integral: number[] = [];
    for (let i = 0; i < A.sent.length; i++) {
      c += A.diff[i]!;
      integral.push(A.part[i]! + c * W);
    }
    while (last > first && A.sent[last] === 0 && A.done[last] === 0 && A.tokens[last] === 0 && integral[last] === 0) last--;
    const n = last - first + 1;
    if (n <= 0 || !Number.isFinite(this.firstSent)) return [];
    const k = Math.max(1, Math.ceil(n / targetBins), Math.ceil(minWidthMs / W));
    const width = k * W;
    const per = 1000 / width;
    const out: TimeBin[] = [];
    for (let g = first; g <= last; g += k) {
      const sum = (f: Field | number[]): number => {
        const arr = typeof f === 'string' ? A[f] : f;
        let t = 0;
        for (let i = g; i < Math.min(g + k, last + 1); i++) t += arr[i]!;
        return t;
      };
      const ttftN = sum('ttftN');
      const e2eN = sum('e2eN');
      out.push({
        tS: (this.start(g) - this.start(first)) / 1000,
        widthS: width / 1000,
        requestsPerS: sum('sent') * per,
        completionsPerS: sum('done') * per,
        failuresPerS: sum('failed') * per,
        outputTokensPerS: sum('tokens') * per,
        inFlight: sum(integral) / width,
        ...(ttftN ? { ttftMeanMs: sum('ttftSum') / ttftN } : {}),
        ...(e2eN ? { e2eMeanMs: sum('e2eSum') / e2eN } : {}),
      });
    }
    return out;
  }

  /** Where `tS` = 0 of the finished series lies on the records' clock (ms); NaN when nothing was added. */
  originMs(): number {
    return Number.isFinite(this.firstSent) ? this.start(this.firstIndex()) : NaN;
  }

  /** The bin holding the first send (earlier bins exist only for events before it). */
  private firstIndex(): number {
    let first = 0;
    while (first < this.a.sent.length && this.start(first) + this.widthMs <= this.firstSent) first++;
    return first;
  }

  private start(i: number): number {
    return this.origin + i * this.widthMs;
  }

  private idx(t: number): number {
    return Math.floor((t - this.origin) / this.widthMs);
  }

  /** Make bins exist for [lo, hi], growing left/right and coarsening as needed. */
  private cover(lo: number, hi: number): void {
    // Already covered (every record after the first few): nothing to grow or coarsen.
    if (this.idx(lo) >= 0 && this.idx(hi) + 2 <= this.a.sent.length && this.a.sent.length <= this.maxBins) return;
    if (Number.isNaN(this.origin)) this.origin = Math.floor(lo / this.widthMs) * this.widthMs;
    for (;;) {
      const first = Math.min(0, this.idx(lo));
      const last = Math.max(this.a.sent.length - 1, this.idx(hi));
      if (last - first + 1 <= this.maxBins) break;
      this.coarsen();
    }
    const left = -Math.min(0, this.idx(lo));
    if (left > 0) {
      for (const f of FIELDS) this.a[f].unshift(...new Array<number>(left).fill(0));
      this.origin -= left * this.widthMs;
    }
    const need = this.idx(hi) + 2;
    for (const f of FIELDS) while (this.a[f].length < need) this.a[f].push(0);
  }

  /** Double the bin width: fold the pending in-flight ranges into the integral, merge pairs. */
  private coarsen(): void {
    const A = this.a;
    let c = 0;
    for (let i = 0; i < A.part.length; i++) {
      c += A.diff[i]!;
      A.part[i]! += c * this.widthMs;
      A.diff[i] = 0;
    }
    for (const f of FIELDS) {
      const src = A[f];
      const dst: number[] = [];
      for (let i = 0; i < src.length; i += 2) dst.push(src[i]! + (src[i + 1] ?? 0));
      A[f] = dst;
    }
    this.widthMs *= 2;
  }
}
