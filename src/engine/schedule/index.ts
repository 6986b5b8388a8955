/** Schedules: when to send (pure, seeded). See README.md. */
export type { SchedulePlugin, LoadPlan, KeyPath } from './types.ts';
export { schedules } from './registry.ts';
export { planStages, validateStages } from './stages.ts';
export { constantSchedule, evenSchedule, checkRateStage, type RateStage } from './constant.ts';
export { poissonSchedule } from './poisson.ts';
export { gammaSchedule, type GammaStage } from './gamma.ts';
export { concurrentSchedule, type ConcurrentStage } from './concurrent.ts';
export { rescaledExponentialOffsets, rescaledExponentialArrivals, stageCount } from './open.ts';
export { arrivalsOf, arrayArrivals, drawAll, lazyArrivals, openPlan, withPlan } from './arrivals.ts';
export {
  sweepRates,
  sweepPreStage,
  sweepStages,
  saturationFromSamples,
  percentileLinear,
  linspace,
  geomspace,
  type SweepConfig,
  type SweepType,
  type ActiveSample,
} from './sweep.ts';
export { parseTraceCsv, traceReplayPlan, traceReplaySchedule, type TraceRow } from './trace.ts';
export { evenlySpacedSchedule, exponentialSchedule, evenOffsetMs, type BoundedRateStage } from './guidellm.ts';
export { multiRoundQaSchedule, planMultiRoundQa, multiRoundQaTurns, type MultiRoundQaStage, type MrqTurn } from './multi-round-qa.ts';
