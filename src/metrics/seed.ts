import type { RequestRecord } from '../engine/types.ts';
import { inferencePerfGroup, type InferencePerfOptions } from './inference-perf.ts';
import { scaleSummary, type Summary } from './stats.ts';

/**
 * The seed's ten metrics (llm-d-benchmark's report), computed with
 * inference-perf's definitions (the default harness): throughputs over
 * max(end) − min(start), latency distributions over successes, in ms.
 */
export interface SeedMetrics {
  outputTokensPerS: number;
  inputTokensPerS: number;
  requestsPerS: number;
  ttftMs?: Summary;
  tpotMs?: Summary;
  requestLatencyMs?: Summary;
  ntpotMs?: Summary;
  itlMs?: Summary;
  /** failed / all requests (0 when none). */
  failureRate: number;
  benchmarkDurationS: number;
  requests: number;
  failures: number;
}

export function seedMetrics(records: readonly RequestRecord[], o: InferencePerfOptions = {}): SeedMetrics {
  const g = inferencePerfGroup(records, o);
  const l = g.successes.latencyS;
  return {
    outputTokensPerS: g.successes.throughput.outputTokensPerS,
    inputTokensPerS: g.successes.throughput.inputTokensPerS,
    requestsPerS: g.successes.throughput.requestsPerS,
    ttftMs: scaleSummary(l.ttft, 1000),
    tpotMs: scaleSummary(l.tpot, 1000),
    requestLatencyMs: scaleSummary(l.requestLatency, 1000),
    ntpotMs: scaleSummary(l.ntpot, 1000),
    itlMs: scaleSummary(l.itl, 1000),
    failureRate: records.length ? g.failures.count / records.length : 0,
    benchmarkDurationS: g.benchmarkTimeS,
    requests: records.length,
    failures: g.failures.count,
  };
}
