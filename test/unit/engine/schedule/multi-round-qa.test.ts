/**
 * LMBenchmark's multi-round QA plan, worked out by hand from multi-round-qa.py's rules:
 * G = U/qps, join gap G·(R−1)/U, steady-state start, 0.1 s tick.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMultiRoundQa, multiRoundQaSchedule } from '../../../../src/engine/schedule/multi-round-qa.ts';
import { Rng } from '../../../../src/util/rng.ts';

test('U=2, R=3, qps 1, 2 s: steady-state users and one joining user at each join gap', () => {
  // G = 2 s, join gap 2 s. Ramp-up: user 1 (offset 4 s) has asked all 3 → leaves silently;
  // user 2 (offset 2 s) has asked 2, last at t = 0 → asks #3 at t = 2. At t = 0 user 3 joins
  // and asks #1; at t = 2 it asks #2 and user 4 joins and asks #1.
  const { offsetsMs, turns } = planMultiRoundQa({ num_users: 2, num_rounds: 3, qps: 1, duration: 2 });
  assert.deepEqual([...offsetsMs], [0, 2000, 2000, 2000]);
  assert.deepEqual(turns, [
    { user: 3, question: 1, first: true },
    { user: 2, question: 3, first: true },
    { user: 3, question: 2, first: false },
    { user: 4, question: 1, first: true },
  ]);
});

test('R=1: a new one-question user joins at every 0.1 s tick, whatever the qps (LMBenchmark behaviour)', () => {
  const { offsetsMs, turns } = planMultiRoundQa({ num_users: 1, num_rounds: 1, qps: 1.34, duration: 0.3, init_user_id: 10 });
  assert.deepEqual([...offsetsMs].map(Math.round), [0, 100, 200, 300]);
  assert.deepEqual(turns.map((t) => t.user), [12, 13, 14, 15]);
  assert.ok(turns.every((t) => t.question === 1 && t.first));
});

test('steady state: each user asks every G on the tick grid, one question per user per gap; plan is deterministic', () => {
  const s = { num_users: 3, num_rounds: 5, qps: 1.5, duration: 20 };
  const a = planMultiRoundQa(s);
  assert.deepEqual(planMultiRoundQa(s), a);
  const byUser = new Map<number, number[]>();
  a.turns.forEach((t, i) => byUser.set(t.user, [...(byUser.get(t.user) ?? []), a.offsetsMs[i]!]));
  for (const times of byUser.values()) for (let i = 1; i < times.length; i++) assert.ok(Math.abs(times[i]! - times[i - 1]! - 2000) < 1e-6, `gap ${times[i]! - times[i - 1]!}`);
  // questions of a user are consecutive, at most R
  for (const [u, times] of byUser) {
    const qs = a.turns.filter((t) => t.user === u).map((t) => t.question);
    assert.ok(qs.length <= 5 && qs.every((q, i) => i === 0 || q === qs[i - 1]! + 1), `user ${u}: ${qs}`);
    assert.equal(times.length, qs.length);
  }
  // LMBenchmark's real rate: R questions per user, a user every G·(R−1)/U s → qps·R/(R−1) = 1.875
  assert.ok(Math.abs(a.turns.length / 20 - 1.875) < 0.1, `${a.turns.length} requests in 20 s`);
  const plan = multiRoundQaSchedule.plan(s, 2, new Rng(1));
  assert.equal(plan.kind, 'open');
  assert.equal(plan.stage, 2);
  assert.deepEqual(multiRoundQaSchedule.validate({ num_users: 0, qps: 1 }).map((i) => i.path.join('.')).sort(), ['duration', 'num_rounds', 'num_users']);
});
