import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadHealth, StageRun } from '../../../src/engine/loadgen/types.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { loadgenHealth } from '../../../src/metrics/health.ts';

const thread = (p99: number, gcMax = 1) => ({
  thread: 'main',
  wallMs: 1000,
  eventLoopDelayMs: { mean: 0, p50: 0, p99, max: p99 },
  gc: { count: 1, totalMs: gcMax, maxMs: gcMax, p99Ms: gcMax },
  maxInFlight: 2,
});
const health = (p99: number, cpu: number, gcMax = 1): LoadHealth => ({
  threads: [thread(p99, gcMax)],
  cpu: { userMs: 0, systemMs: 0, wallMs: 1000, utilisation: cpu, cores: 2 },
  maxInFlight: 2,
  samples: [],
  workers: 0,
});
// 11 requests at 10 req/s (100 ms apart), each 50 ms long; lag 0.5 ms except one.
const recs = (lagMs: (i: number) => number): RequestRecord[] =>
  Array.from({ length: 11 }, (_, i) => ({ id: i, stage: 0, worker: 0, api: 'completion', scheduledAtMs: i * 100, sentAtMs: i * 100 + lagMs(i), chunkTimesMs: [], chunkTokens: [], endAtMs: i * 100 + 50 }));
const stage: StageRun = { stage: 0, kind: 'open', startMs: 0, endMs: 1100, planned: 11, submitted: 11, completed: 11, dropped: 0, requestedRate: 10 };

test('healthy run: achieved rate, lag percentiles, max in flight, no bottleneck', () => {
  const h = loadgenHealth(recs(() => 0.5), [stage], health(2, 0.2));
  const s = h.stages[0]!;
  assert.ok(Math.abs(s.achievedRate - 11) < 1e-9); // 11 requests over 1 s of sends
  assert.equal(s.scheduleLagMs!.p50, 0.5);
  assert.equal(s.lateOver1Ms, 0);
  assert.equal(s.maxInFlight, 1);
  assert.equal(h.clientBottleneck, false);
  assert.deepEqual(h.reasons, []);
});

test('bottleneck verdict with reasons: lag, event loop, CPU, GC', () => {
  const h = loadgenHealth(recs((i) => (i === 10 ? 400 : 0.5)), [stage], health(35, 0.97, 80));
  assert.equal(h.clientBottleneck, true);
  const text = h.reasons.join('\n');
  assert.match(text, /schedule lag p99/);
  assert.match(text, /event-loop delay p99 35\.0 ms/);
  assert.match(text, /client CPU 97%/);
  assert.match(text, /GC pause 80\.0 ms/);
  assert.equal(h.stages[0]!.lateOver10Ms, 1);
});

test('achieved rate far below requested is a reason', () => {
  // Scheduled at 10 req/s (100 ms apart) as requested, sent progressively later (the last 1 s late).
  const h = loadgenHealth(recs((i) => i * 100), [stage], health(1, 0.1));
  assert.match(h.reasons.join(), /achieved 5\.50 req\/s < 95% of requested 10/);
  // Requested 50 but the schedule itself asked for 11 req/s and it was met: not the client's doing.
  assert.doesNotMatch(loadgenHealth(recs(() => 0), [{ ...stage, requestedRate: 50 }], health(1, 0.1)).reasons.join(), /achieved/);
});

test('a starved client (threads waiting for a CPU) is a reason', () => {
  const h0 = health(1, 0.1);
  const h = loadgenHealth(recs(() => 0), [stage], { ...h0, threads: [{ ...h0.threads[0]!, runQueueWaitMs: 400 }] });
  assert.ok(Math.abs(h.runQueueWaitFraction! - 0.4) < 1e-12);
  assert.match(h.reasons.join(), /waited for a CPU 40% of the run/);
  assert.equal(loadgenHealth(recs(() => 0), [stage], { ...h0, threads: [{ ...h0.threads[0]!, runQueueWaitMs: 50 }] }).clientBottleneck, false);
});

const withSched = (h: LoadHealth, runMs: number, waitMs: number): LoadHealth => ({ ...h, threads: [{ ...h.threads[0]!, cpuRunMs: runMs, runQueueWaitMs: waitMs }] });

