/**
 * The summary's ten metrics from per-request series a definition set has collected (its own TTFT,
 * TPOT, latency and ITL rules): the part every set shares — rates over the set's window, the
 * distributions, the failure counts — written once (vllm bench and LMBenchmark sets use it).
 */
import type { SeedMetrics } from './seed.ts';
import { summarizeBySelection } from './select.ts';
import { summarize, type Summary } from './stats.ts';

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

/** The same series as compact columns (the streaming accumulators); summarised by quickselect (percentiles equal). */
export interface SeedColumns extends Omit<SeedSeries, 'ttftMs' | 'tpotMs' | 'requestLatencyMs' | 'itlMs'> {
  ttftMs: Float64Array;
  tpotMs: Float64Array;
  requestLatencyMs: Float64Array;
  itlMs: Float64Array;
}

export function seedFromColumns(s: SeedColumns): SeedMetrics {
  // itlMs may be the same column as tpotMs (LMBenchmark): summarise each distinct column once (selection reorders it).
  const memo = new Map<Float64Array, Summary | undefined>();
  const sum = (a: Float64Array): Summary | undefined => {
    if (!memo.has(a)) memo.set(a, summarizeBySelection(a));
    return memo.get(a);
  };
  return seedFrom(s, sum);
}

export function seedFromSeries(s: SeedSeries): SeedMetrics {
  return seedFrom(s, summarize);
}

function seedFrom<T>(s: Omit<SeedSeries, 'ttftMs' | 'tpotMs' | 'requestLatencyMs' | 'itlMs'> & { ttftMs: T; tpotMs: T; requestLatencyMs: T; itlMs: T }, summarize: (x: T) => Summary | undefined): SeedMetrics {
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
