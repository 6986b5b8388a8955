/** Metrics: pure functions of RequestRecord[]; definitions in docs/metrics.md. */
export { percentile, percentileSorted, summarize, scaleSummary, weightedSummary } from './stats.ts';
export type { Summary, WeightedSummary } from './stats.ts';
export { outputTokens, inputTokens, tokenCountMismatch, tokenTimes } from './tokens.ts';
export { inferencePerfGroup, inferencePerfRequest } from './inference-perf.ts';
export type { InferencePerfGroup, InferencePerfOptions, InferencePerfRequest } from './inference-perf.ts';
export { vllmBenchMetrics } from './vllm-bench.ts';
export type { VllmBenchMetrics } from './vllm-bench.ts';
export { guidellmMetrics } from './guidellm.ts';
export type { GuidellmMetrics } from './guidellm.ts';
export { seedMetrics } from './seed.ts';
export type { SeedMetrics } from './seed.ts';
export { loadgenHealth } from './health.ts';
export type { HealthThresholds, LoadgenHealthReport, StageHealth } from './health.ts';
export { sameReadGaps } from './same-read.ts';
export type { SameReadGaps } from './same-read.ts';
export { failureLabel } from './failure-label.ts';
export { inferencePerfDefinitions } from './definition-set.ts';
export type { MetricDefinitionSet } from './definition-set.ts';
