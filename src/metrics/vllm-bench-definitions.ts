/**
 * The summary's ten metrics under `vllm bench serve`'s definitions (docs/metrics.md §5), for
 * vllm-benchmark and inferencemax result directories: TTFT to the first choices chunk, latency
 * to the last, TPOT = (E2EL − TTFT)/(out − 1), ITL pooled per chunk; warm-up requests left out;
 * duration = first scheduled → last end of the measured requests; NTPOT is not a vLLM metric.
 */
import type { RequestRecord } from '../engine/types.ts';
import type { MetricDefinitionSet } from './definition-set.ts';
import { failureLabel } from './failure-label.ts';
import { VllmBenchAccumulator } from './vllm-bench-stream.ts';
import type { SeedMetrics } from './seed.ts';
import { seedFromSeries } from './seed-series.ts';
import { inputTokens } from './tokens.ts';
import { choiceTimes, vllmOutputTokens, vllmSuccess } from './vllm-bench.ts';
import { measured } from './warmup.ts';

export function vllmSeedMetrics(all: readonly RequestRecord[]): SeedMetrics {
  const records = measured(all);
  const ttft: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  const lat: number[] = [];
  let ok = 0;
  let inTot = 0;
  let outTot = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    start = Math.min(start, r.scheduledAtMs);
    end = Math.max(end, r.endAtMs);
    if (!vllmSuccess(r)) continue;
    ok++;
    const out = vllmOutputTokens(r);
    inTot += inputTokens(r);
    outTot += out;
    const t = r.stream === false ? [] : choiceTimes(r);
    const e2el = (t.length ? t[t.length - 1]! : r.endAtMs) - r.sentAtMs;
    const first = t.length ? t[0]! - r.sentAtMs : e2el;
    ttft.push(first);
    lat.push(e2el);
    if (out > 1) tpot.push((e2el - first) / (out - 1));
    for (let i = 1; i < t.length; i++) itl.push(t[i]! - t[i - 1]!);
  }
  return seedFromSeries({ ttftMs: ttft, tpotMs: tpot, requestLatencyMs: lat, itlMs: itl, total: records.length, ok, inputTokens: inTot, outputTokens: outTot, startMs: start, endMs: end });
}

export const vllmBenchDefinitions: MetricDefinitionSet = {
  name: 'vllm-benchmark',
  summarize: vllmSeedMetrics,
  failureLabel,
  accumulator: () => new VllmBenchAccumulator(),
};
