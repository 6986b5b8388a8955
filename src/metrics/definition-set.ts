/**
 * A harness's metric-definition set: how ITS tool computes the summary's ten metrics and words
 * a failure, as pure functions of the same raw records. Each harness plugin names its set
 * (`HarnessPlugin.definitions`); the analysis step summarises a result directory with the set
 * of the harness that produced it. inference-perf's set is the seed's (seedMetrics).
 */
import type { RequestRecord } from '../engine/types.ts';
import { failureLabel } from './failure-label.ts';
import { seedMetrics, type SeedMetrics } from './seed.ts';

export interface MetricDefinitionSet {
  /** e.g. `inference-perf`; shown nowhere yet, kept for reports. */
  readonly name: string;
  /** The ten metrics of the summary, from the records of one result directory. */
  summarize(records: readonly RequestRecord[]): SeedMetrics;
  /** The label a failed record is counted under in `failures_by_label`. */
  failureLabel(r: RequestRecord): string;
}

/** inference-perf's definitions (today's seedMetrics); the default for harnesses without their own. */
export const inferencePerfDefinitions: MetricDefinitionSet = {
  name: 'inference-perf',
  summarize: (records) => seedMetrics(records),
  failureLabel,
};
