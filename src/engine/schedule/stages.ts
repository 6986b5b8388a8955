import type { ProfileIssue } from '../../util/issues.ts';
import { Rng } from '../../util/rng.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { schedules } from './registry.ts';
import type { KeyPath, LoadPlan } from './types.ts';

/** Validate a list of stages of one schedule kind (every problem, with `stages[i]` paths). */
export function validateStages(kind: string, stages: unknown, at: KeyPath = ['load', 'stages']): ProfileIssue[] {
  if (!schedules.has(kind)) {
    return [{ severity: 'error', path: at.slice(0, -1).concat('type'), message: `unknown load type "${kind}"`, hint: `known: ${schedules.kinds().join(', ')}` }];
  }
  if (!Array.isArray(stages)) return [{ severity: 'error', path: at, message: 'must be a list of stages' }];
  if (stages.length === 0) return [{ severity: 'error', path: at, message: 'at least one stage is needed' }];
  const plugin = schedules.get(kind);
  return stages.flatMap((s, i) => plugin.validate(s, [...at, i]));
}

/**
 * Plan a multi-stage load: stage i is planned with its own stream derived from
 * `seed` and i (so changing one stage never changes another's arrivals), and
 * followed by a pause of `intervalS` (inference-perf's load.interval, default 1 s).
 */
export function planStages(kind: string, stages: unknown[], opts: { seed: number; intervalS?: number }): LoadPlan {
  const issues = validateStages(kind, stages).filter((i) => i.severity === 'error');
  if (issues.length > 0) {
    const first = issues[0] as ProfileIssue;
    throw new LlmdbenchError('E_LOAD_CONFIG', `invalid ${kind} stages: ${first.path.join('.')}: ${first.message}`, {
      location: { keyPath: first.path.join('.') },
      details: issues.slice(1).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const plugin = schedules.get(kind);
  const root = new Rng(opts.seed);
  const plans = stages.map((s, i) => plugin.plan(s, i, root.fork(i)));
  const pause = (opts.intervalS ?? 1) * 1000;
  return { stages: plans, pauseAfterMs: plans.map((_, i) => (i < plans.length - 1 ? pause : 0)), seed: root.seed };
}
