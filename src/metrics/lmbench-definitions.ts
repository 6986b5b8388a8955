/**
 * The summary's ten metrics under fmperf / LMBenchmark's definitions as llm-d converted its CSVs
 * (docs/metrics.md §5a), for fmperf result directories: TTFT to the first content chunk,
 * latency = end − sent, TPOT = ITL = (latency − TTFT)/(out − 1); warm-up requests left out;
 * throughput over first sent → last end; NTPOT is not an LMBenchmark metric.
 */
import type { RequestRecord } from '../engine/types.ts';
import type { MetricDefinitionSet } from './definition-set.ts';
import { failureLabel } from './failure-label.ts';
import { LmbenchAccumulator } from './lmbench-stream.ts';
import type { SeedMetrics } from './seed.ts';
import { seedFromSeries } from './seed-series.ts';
import { inputTokens, outputTokens } from './tokens.ts';
import { measured } from './warmup.ts';

export function lmbenchSeedMetrics(all: readonly RequestRecord[]): SeedMetrics {
  const records = measured(all);
  const ttft: number[] = [];
  const tpot: number[] = [];
  const lat: number[] = [];
  let ok = 0;
  let inTot = 0;
  let outTot = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    start = Math.min(start, r.sentAtMs);
    end = Math.max(end, r.endAtMs);
    if (r.error) continue;
    ok++;
    const out = outputTokens(r);
    inTot += inputTokens(r);
    outTot += out;
    const first = r.chunkTimesMs[0];
    const l = r.endAtMs - r.sentAtMs;
    const t = first !== undefined ? first - r.sentAtMs : 0;
    ttft.push(t);
    lat.push(l);
    if (out > 1) tpot.push((l - t) / (out - 1));
  }
  return seedFromSeries({ ttftMs: ttft, tpotMs: tpot, requestLatencyMs: lat, itlMs: tpot, total: records.length, ok, inputTokens: inTot, outputTokens: outTot, startMs: start, endMs: end });
}

export const lmbenchDefinitions: MetricDefinitionSet = {
  name: 'fmperf',
  summarize: lmbenchSeedMetrics,
  failureLabel,
  accumulator: () => new LmbenchAccumulator(),
};
