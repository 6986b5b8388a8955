import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceQueue } from '../../../src/sim/slices.ts';
import { monoMs } from '../../../src/util/clock.ts';

const busy = (ms: number): void => {
  const end = monoMs() + ms;
  while (monoMs() < end) {
    // hold the loop, as a request's processing does
  }
};

test('slices: jobs run FIFO, results and errors reach their callers, a failing job does not stop the queue', async () => {
  const q = new SliceQueue(0.5);
  const order: number[] = [];
  const runs = [1, 2, 3].map((i) => q.run(() => (order.push(i), i * 10)));
  const bad = q.run(() => {
    throw new Error('boom');
  });
  const after = q.run(() => Promise.resolve('async result'));
  assert.deepEqual(await Promise.all(runs), [10, 20, 30]);
  await assert.rejects(bad, /boom/);
  assert.equal(await after, 'async result');
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(q.pending, 0);
});

test('slices: the loop gets a turn between slices (an immediate queued meanwhile runs before the last jobs)', async () => {
  const q = new SliceQueue(0.5);
  let ran = 0;
  const all = Array.from({ length: 20 }, () => q.run(() => (busy(0.3), ran++)));
  let ranWhenLoopTurned = -1;
  setImmediate(() => (ranWhenLoopTurned = ran));
  await Promise.all(all);
  assert.ok(ranWhenLoopTurned >= 0 && ranWhenLoopTurned <= 4, `jobs run before the loop turned: ${ranWhenLoopTurned} (at most two slices of 0.5 ms)`);
});

test('slices: while requests keep arriving processing waits, but not longer than its bound', async () => {
  let arrivals = 0;
  let firstTurnAt = -1;
  const q = new SliceQueue(0.5, () => {
    if (firstTurnAt < 0) firstTurnAt = monoMs();
    return ++arrivals;
  });
  const t0 = monoMs();
  const at = await q.run(() => monoMs());
  // a first turn that came after the bound (a host that descheduled us) rightly runs at once
  assert.ok(
    arrivals > 1 || firstTurnAt - t0 >= 2,
    `the first turns saw arrivals and held back (turns ${arrivals}, first at ${(firstTurnAt - t0).toFixed(2)} ms)`,
  );
  assert.ok(at - t0 >= 2, `held at least the bound: ${(at - t0).toFixed(2)} ms`);
  assert.ok(at - t0 < 100, `but ran: ${(at - t0).toFixed(2)} ms`);
  // no new arrivals since the last turn: no holding (one turn to notice that the count stopped moving)
  const still = new SliceQueue(0.5, () => 7);
  let turns = 0;
  const tick = (): void => {
    turns++;
    if (turns < 100) setImmediate(tick);
  };
  setImmediate(tick);
  const turnsAtRun = await still.run(() => turns);
  assert.ok(turnsAtRun <= 2, `ran after ${turnsAtRun} loop turns`);
});
