/** The dispatcher's public API. */
export { runLoad, resolveWorkers } from './run-load.ts';
export type { RequestSource, FiniteRequestSource, RunLoadOptions, LoadResult, LoadHealth, StageRun, Progress } from './types.ts';
export type { ThreadHealth } from './health.ts';
export { maxConcurrent } from './live.ts';
export { RecordColumns, StageColumns, maxConcurrentOf } from './columns.ts';