test('verdict: a healthy run has cause none and no verdict text', () => {
  const h = loadgenHealth(recs(() => 0.5), [stage], withSched(health(2, 0.05), 50, 2));
  assert.equal(h.clientBottleneck, false);
  assert.equal(h.cause, 'none');
  assert.equal(h.verdict, '');
  assert.ok(Math.abs(h.runQueueWaitShare! - 2 / 52) < 1e-12);
});

test('verdict: lag with client threads waiting for a CPU (low own CPU) is the machine, not our client', () => {
  // 60 ms of CPU, 90 ms waiting for one (60% of the time it had work; 9% of the wall time).
  const h = loadgenHealth(recs((i) => (i === 10 ? 64 : 0.5)), [stage], withSched(health(35, 0.06), 60, 90));
  assert.equal(h.clientBottleneck, true);
  assert.equal(h.cause, 'machine');
  assert.match(h.verdict, /short of CPU, not because of its own work/);
  assert.match(h.verdict, /waited for a CPU 60% of the time they had work/);
  assert.doesNotMatch(h.verdict, /itself was the bottleneck/);
});

test('verdict: a busy client (CPU or GC) on an uncontended machine is our client', () => {
  const h = loadgenHealth(recs((i) => (i === 10 ? 64 : 0.5)), [stage], withSched(health(35, 0.97), 970, 5));
  assert.equal(h.cause, 'client');
  assert.match(h.verdict, /itself was the bottleneck \(our client was busy/);
  const g = loadgenHealth(recs(() => 0.5), [stage], withSched(health(2, 0.2, 80), 200, 5));
  assert.equal(g.cause, 'client');
  const both = loadgenHealth(recs((i) => (i === 10 ? 64 : 0.5)), [stage], withSched(health(35, 0.97), 600, 400));
  assert.equal(both.cause, 'client+machine');
});

test('verdict: symptoms without evidence of either cause say so', () => {
  const h = loadgenHealth(recs((i) => (i === 10 ? 64 : 0.5)), [stage], withSched(health(2, 0.05), 50, 1));
  assert.equal(h.cause, 'unknown');
  assert.match(h.verdict, /cause unclear/);
});

test('verdict: a starved share alone, with timings on time, is not flagged', () => {
  const h = loadgenHealth(recs(() => 0.5), [stage], withSched(health(2, 0.05), 40, 40));
  assert.equal(h.clientBottleneck, false);
  assert.equal(h.cause, 'none');
});

test('verdict: a long GC pause on a starved machine with little CPU of ours is not our client', () => {
  const h = loadgenHealth(recs(() => 0.5), [stage], withSched(health(16, 0.03, 51), 30, 200));
  assert.equal(h.cause, 'machine');
  assert.match(h.reasons.join(), /GC pause 51\.0 ms > 50 ms \(wall time, inflated by waiting for a CPU\)/);
});

test('achieved rate is judged against the schedule: a poisson draw below the requested rate, sent on time, is not flagged', () => {
  // Requested 10 req/s, but the random schedule put 11 arrivals over 1.5 s (7.3 req/s); all sent on time.
  const sched = (i: number): number => i * 150;
  const on = Array.from({ length: 11 }, (_, i) => ({ id: i, stage: 0, worker: 0, api: 'completion' as const, scheduledAtMs: sched(i), sentAtMs: sched(i) + 0.3, chunkTimesMs: [], chunkTokens: [], endAtMs: sched(i) + 50 }));
  const h = loadgenHealth(on, [stage], health(1, 0.1));
  assert.ok(Math.abs(h.stages[0]!.scheduledRate! - 11 / 1.5) < 1e-9);
  assert.equal(h.clientBottleneck, false, h.reasons.join());
  // Sent late and spread out (the last 700 ms late): below 95% of what the schedule asked for.
  const late = on.map((r, i) => ({ ...r, sentAtMs: r.scheduledAtMs + i * 70 }));
  const h2 = loadgenHealth(late, [stage], health(1, 0.1));
  assert.match(h2.reasons.join(), /achieved 5\.00 req\/s < 95% of the schedule's 7\.33 \(requested 10\)/);
});
