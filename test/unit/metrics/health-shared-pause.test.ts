/**
 * -j N in one process (issue 12: "with -j 2 the same GC pause is called 'CPU starved' for one
 * instance and 'client busy' for the other"): two loads on one thread see the same pause but
 * over different windows (one started while the other was still planning, so one window shows
 * much run-queue wait and the other little). The pause carries its own judgement (made once for
 * the thread, engine/loadgen/gc-ledger.ts), and both loads' verdicts follow it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadHealth, StageRun } from '../../../src/engine/loadgen/types.ts';
import type { ThreadHealth } from '../../../src/engine/loadgen/health.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { loadgenHealth } from '../../../src/metrics/health.ts';

const recs: RequestRecord[] = Array.from({ length: 11 }, (_, i) => ({ id: i, stage: 0, worker: 0, api: 'completion', scheduledAtMs: i * 100, sentAtMs: i * 100 + (i === 5 ? 120 : 0.5), chunkTimesMs: [], chunkTokens: [], endAtMs: i * 100 + 50 }));
const stage: StageRun = { stage: 0, kind: 'open', startMs: 0, endMs: 1100, planned: 11, submitted: 11, completed: 11, dropped: 0, requestedRate: 10 };

/** One instance's view: the same 120 ms pause (judged `starved` once), its own window's CPU and run-queue wait. */
const view = (pauseStarved: boolean, runMs: number, waitMs: number): LoadHealth => {
  const th: ThreadHealth = {
    thread: 'main',
    wallMs: 1000,
    eventLoopDelayMs: { mean: 1, p50: 0, p99: 5, max: 120 },
    gc: { count: 1, totalMs: 120, maxMs: 120, p99Ms: 120, ownMaxMs: pauseStarved ? 0 : 120, starvedMaxMs: pauseStarved ? 120 : 0 },
    maxInFlight: 2,
    cpuRunMs: runMs,
    runQueueWaitMs: waitMs,
  };
  return { threads: [th], cpu: { userMs: 0, systemMs: 0, wallMs: 1000, utilisation: 0.3, cores: 2 }, maxInFlight: 2, samples: [], workers: 0 };
};
const gcReason = (h: ReturnType<typeof loadgenHealth>): string | undefined => h.reasons.find((r) => r.startsWith('GC pause'));

for (const pauseStarved of [true, false]) {
  test(`-j 2 in one process: a pause judged ${pauseStarved ? 'as waiting for a CPU' : 'our own work'} is called the same by both instances`, () => {
    // instance A's window: the thread waited for a CPU 60% of the time it had work; B's: 5%
    const a = loadgenHealth(recs, [stage], view(pauseStarved, 200, 300));
    const b = loadgenHealth(recs, [stage], view(pauseStarved, 400, 20));
    assert.ok(gcReason(a));
    assert.equal(gcReason(a), gcReason(b), 'one judgement of the shared pause');
    const blamesClient = (c: string): boolean => c === 'client' || c === 'client+machine';
    if (pauseStarved) {
      assert.equal(a.cause, 'machine');
      assert.equal(b.cause, 'machine', b.verdict);
      assert.match(gcReason(b)!, /inflated by waiting for a CPU/);
    } else {
      assert.ok(blamesClient(a.cause), a.verdict);
      assert.ok(blamesClient(b.cause), b.verdict);
    }
  });
}

test('-j 2 in one process: an event-loop stall judged once (our own work) makes both loads blame the client, whatever their windows', () => {
  const withStall = (h: LoadHealth, own: boolean): LoadHealth => ({
    ...h,
    threads: [{ ...h.threads[0]!, gc: { count: 0, totalMs: 0, maxMs: 0, p99Ms: 0, ownMaxMs: 0, starvedMaxMs: 0 }, eventLoopDelayMs: { mean: 2, p50: 0, p99: 30, max: 150 }, stalls: { count: 1, ownMaxMs: own ? 150 : 0, starvedMaxMs: own ? 0 : 150 } }],
  });
  for (const own of [true, false]) {
    const a = loadgenHealth(recs, [stage], withStall(view(false, 200, 300), own));
    const b = loadgenHealth(recs, [stage], withStall(view(false, 400, 20), own));
    if (own) {
      assert.ok(a.cause === 'client' || a.cause === 'client+machine', a.verdict);
      assert.ok(b.cause === 'client' || b.cause === 'client+machine', b.verdict);
    } else {
      assert.equal(a.cause, 'machine', a.verdict);
      assert.equal(b.cause, 'machine', b.verdict);
    }
  }
});
