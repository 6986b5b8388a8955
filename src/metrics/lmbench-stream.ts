/**
 * lmbenchSeedMetrics (fmperf / LMBenchmark's definitions, ./lmbench-definitions.ts) one record at
 * a time, for the streaming analysis of fmperf result directories: compact columns (8 bytes per
 * value), never the records. test/unit/metrics/definitions-stream.test.ts checks it equals
 * lmbenchSeedMetrics on the same records.
 */
import type { RequestRecord } from '../engine/types.ts';
import { F64Buffer } from '../util/f64-buffer.ts';
import type { SeedMetrics } from './seed.ts';
import { seedFromColumns } from './seed-series.ts';
import type { RecordAccumulator } from './seed-stream.ts';
import { inputTokens, outputTokens } from './tokens.ts';
import { isWarmup } from './warmup.ts';

export class LmbenchAccumulator implements RecordAccumulator {
  private total = 0;
  private ok = 0;
  private inTot = 0;
  private outTot = 0;
  private start = Infinity;
  private end = -Infinity;
  private readonly ttft = new F64Buffer();
  private readonly tpot = new F64Buffer();
  private readonly lat = new F64Buffer();

  add(r: RequestRecord): void {
    if (isWarmup(r)) return;
    this.total++;
    if (r.sentAtMs < this.start) this.start = r.sentAtMs;
    if (r.endAtMs > this.end) this.end = r.endAtMs;
    if (r.error) return;
    this.ok++;
    const out = outputTokens(r);
    this.inTot += inputTokens(r);
    this.outTot += out;
    const first = r.chunkTimesMs[0];
    const l = r.endAtMs - r.sentAtMs;
    const t = first !== undefined ? first - r.sentAtMs : 0;
    this.ttft.push(t);
    this.lat.push(l);
    if (out > 1) this.tpot.push((l - t) / (out - 1));
  }

  result(): SeedMetrics {
    // LMBenchmark's ITL is its TPOT (the same column).
    const tpot = this.tpot.view();
    return seedFromColumns({
      ttftMs: this.ttft.view(),
      tpotMs: tpot,
      requestLatencyMs: this.lat.view(),
      itlMs: tpot,
      total: this.total,
      ok: this.ok,
      inputTokens: this.inTot,
      outputTokens: this.outTot,
      startMs: this.start,
      endMs: this.end,
    });
  }
}
