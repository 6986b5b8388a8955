/** Metrics: pure functions of RequestRecord[]; definitions in docs/metrics.md. */
export { percentile, percentileSorted, summarize, scaleSummary, weightedSummary } from './stats.ts';
export type { Summary, WeightedSummary } from './stats.ts';
export { outputTokens, inputTokens, tokenCountMismatch, tokenTimes } from './tokens.ts';
export { inferencePerfGroup, inferencePerfRequest } from './inference-perf.ts';
export type { InferencePerfGroup, InferencePerfOptions, InferencePerfRequest } from './inference-perf.ts';
export { vllmBenchMetrics } from './vllm-bench.ts';
export type { VllmBenchMetrics } from './vllm-bench.ts';
export { guidellmMetrics, guidellmHeadline, glRequest, glStatusOf, glWithin } from './guidellm.ts';
export type { GuidellmMetrics, GuidellmHeadline, GlRequest, GlMetricsOptions, GlMetricsSummary, GlTextSizes } from './guidellm.ts';
export { glFromValues, glRateFromTimings, glConcurrencyFromTimings } from './guidellm-dist.ts';
export type { GlDistribution, GlStatusDistribution } from './guidellm-dist.ts';
export { seedMetrics } from './seed.ts';
export type { SeedMetrics } from './seed.ts';
export { loadgenHealth } from './health.ts';
export type { HealthThresholds, LoadgenHealthReport, StageHealth } from './health.ts';
