/**
 * The summary's ten metrics from per-request series a definition set has collected (its own TTFT,
 * TPOT, latency and ITL rules): the part every set shares — rates over the set's window, the
 * distributions, the failure counts — written once (vllm bench and LMBenchmark sets use it).
 */
import type { SeedMetrics } from './seed.ts';
import { summarize } from './stats.ts';

export interface SeedSeries {
  ttftMs: number[];
  tpotMs: number[];
  requestLatencyMs: number[];
  itlMs: number[];
  /** Measured requests, and those that succeeded. */
  total: number;
  ok: number;
  inputTokens: number;
  outputTokens: number;
  /** The set's throughput window, ms. */
  startMs: number;
  endMs: number;
}

export function seedFromSeries(s: SeedSeries): SeedMetrics {
  const durationS = s.total ? (s.endMs - s.startMs) / 1000 : 0;
  const per = (x: number): number => (durationS > 0 ? x / durationS : 0);
  return {
    outputTokensPerS: per(s.outputTokens),
    inputTokensPerS: per(s.inputTokens),
    requestsPerS: per(s.ok),
    ttftMs: summarize(s.ttftMs),
    tpotMs: summarize(s.tpotMs),
    requestLatencyMs: summarize(s.requestLatencyMs),
    ntpotMs: undefined,
    itlMs: summarize(s.itlMs),
    failureRate: s.total ? (s.total - s.ok) / s.total : 0,
    benchmarkDurationS: durationS,
    requests: s.total,
    failures: s.total - s.ok,
  };
}
