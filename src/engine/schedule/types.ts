import type { ProfileIssue } from '../../util/issues.ts';
import type { Rng } from '../../util/rng.ts';
import type { StagePlan } from '../types.ts';

export type KeyPath = (string | number)[];

/**
 * A schedule plugin: validates one stage's config and plans it. `plan` is a
 * pure function of (config, stage index, rng): same inputs, same plan. Only
 * the dispatcher sleeps and sends.
 */
export interface SchedulePlugin<C = unknown> {
  readonly kind: string;
  readonly description: string;
  /** Every problem of one stage config, with key paths under `at`. */
  validate(stage: unknown, at?: KeyPath): ProfileIssue[];
  plan(stage: C, index: number, rng: Rng): StagePlan;
}

/** A multi-stage load: one plan per stage and the pause after each (inference-perf's `interval`). */
export interface LoadPlan {
  stages: StagePlan[];
  /** Pause after stage i, before stage i + 1 (ms); 0 after the last. */
  pauseAfterMs: number[];
  /** The seed the plans were drawn from (record it with the results). */
  seed: number;
}
