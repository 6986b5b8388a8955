/**
 * Progress counting shared by every harness: the engine counts for the whole run; the display
 * shows the current stage's share (earlier stages sent all they planned before the next began).
 */
import type { Progress as LoadProgress } from '../../engine/loadgen/types.ts';
import type { RequestRecord } from '../../engine/types.ts';
import type { HarnessProgress, HarnessStage } from '../types.ts';

export interface ProgressCounter {
  /** Call for every finished record. */
  record(rec: RequestRecord): void;
  /** Call when a stage starts. */
  stageStarted(stage: number): void;
  /** The display snapshot for an engine progress tick. */
  snapshot(p: LoadProgress): HarnessProgress;
}

export function progressCounter(stages: readonly HarnessStage[]): ProgressCounter {
  const n = stages.length;
  const done = new Array<number>(n).fill(0);
  const failed = new Array<number>(n).fill(0);
  let current = 0;
  const sentBefore = (stage: number): number => stages.slice(0, stage).reduce((a, st) => a + (st.planned ?? 0), 0);
  return {
    record(rec) {
      done[rec.stage] = (done[rec.stage] ?? 0) + 1;
      if (rec.error) failed[rec.stage] = (failed[rec.stage] ?? 0) + 1;
    },
    stageStarted(stage) {
      current = stage;
    },
    snapshot(p) {
      const st = stages[current];
      return {
        stage: current,
        stages: n,
        sent: Math.max(0, p.sent - sentBefore(current)),
        completed: done[current] ?? 0,
        failed: failed[current] ?? 0,
        inFlight: p.inFlight,
        ...(st?.planned !== undefined ? { planned: st.planned } : {}),
        ...(p.requestedRate !== undefined ? { requestedRate: p.requestedRate } : {}),
        achievedRate: p.achievedRate,
        ...(p.ttftP50Ms !== undefined ? { ttftP50Ms: p.ttftP50Ms } : {}),
        elapsedS: p.stageElapsedMs / 1000,
      };
    },
  };
}
