/**
 * vllmSeedMetrics (vllm bench serve's definitions, ./vllm-bench-definitions.ts) one record at a
 * time: the analysis step streams records.jsonl through it, so a 1M-request vllm-benchmark or
 * inferencemax run is summarised with 8 bytes per value (F64Buffer columns), never the records.
 * test/unit/metrics/definitions-stream.test.ts checks it equals vllmSeedMetrics on the same records.
 */
import type { RequestRecord } from '../engine/types.ts';
import { F64Buffer } from '../util/f64-buffer.ts';
import type { SeedMetrics } from './seed.ts';
import { seedFromColumns } from './seed-series.ts';
import type { RecordAccumulator } from './seed-stream.ts';
import { inputTokens } from './tokens.ts';
import { choiceTimes, vllmOutputTokens, vllmSuccess } from './vllm-bench.ts';
import { isWarmup } from './warmup.ts';

export class VllmBenchAccumulator implements RecordAccumulator {
  private total = 0;
  private ok = 0;
  private inTot = 0;
  private outTot = 0;
  private start = Infinity;
  private end = -Infinity;
  private readonly ttft = new F64Buffer();
  private readonly tpot = new F64Buffer();
  private readonly itl = new F64Buffer();
  private readonly lat = new F64Buffer();

  add(r: RequestRecord): void {
    if (isWarmup(r)) return;
    this.total++;
    if (r.scheduledAtMs < this.start) this.start = r.scheduledAtMs;
    if (r.endAtMs > this.end) this.end = r.endAtMs;
    if (!vllmSuccess(r)) return;
    this.ok++;
    const out = vllmOutputTokens(r);
    this.inTot += inputTokens(r);
    this.outTot += out;
    const t = r.stream === false ? [] : choiceTimes(r);
    const e2el = (t.length ? t[t.length - 1]! : r.endAtMs) - r.sentAtMs;
    const first = t.length ? t[0]! - r.sentAtMs : e2el;
    this.ttft.push(first);
    this.lat.push(e2el);
    if (out > 1) this.tpot.push((e2el - first) / (out - 1));
    for (let i = 1; i < t.length; i++) this.itl.push(t[i]! - t[i - 1]!);
  }

  result(): SeedMetrics {
    return seedFromColumns({
      ttftMs: this.ttft.view(),
      tpotMs: this.tpot.view(),
      requestLatencyMs: this.lat.view(),
      itlMs: this.itl.view(),
      total: this.total,
      ok: this.ok,
      inputTokens: this.inTot,
      outputTokens: this.outTot,
      startMs: this.start,
      endMs: this.end,
    });
  }
}
