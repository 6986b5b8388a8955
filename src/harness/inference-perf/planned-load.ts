/**
 * inference-perf's planned load read from the profile (no schedule drawn): requests and rate per
 * stage, for the plan-time ceiling. constant/poisson: int(rate × duration) at `rate`;
 * concurrent: num_requests, closed loop. A sweep is measured at run time (not known here).
 */
import type { PlannedStageLoad } from '../types.ts';

type Stage = { rate?: unknown; duration?: unknown; num_requests?: unknown };

export function inferencePerfPlannedLoad(doc: unknown): PlannedStageLoad[] {
  const load = (doc as { load?: { type?: unknown; stages?: unknown } } | undefined)?.load;
  const stages = Array.isArray(load?.stages) ? (load.stages as Stage[]) : [];
  const type = typeof load?.type === 'string' ? load.type : 'constant';
  return stages.flatMap((s, i): PlannedStageLoad[] => {
    const keyPath = `load.stages[${i}]`;
    if (s === null || typeof s !== 'object') return [];
    if (type === 'concurrent') return typeof s.num_requests === 'number' ? [{ requests: s.num_requests, keyPath }] : [];
    if (typeof s.rate !== 'number' || typeof s.duration !== 'number') return [];
    return [{ requests: Math.floor(s.rate * s.duration), ratePerS: s.rate, keyPath }];
  });
}
