import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Handoff } from '../../../../src/engine/client/handoff.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

const rec = (id: number): RequestRecord =>
  ({ id, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [], chunkTokens: [], endAtMs: 0 }) as RequestRecord;

test('records are handed over after the current phase, in order, never synchronously', async () => {
  const h = new Handoff();
  const got: number[] = [];
  for (let i = 0; i < 5; i++) h.push((r) => got.push(r.id), rec(i));
  assert.deepEqual(got, []);
  assert.equal(h.pending, 5);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
  assert.equal(h.pending, 0);
});

test('a slice ends after its time budget and the loop runs other callbacks before the next slice', async () => {
  const h = new Handoff(0); // budget 0: one record per slice
  const order: string[] = [];
  h.push(() => {
    order.push('a');
    // Stands for I/O that became ready while a slice ran: it must not wait for the rest of the queue.
    setImmediate(() => order.push('io'));
  }, rec(0));
  h.push(() => order.push('b'), rec(1));
  h.push(() => order.push('c'), rec(2));
  while (h.pending > 0) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['a', 'io', 'b', 'c']);
});

test('flush hands everything over now; a throwing callback does not lose the rest', async () => {
  const h = new Handoff();
  const got: number[] = [];
  h.push(() => got.push(0), rec(0));
  h.push(() => {
    throw new Error('boom');
  }, rec(1));
  h.push((r) => got.push(r.id), rec(2));
  assert.throws(() => h.flush(), /boom/);
  assert.deepEqual(got, [0]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [0, 2]);
  h.push((r) => got.push(r.id), rec(3));
  h.flush();
  assert.deepEqual(got, [0, 2, 3]);
});
