/**
 * GuideLLM's metric-definition set: the summary's ten metrics as GuideLLM defines them (TPOT
 * including the first token, weighted by output tokens; per-request ITL; nearest-rank
 * percentiles; rates over the measurement window), from the records of one result directory.
 * The window is first send → last end over all its records (per-benchmark windows are in the
 * native report). GuideLLM has no NTPOT; failures = errored + incomplete (cancelled).
 */
import type { RequestRecord } from '../engine/types.ts';
import type { MetricDefinitionSet } from './definition-set.ts';
import { failureLabel } from './failure-label.ts';
import { GuidellmAccumulator, glSummary } from './guidellm-stream.ts';
import { guidellmMetrics } from './guidellm.ts';
import type { SeedMetrics } from './seed.ts';

export function guidellmSeedMetrics(records: readonly RequestRecord[]): SeedMetrics {
  const m = guidellmMetrics(records);
  const t = m.request_totals;
  let s = Infinity;
  let e = -Infinity;
  for (const r of records) {
    s = Math.min(s, r.sentAtMs);
    e = Math.max(e, r.endAtMs);
  }
  const failures = t.errored + t.incomplete;
  return {
    outputTokensPerS: m.output_tokens_per_second.successful.mean,
    inputTokensPerS: m.prompt_tokens_per_second.successful.mean,
    requestsPerS: m.requests_per_second.successful.mean,
    ttftMs: glSummary(m.time_to_first_token_ms.successful),
    tpotMs: glSummary(m.time_per_output_token_ms.successful),
    requestLatencyMs: glSummary(m.request_latency.successful, 1000),
    itlMs: glSummary(m.inter_token_latency_ms.successful),
    failureRate: t.total ? failures / t.total : 0,
    benchmarkDurationS: records.length ? (e - s) / 1000 : 0,
    requests: t.total,
    failures,
  };
}

export const guidellmDefinitions: MetricDefinitionSet = {
  name: 'guidellm',
  summarize: guidellmSeedMetrics,
  failureLabel,
  accumulator: () => new GuidellmAccumulator(),
};
