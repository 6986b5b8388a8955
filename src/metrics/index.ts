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
export { distribution, scaleDistribution, DISTRIBUTION_PERCENTILES } from './distribution.ts';
export type { Distribution } from './distribution.ts';
export { goodput, GoodputAccumulator, parseSlo, sloFromInferencePerf, sloFromVllmBench, sloValuesMs, SLO_METRICS } from './slo.ts';
export type { Goodput, Slo, SloMetric } from './slo.ts';
