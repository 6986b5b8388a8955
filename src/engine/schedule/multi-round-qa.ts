import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import { countOf, lazyArrivals, openPlan } from './arrivals.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

/**
 * LMBenchmark multi-round QA arrivals (multi-round-qa.py's UserSessionManager), planned ahead
 * as a pure function: which user asks which question when. U users, each asking every
 * G = U/qps seconds; a user lives for R rounds; a new user joins every G·(R − 1)/U seconds.
 * At t = 0 the U users are created in "steady state" (user i as if it started
 * G·(R − 1)·(1 − i/U) seconds ago: it has already asked floor(offset/G) + 1 questions, so the
 * first of them has asked all R and leaves without sending), plus one new user. The scheduler
 * ticks every 0.1 s: at each tick a user whose last request is at least G ago sends its next
 * question. With R = 1 the join gap is 0, so a new one-question user joins at every tick
 * (about 10 requests/s whatever the qps: LMBenchmark's behaviour, kept). The plan assumes
 * answers arrive within G; the dispatcher holds a user's next question until its previous
 * answer is in (one request in flight per user), which then goes out late (schedule lag).
 */
export interface MultiRoundQaStage {
  num_users: number;
  num_rounds: number;
  qps: number;
  /** Seconds the tick loop runs (LMBenchmark --time). */
  duration: number;
  /** First user id is init_user_id + 1 (LMBenchmark increments before use). Default 0. */
  init_user_id?: number;
  /** Tick period, s. Default 0.1. */
  tick?: number;
}

/** One planned request: the user and its question number (1-based), and whether its chat history is empty. */
export interface MrqTurn {
  user: number;
  question: number;
  first: boolean;
}

interface Session {
  user: number;
  q: number;
  last: number | undefined;
  sent: number;
}

const EPS = 1e-9;

/** The requests in send order, each with its offset (ms), generated tick by tick (memory ∝ live users). */
export function* multiRoundQaTurns(s: MultiRoundQaStage): Generator<MrqTurn & { offsetMs: number }> {
  const U = s.num_users;
  const R = s.num_rounds;
  const G = U / s.qps;
  const gapUsers = (G * (R - 1)) / U;
  const rampUp = U * gapUsers;
  const tick = s.tick ?? 0.1;
  let userId = s.init_user_id ?? 0;
  let sessions: Session[] = [];
  for (let i = 0; i < U; i++) {
    const sess: Session = { user: ++userId, q: 0, last: undefined, sent: 0 };
    sessions.push(sess);
    const offset = rampUp - i * gapUsers;
    if (offset < 0) break;
    const passed = Math.floor(offset / G) + 1;
    sess.last = -offset + (passed - 1) * G;
    sess.q = passed;
  }
  let lastJoin = -Infinity;
  for (let k = 0; k * tick <= s.duration + EPS; k++) {
    const t = k * tick;
    if (t - lastJoin > gapUsers - EPS) {
      sessions.push({ user: ++userId, q: 0, last: undefined, sent: 0 });
      lastJoin = t;
    }
    for (const x of sessions) {
      if (x.q >= R) continue;
      // Real ticks drift by the loop's own time, so a gap of exactly G counts as passed.
      if (x.last === undefined || t - x.last > G - EPS) {
        x.q++;
        yield { user: x.user, question: x.q, first: x.sent === 0, offsetMs: t * 1000 };
        x.sent++;
        x.last = t;
      }
    }
    sessions = sessions.filter((x) => x.q < R);
  }
}

/** The arrival plan and each request's (user, question), in memory. Deterministic: no randomness in LMBenchmark's load. */
export function planMultiRoundQa(s: MultiRoundQaStage): { offsetsMs: Float64Array; turns: MrqTurn[] } {
  const offsets: number[] = [];
  const turns: MrqTurn[] = [];
  for (const { offsetMs, ...turn } of multiRoundQaTurns(s)) {
    offsets.push(offsetMs);
    turns.push(turn);
  }
  return { offsetsMs: Float64Array.from(offsets), turns };
}

export const multiRoundQaSchedule: SchedulePlugin<MultiRoundQaStage> = {
  kind: 'multi_round_qa',
  description: 'LMBenchmark multi-round QA: U users each asking every U/qps s on a 0.1 s tick, R rounds per user, steady-state start',
  validate(stage: unknown, at: KeyPath = []) {
    const c = new Checker(at);
    const o = c.object(stage, []);
    if (!o) return c.issues;
    c.number(o, 'num_users', { int: true, gt: 0, required: true });
    c.number(o, 'num_rounds', { int: true, gt: 0, required: true });
    c.number(o, 'qps', { gt: 0, required: true });
    c.number(o, 'duration', { gt: 0, required: true });
    c.number(o, 'init_user_id', { int: true, min: 0 });
    c.number(o, 'tick', { gt: 0 });
    c.unknownKeys(o, ['num_users', 'num_rounds', 'qps', 'duration', 'init_user_id', 'tick']);
    return c.issues;
  },
  plan(s, index): StagePlan {
    const iterate = (): Iterator<number> => {
      const g = multiRoundQaTurns(s);
      return { next: (): IteratorResult<number> => { const r = g.next(); return r.done ? { done: true, value: undefined } : { done: false, value: r.value.offsetMs }; } };
    };
    return openPlan({ stage: index, arrivals: lazyArrivals({ rule: 'multi_round_qa', stage: { ...s } }, () => countOf(iterate()), iterate), requestedRate: s.qps, durationMs: s.duration * 1000 });
  },
};
