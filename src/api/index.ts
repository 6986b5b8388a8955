/**
 * llmdbench as a library: `import { plan, render, run, analyze } from 'llmdbench'`.
 * The CLI is a thin layer over the same steps (src/api/session.ts).
 */
export { plan, render, run, analyze } from './library.ts';
export type { PlanResult, RenderedProfile, RunControl, RunResult, UnitResult } from './library.ts';
export type { BenchmarkOptions } from './options.ts';
export type { ResultSummary, Dist, LoadgenHealthFile } from '../metrics/seed-summary.ts';
export type { HarnessProgress } from '../harness/types.ts';
export type { RunPlan, RunUnit } from '../plan/types.ts';
export { LlmdbenchError, isLlmdbenchError } from '../util/errors.ts';
