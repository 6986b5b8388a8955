/**
 * The phases fmperf's LMBenchmark container runs, in order, for each scenario and qps value
 * (harness-formats §5.2–5.3), as engine stages of one `runLoad`:
 *   engine warm-up  10 "WARMUP" requests at once (every multi-round-qa.py start; not recorded)
 *   warm-up run     long-input only: 1 user, 2 rounds, qps 2, num_users_warmup/2 s (not recorded)
 *   measured run    multi-round QA (schedule `multi_round_qa`: users × rounds on a 0.1 s tick), or
 *                   the ShareGPT replay (evenly spaced i/qps); its requests go to the CSV
 * User ids: each qps value starts at init_user_id + k·num_users_warmup (the script's
 * INIT_USER_ID += NUM_USERS_WARMUP after each qps); the warm-up run asks as the same users, so
 * their context is already cached when the measured run starts, which is its purpose.
 */
import type { StagePlan } from '../../engine/types.ts';
import { planMultiRoundQa, type MrqTurn } from '../../engine/schedule/index.ts';
import type { FmperfConfig, ScenarioRun } from './config-map.ts';

export type PhaseKind = 'engine-warmup' | 'warmup' | 'measured';

export interface Phase {
  kind: PhaseKind;
  run: ScenarioRun;
  qps: number;
  qpsText: string;
  plan: StagePlan;
  /** Multi-round QA: who asks what, per request of the phase. */
  turns?: MrqTurn[];
  /** Multi-round QA prompt sizes and answer length of this phase. */
  mrq?: { systemPrompt: number; chatHistory: number; answerLen: number; gapS: number };
  /** Requests finishing after this offset from the stage start never reach the CSV (the run stopped), ms. */
  cutoffMs?: number;
}

export const ENGINE_WARMUP_REQUESTS = 10;
const TICK_S = 0.1;

function mrqPhase(kind: PhaseKind, run: ScenarioRun, qps: number, qpsText: string, stage: number, p: { users: number; rounds: number; qps: number; durationS: number }, initUserId: number): Phase {
  const { offsetsMs, turns } = planMultiRoundQa({ num_users: p.users, num_rounds: p.rounds, qps: p.qps, duration: p.durationS, init_user_id: initUserId, tick: TICK_S });
  return {
    kind,
    run,
    qps,
    qpsText,
    plan: { kind: 'open', stage, offsetsMs, requestedRate: p.qps, durationMs: p.durationS * 1000 },
    turns,
    mrq: { systemPrompt: run.systemPrompt, chatHistory: run.chatHistory, answerLen: run.answerLen, gapS: p.users / p.qps },
    // the tick loop stops one tick after its last step
    cutoffMs: (Math.floor(p.durationS / TICK_S + 1e-9) + 1) * TICK_S * 1000,
  };
}

/** Every phase of the profile, stage indices in order. `sharegptCount`: prompts in the prepared ShareGPT set. */
export function planPhases(c: FmperfConfig, runs: readonly ScenarioRun[], sharegptCount: number): Phase[] {
  const out: Phase[] = [];
  const push = (p: Phase): void => {
    out.push({ ...p, plan: { ...p.plan, stage: out.length } });
  };
  for (const run of runs) {
    c.qps.forEach((qps, k) => {
      const qpsText = c.qpsText[k] ?? String(qps);
      const engineWarmup = (): void =>
        push({ kind: 'engine-warmup', run, qps, qpsText, plan: { kind: 'open', stage: 0, offsetsMs: new Float64Array(ENGINE_WARMUP_REQUESTS), requestedRate: Infinity, durationMs: 0 } });
      if (run.load === 'sharegpt') {
        const n = sharegptCount;
        const offsetsMs = Float64Array.from({ length: n }, (_, i) => (i * 1000) / qps);
        push({ kind: 'measured', run, qps, qpsText, plan: { kind: 'open', stage: 0, offsetsMs, requestedRate: qps, durationMs: n > 0 ? offsetsMs[n - 1]! : 0 } });
        return;
      }
      const init = c.initUserId + k * c.numUsersWarmup;
      if (run.warmup) {
        engineWarmup();
        const w = mrqPhase('warmup', run, qps, qpsText, 0, run.warmup, init);
        push(w);
      }
      engineWarmup();
      push(mrqPhase('measured', run, qps, qpsText, 0, { users: run.users, rounds: run.rounds, qps, durationS: run.durationS }, init));
    });
  }
  return out;
}
