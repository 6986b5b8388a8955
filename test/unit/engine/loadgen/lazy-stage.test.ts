/**
 * The dispatcher draws an open stage's lazy arrivals as it sends: the i-th request goes at the
 * i-th offset (same deadlines as an array plan), a schedule that yields fewer offsets than its
 * count ends the stage there (the prefetched extras are never sent), and offsets that go
 * backwards stop the load with E_LOAD_PLAN (checked as they are drawn); the stage clock's lead
 * counts the first offset (drawn before the clock starts, still sent first).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../../../src/engine/loadgen/index.ts';
import { lazyArrivals, openPlan } from '../../../../src/engine/schedule/arrivals.ts';
import type { RequestSpec } from '../../../../src/engine/types.ts';
import { startTruthServer, type TruthServer } from '../../../helpers/truth-server.ts';
import { monoMs } from '../../../../src/util/clock.ts';

let server: TruthServer;
before(async () => {
  server = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 2 });
});
after(() => server.close());

const spec: RequestSpec = { api: 'completion', prompt: 'a b', maxTokens: 2, stream: true };
const from = (values: number[], count = values.length) =>
  openPlan({
    stage: 0,
    arrivals: lazyArrivals({ values }, count, () => values[Symbol.iterator]()),
    requestedRate: 10,
    durationMs: values[values.length - 1] ?? 0,
  });

test('lazy arrivals: request i is scheduled at the i-th offset', { timeout: 20_000 }, async () => {
  const offsets = [0, 30, 30, 75, 120];
  const r = await runLoad({ keepRecords: true, client: { baseUrl: server.url, model: 'm' }, stages: [from(offsets)], leadMs: 20, source: { next: () => spec } });
  const st = r.stages[0]!;
  assert.equal(st.planned, 5);
  assert.deepEqual(r.records.map((x) => x.scheduledAtMs - st.startMs).sort((a, b) => a - b), offsets);
  assert.deepEqual(r.records.map((x) => x.id).sort(), [0, 1, 2, 3, 4]);
});

test('a schedule that ends before its count ends the stage there; the prefetched extras are not sent', { timeout: 20_000 }, async () => {
  let fetched = 0;
  const r = await runLoad({ keepRecords: true, client: { baseUrl: server.url, model: 'm' }, stages: [from([0, 20, 40], 10)], leadMs: 20, source: { next: () => (fetched++, spec) } });
  assert.equal(r.records.length, 3);
  assert.equal(r.stages[0]!.planned, 3);
  assert.ok(fetched >= 3);
});

test('offsets going backwards stop the load with E_LOAD_PLAN', { timeout: 20_000 }, async () => {
  await assert.rejects(
    runLoad({ client: { baseUrl: server.url, model: 'm' }, stages: [from([0, 50, 10])], leadMs: 20, graceMs: 0, source: { next: () => spec } }),
    (e: Error & { code?: string }) => e.code === 'E_LOAD_PLAN' && /ascending/.test(e.message),
  );
});

test('the lead counts the first offset: the clock starts max(0, leadMs - first offset) ahead; offsets unchanged', { timeout: 20_000 }, async () => {
  for (const [offsets, leadMs, expectedLead] of [
    [[0, 10], 80, 80],
    [[30, 40], 80, 50],
    [[300, 310, 320], 80, 0],
  ] as Array<[number[], number, number]>) {
    let lead: number | undefined;
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [from(offsets)],
      leadMs,
      source: { next: () => spec },
      onStageStart: (_plan, startMs) => (lead = startMs - monoMs()),
    });
    assert.ok(lead !== undefined && Math.abs(lead - expectedLead) < 2, `offsets ${offsets.join(',')}: clock started ${lead} ms ahead, expected ${expectedLead}`);
    const st = r.stages[0]!;
    // the first offset was drawn for the lead and is still the first request's
    assert.deepEqual(r.records.map((x) => x.scheduledAtMs - st.startMs).sort((a, b) => a - b), offsets);
    assert.deepEqual(r.records.map((x) => x.id).sort(), offsets.map((_, i) => i));
  }
});
