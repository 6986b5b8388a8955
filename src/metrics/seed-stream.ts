/**
 * seedMetrics (inference-perf's definitions, src/metrics/seed.ts) computed one record at a time:
 * the same numbers, with memory bounded by 8 bytes per latency value (F64Buffer per metric; the
 * ITL buffer holds one value per inter-chunk gap) instead of every record object. The analysis
 * step streams records.jsonl through it; `-j N` merges feed several files into one accumulator.
 * test/unit/metrics/seed-stream.test.ts checks it equals seedMetrics on the same records.
 */
import type { RequestRecord } from '../engine/types.ts';
import { F64Buffer } from '../util/f64-buffer.ts';
import type { SeedMetrics } from './seed.ts';
import { scaleSummary } from './stats.ts';
import { summarizeBySelection } from './select.ts';
import { inputTokens, outputTokens } from './tokens.ts';

/** Consumes records one by one; result() once at the end. */
export interface RecordAccumulator {
  add(r: RequestRecord): void;
  result(): SeedMetrics;
}

export class SeedAccumulator implements RecordAccumulator {
  private n = 0;
  private failures = 0;
  private ok = 0;
  private minStart = Infinity;
  private maxEnd = -Infinity;
  private inTot = 0;
  private outTot = 0;
  private readonly lat = new F64Buffer();
  private readonly ttft = new F64Buffer();
  private readonly tpot = new F64Buffer();
  private readonly itl = new F64Buffer();
  private readonly ntpot = new F64Buffer();

  add(r: RequestRecord): void {
    this.n++;
    if (r.sentAtMs < this.minStart) this.minStart = r.sentAtMs;
    if (r.endAtMs > this.maxEnd) this.maxEnd = r.endAtMs;
    if (r.error) {
      this.failures++;
      return;
    }
    this.ok++;
    const latencyMs = r.endAtMs - r.sentAtMs;
    const out = outputTokens(r);
    this.inTot += inputTokens(r);
    this.outTot += out;
    this.lat.push(latencyMs / 1000);
    this.ntpot.push(out > 0 ? latencyMs / 1000 / out : 0);
    const t = r.chunkTimesMs;
    if (t.length > 1) {
      const first = t[0]!;
      const last = t[t.length - 1]!;
      this.ttft.push((first - r.sentAtMs) / 1000);
      if (out > 1) this.tpot.push((last - first) / 1000 / (out - 1));
      for (let i = 1; i < t.length; i++) this.itl.push((t[i]! - t[i - 1]!) / 1000);
    }
  }

  result(): SeedMetrics {
    const time = this.n ? (this.maxEnd - this.minStart) / 1000 : 0;
    const rate = (x: number): number => (time > 0 ? x / time : 0);
    const ms = (b: F64Buffer) => scaleSummary(summarizeBySelection(b.view()), 1000);
    return {
      outputTokensPerS: rate(this.outTot),
      inputTokensPerS: rate(this.inTot),
      requestsPerS: rate(this.ok),
      ttftMs: ms(this.ttft),
      tpotMs: ms(this.tpot),
      requestLatencyMs: ms(this.lat),
      ntpotMs: ms(this.ntpot),
      itlMs: ms(this.itl),
      failureRate: this.n ? this.failures / this.n : 0,
      benchmarkDurationS: time,
      requests: this.n,
      failures: this.failures,
    };
  }
}
