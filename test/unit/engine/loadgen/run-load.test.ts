import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxConcurrent, runLoad } from '../../../../src/engine/loadgen/index.ts';
import { collectGarbageNow } from '../../../../src/engine/loadgen/gc.ts';
import { loadgenHealth } from '../../../../src/metrics/health.ts';
import { readRecords } from '../../../../src/engine/record/reader.ts';
import type { RequestRecord, RequestSpec, StagePlan } from '../../../../src/engine/types.ts';
import { startTruthServer, type TruthServer } from '../../../helpers/truth-server.ts';

let server: TruthServer;
before(async () => {
  server = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 3 });
});
after(() => server.close());

const spec = (over: Partial<RequestSpec> = {}, truth?: object): RequestSpec => ({
  api: 'completion',
  prompt: 'a b c',
  maxTokens: 8,
  stream: true,
  ...(truth ? { headers: { 'x-truth': JSON.stringify(truth) } } : {}),
  ...over,
});
const open = (stage: number, n: number, gapMs: number): StagePlan => ({
  kind: 'open',
  stage,
  offsetsMs: Float64Array.from({ length: n }, (_, i) => i * gapMs),
  requestedRate: 1000 / gapMs,
  durationMs: n * gapMs,
});
const sorted = (a: number[]): number[] => a.slice().sort((x, y) => x - y);
const median = (a: number[]): number => sorted(a)[a.length >> 1]!;

test('open loop: every request sent at or after its absolute deadline; no drift after a stall; lateness recorded', { timeout: 20_000 }, async () => {
  let stalled = false;
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [open(0, 60, 10)],
    leadMs: 50,
    source: { next: () => spec() },
    onRecord: (rec) => {
      if (!stalled && rec.id === 10) {
        stalled = true;
        const until = performance.now() + 150;
        while (performance.now() < until); // block the event loop for 150 ms
      }
    },
  });
  assert.equal(r.records.length, 60);
  const st = r.stages[0]!;
  const byId = new Map(r.records.map((x) => [x.id, x]));
  for (let i = 0; i < 60; i++) {
    const x = byId.get(i)!;
    assert.equal(x.error, undefined);
    assert.equal(x.scheduledAtMs, st.startMs + i * 10, 'scheduled = stage start + offset, exactly');
    assert.ok(x.sentAtMs >= x.scheduledAtMs, `request ${i} sent early`);
  }
  const lags = r.records.map((x) => x.sentAtMs - x.scheduledAtMs);
  assert.ok(Math.max(...lags) > 100, 'the stall shows up as schedule lag');
  // After the stall the schedule catches up: the last requests are back near their deadlines.
  // A drifting loop would carry the whole 150 ms into them; half of it is the bound, so a CPU-starved
  // CI box (timers late by tens of ms) does not fail the test but drift still does.
  const tail = r.records.filter((x) => x.id >= 50).map((x) => x.sentAtMs - x.scheduledAtMs);
  assert.ok(median(tail) < 75, `tail lag ${median(tail)} (all: median ${median(lags)})`);
});

test('closed loop keeps exactly N requests in flight', { timeout: 20_000 }, async () => {
  const s = await startTruthServer({ ttftMs: 15, itlMs: 3, chunks: 5 });
  try {
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 5, maxRequests: 60 }],
      leadMs: 10,
      source: { next: () => spec() },
    });
    assert.equal(r.records.length, 60);
    assert.equal(r.health.maxInFlight, 5);
    assert.equal(s.maxActive(), 5);
    // Sample the occupied slots at each send in the steady part of the run: a request holds its
    // slot from its send until the send of the request that refills it (scheduled = its end).
    // Completions are handed over after the I/O phase that read them (client/handoff.ts), so when
    // several streams end in one phase their slots are refilled a few µs after the last of them.
    const recs = r.records;
    const refilledAt = new Map(recs.map((y) => [y.scheduledAtMs, y.sentAtMs]));
    const counts: number[] = [];
    const lastStart = Math.max(...recs.map((x) => x.sentAtMs));
    for (const x of recs) {
      const t = x.sentAtMs + 0.01;
      if (t > lastStart - 30) continue;
      counts.push(recs.filter((y) => y.sentAtMs <= t && (t < y.endAtMs || (refilledAt.get(y.endAtMs) ?? Infinity) > t)).length);
    }
    assert.ok(counts.length > 20);
    assert.equal(Math.max(...counts), 5);
    assert.ok(counts.filter((c) => c === 5).length >= counts.length * 0.8, `counts ${counts.join(',')}`);
    // A freed slot is refilled at once: scheduled = the previous request's end.
    const ends = new Set(recs.map((x) => x.endAtMs));
    assert.ok(recs.filter((x) => ends.has(x.scheduledAtMs)).length >= 55);
    // ... and sent right after the handover (the slots above count a slot waiting for it as held).
    const refill = recs.filter((x) => ends.has(x.scheduledAtMs)).map((x) => x.sentAtMs - x.scheduledAtMs);
    assert.ok(median(refill) < 5, `refill lag median ${median(refill)} ms`);
  } finally {
    await s.close();
  }
});

test('closed loop with a duration stops, and unsent queued jobs are dropped, not recorded', { timeout: 20_000 }, async () => {
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [{ kind: 'closed', stage: 0, concurrency: 3, durationMs: 300 }],
    leadMs: 10,
    source: { next: () => spec() },
  });
  const st = r.stages[0]!;
  assert.ok(r.records.length > 10);
  assert.equal(st.completed, r.records.length);
  assert.equal(st.submitted, st.completed + st.dropped);
  assert.ok(Math.max(...r.records.map((x) => x.sentAtMs)) <= st.startMs + 300 + 5);
});

test('stages run in order with the interval between them; async source; progress', { timeout: 20_000 }, async () => {
  const progress: number[] = [];
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [open(0, 10, 5), { kind: 'closed', stage: 1, concurrency: 2, maxRequests: 6 }],
    intervalMs: 150,
    leadMs: 20,
    progressIntervalMs: 50,
    onProgress: (p) => progress.push(p.completed),
    source: { next: async (i) => spec({ prompt: `p ${i}` }) },
  });
  assert.deepEqual(r.stages.map((s) => s.completed), [10, 6]);
  assert.ok(r.stages[1]!.startMs - r.stages[0]!.endMs >= 150 + 20 - 1);
  assert.ok(r.records.filter((x) => x.stage === 1).every((x) => x.sentAtMs > r.stages[0]!.endMs));
  assert.ok(progress.length >= 3);
  assert.equal(progress[progress.length - 1], 16);
  assert.deepEqual(sorted(r.records.map((x) => x.id)), Array.from({ length: 16 }, (_, i) => i));
});

test('faults are data: a mixed run records every failure class and carries on', { timeout: 20_000 }, async () => {
  const faults = [undefined, { kind: 'status', status: 429 }, { kind: 'status', status: 500 }, { kind: 'reset', afterChunks: 1 }, { kind: 'malformed_sse' }, { kind: 'stall', afterChunks: 1 }];
  let failed = 0;
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm', requestTimeoutMs: 200 },
    stages: [open(0, 24, 5)],
    leadMs: 10,
    source: { next: (i) => spec({}, faults[i % faults.length] ? { fault: faults[i % faults.length] } : undefined) },
    onProgress: (p) => (failed = p.failed),
  });
  assert.equal(r.records.length, 24);
  const labels = r.records.map((x) => x.error?.label ?? 'ok');
  const count = (l: string): number => labels.filter((x) => x === l).length;
  assert.equal(count('ok'), 4);
  for (const l of ['http_429', 'http_5xx', 'connection_reset', 'malformed_sse', 'timeout']) assert.equal(count(l), 4, l);
  assert.equal(failed, 20);
});

test('abort mid-run: dispatch stops, finished records kept (and on disk), in-flight aborted after the grace period', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-'));
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 400);
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [open(0, 100, 20), open(1, 10, 10)],
    leadMs: 10,
    signal: ac.signal,
    graceMs: 100,
    recordsPath: join(dir, 'records.jsonl'),
    source: { next: (i) => spec({}, i % 2 ? { itlMs: 200, chunks: 10 } : undefined) },
  });
  assert.equal(r.aborted, true);
  assert.equal(r.stages.length, 1);
  const ok = r.records.filter((x) => !x.error);
  const aborted = r.records.filter((x) => x.error?.label === 'aborted');
  assert.ok(ok.length >= 5, `ok ${ok.length}`);
  assert.ok(aborted.length >= 3, `aborted ${aborted.length}`);
  assert.equal(ok.length + aborted.length, r.records.length);
  assert.ok(r.records.length < 40);
  const onDisk = await readRecords(join(dir, 'records.jsonl'));
  assert.equal(onDisk.length, r.records.length);
});

test('sessions: turns of one session never overlap; onResponse sees each answer before the next turn', { timeout: 20_000 }, async () => {
  const seen: number[] = [];
  const turnsDone = new Map<string, number>();
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [{ kind: 'closed', stage: 0, concurrency: 4, maxRequests: 12 }],
    leadMs: 10,
    source: {
      next: (i) => spec({ sessionKey: `s${i % 2}`, tags: { turn: Math.floor(i / 2) } }),
      onResponse: (s, rec) => {
        seen.push(rec.id);
        turnsDone.set(s.sessionKey!, (turnsDone.get(s.sessionKey!) ?? 0) + 1);
        assert.ok(rec.outputText !== undefined, 'session requests keep their text');
      },
    },
  });
  assert.equal(seen.length, 12);
  for (const key of [0, 1]) {
    const recs = r.records.filter((x) => x.id % 2 === key).sort((a, b) => a.sentAtMs - b.sentAtMs);
    for (let i = 1; i < recs.length; i++) assert.ok(recs[i]!.sentAtMs >= recs[i - 1]!.endAtMs, 'overlap within a session');
  }
  assert.equal(r.health.maxInFlight, 2);
});

test('worker threads: deterministic share of the schedule, records come back, health per thread', { timeout: 20_000 }, async () => {
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [open(0, 40, 5), { kind: 'closed', stage: 1, concurrency: 4, maxRequests: 20 }],
    leadMs: 50,
    workers: 2,
    source: { next: () => spec() },
  });
  assert.equal(r.records.length, 60);
  assert.ok(r.records.every((x: RequestRecord) => !x.error));
  for (const x of r.records.filter((y) => y.stage === 0)) assert.equal(x.worker, x.id % 2);
  assert.deepEqual(r.health.threads.map((t) => t.thread), ['main', 'worker-0', 'worker-1']);
  assert.equal(r.health.workers, 2);
  assert.ok(r.health.maxInFlight <= 40);
  const st1 = r.records.filter((x) => x.stage === 1);
  assert.ok(new Set(st1.map((x) => x.worker)).size === 2);
});

test('an invalid plan is rejected before anything is sent', { timeout: 20_000 }, async () => {
  await assert.rejects(
    runLoad({ keepRecords: true, client: { baseUrl: server.url, model: 'm' }, stages: [{ kind: 'closed', stage: 0, concurrency: 2 }], source: { next: () => spec() } }),
    /invalid load plan/,
  );
});

test('a finite source: null ends a closed stage early and leaves an open-loop slot empty', { timeout: 20_000 }, async () => {
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [{ kind: 'closed', stage: 0, concurrency: 3, maxRequests: 100 }, open(1, 10, 5)],
    leadMs: 10,
    source: { next: async (i, stage) => (stage === 0 ? (i < 7 ? spec() : null) : i % 2 ? null : spec()) },
  });
  assert.equal(r.stages[0]!.completed, 7);
  assert.equal(r.stages[1]!.completed, 5);
  assert.equal(r.records.length, 12);
});

test('sessions continue across stages: turns prefetched by a stopped closed stage are given back', { timeout: 20_000 }, async () => {
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [{ kind: 'closed', stage: 0, concurrency: 3, durationMs: 100 }, { kind: 'closed', stage: 1, concurrency: 2, maxRequests: 4 }],
    leadMs: 10,
    prefetch: 16,
    source: { next: async (i) => spec({ sessionKey: `s${i % 3}` }) },
  });
  assert.ok(r.stages[0]!.completed >= 3);
  assert.equal(r.stages[1]!.completed, 4);
});

test('open loop with maxInFlight: never more in flight; the wait shows as schedule lag, not latency', { timeout: 20_000 }, async () => {
  const s = await startTruthServer({ ttftMs: 20, itlMs: 5, chunks: 4 });
  try {
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.url, model: 'm' },
      stages: [open(0, 30, 2)],
      leadMs: 10,
      maxInFlight: 3,
      source: { next: () => spec() },
    });
    assert.equal(r.records.length, 30);
    assert.equal(r.health.maxInFlight, 3);
    assert.equal(s.maxActive(), 3);
    const lags = r.records.map((x) => x.sentAtMs - x.scheduledAtMs);
    assert.ok(Math.max(...lags) > 100, 'queued requests are late');
    // Latency is measured from the actual send, so it stays near the server's ~35 ms.
    const lat = r.records.map((x) => x.endAtMs - x.sentAtMs);
    assert.ok(median(lat) < 80, `median latency ${median(lat)}`);
    assert.ok(r.records.every((x) => x.sentAtMs - x.dispatchedAtMs! < 20), 'no hidden pool queueing');
  } finally {
    await s.close();
  }
});

test('abort with worker threads: finished records kept, in-flight aborted after the grace period', { timeout: 20_000 }, async () => {
  const ac = new AbortController();
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: server.url, model: 'm' },
    stages: [{ kind: 'closed', stage: 0, concurrency: 4, durationMs: 10_000 }],
    leadMs: 10,
    workers: 2,
    signal: ac.signal,
    onStageStart: () => void setTimeout(() => ac.abort(), 500),
    graceMs: 50,
    source: { next: (i) => spec({}, i % 4 === 3 ? { itlMs: 500, chunks: 10 } : undefined) },
  });
  assert.equal(r.aborted, true);
  const st = r.stages[0]!;
  assert.equal(st.submitted, st.completed + st.dropped);
  assert.ok(r.records.filter((x) => !x.error).length >= 5);
  assert.ok(r.records.some((x) => x.error?.label === 'aborted'));
  assert.ok(r.endMs - r.stages[0]!.startMs < 5000);
});

test('maxInFlight caps open stages only: a closed stage above the cap still gets a connection per slot (no pool queueing)', { timeout: 20_000 }, async () => {
  const s = await startTruthServer({ ttftMs: 60, itlMs: 3, chunks: 3 });
  try {
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.url, model: 'm' },
      stages: [
        { kind: 'open', stage: 0, offsetsMs: Float64Array.from([0, 1, 2, 3, 4, 5]), requestedRate: 1000, durationMs: 5 },
        { kind: 'closed', stage: 1, concurrency: 4, maxRequests: 8 },
      ],
      maxInFlight: 2,
      leadMs: 10,
      source: { next: () => spec() },
    });
    assert.equal(r.records.length, 14);
    const open = r.records.filter((x) => x.stage === 0);
    // Open stage: 2 at a time; the rest waited for a slot (schedule lag), not inside the pool.
    assert.equal(Math.max(...open.map((x) => x.sentAtMs - x.scheduledAtMs)) > 60, true);
    const closed = r.records.filter((x) => x.stage === 1);
    // Closed stage: 4 at once at the server, and nobody waited for a socket (sent − dispatched small).
    assert.equal(s.maxActive(), 4);
    const waits = closed.filter((x) => x.dispatchedAtMs !== undefined).map((x) => x.sentAtMs - x.dispatchedAtMs!);
    assert.ok(median(waits) < 30, `socket waits ${waits.map((w) => w.toFixed(1)).join(',')}`);
    const ttfts = closed.map((x) => x.chunkTimesMs[0]! - x.sentAtMs);
    assert.ok(Math.max(...ttfts) < 60 + 45, `closed TTFT ${ttfts.map((w) => w.toFixed(1)).join(',')}`);
  } finally {
    await s.close();
  }
});

for (const workers of [0, 2]) {
  test(`cancelSignal (second Ctrl-C) cuts the grace period short, workers ${workers}: in-flight requests aborted now, with the reason`, { timeout: 20_000 }, async () => {
    const stop = new AbortController();
    const cancel = new AbortController();
    const t0 = { ms: 0 };
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 4, durationMs: 10_000 }],
      leadMs: 10,
      workers,
      signal: stop.signal,
      cancelSignal: cancel.signal,
      graceMs: 10_000,
      onStageStart: () =>
        void setTimeout(() => {
          stop.abort();
          setTimeout(() => {
            t0.ms = performance.now();
            cancel.abort();
          }, 200);
        }, 300),
      // Slow streams (~5 s): still in flight when the signals land.
      source: { next: () => spec({}, { itlMs: 500, chunks: 10 }) },
    });
    const took = performance.now() - t0.ms;
    assert.equal(r.aborted, true);
    assert.ok(took < 3000, `returned ${took.toFixed(0)} ms after cancel (grace was 10 s)`);
    const aborted = r.records.filter((x) => x.error?.label === 'aborted');
    assert.ok(aborted.length >= 1);
    assert.ok(aborted.every((x) => /second interrupt/.test(x.error!.message)), aborted.map((x) => x.error!.message).join('; '));
  });
}

test('by default no finished record is kept: the result holds numeric columns only, and the health they give equals the records\'', { timeout: 20_000 }, async () => {
  const seen: RequestRecord[] = [];
  const refs: WeakRef<RequestRecord>[] = [];
  const times: [number, number][] = [];
  const plan: StagePlan[] = [open(0, 40, 2), { kind: 'closed', stage: 1, concurrency: 5, maxRequests: 100 }];
  const r = await runLoad({
    client: { baseUrl: server.url, model: 'm' },
    stages: plan,
    leadMs: 10,
    source: { next: () => spec() },
    onRecord: (rec) => {
      if (rec.stage === 0) seen.push(rec);
      else {
        refs.push(new WeakRef(rec));
        times.push([rec.sentAtMs, rec.endAtMs]);
      }
    },
  });
  assert.equal(r.records.length, 0);
  assert.equal(r.columns.count, 140);
  assert.equal(refs.length, 100);
  // Stage 1's records were referenced only by the engine while in flight: once collected, at most
  // one per connection survives (the h1 transport's last request on each idle connection), never
  // one per finished request.
  const ms = collectGarbageNow();
  if (ms !== undefined) {
    await new Promise((res) => setImmediate(res));
    collectGarbageNow();
    const alive = refs.filter((w) => w.deref() !== undefined).length;
    assert.ok(alive <= 5, `${alive} of 100 records kept after they finished`);
  }
  // Stage 0: the columns hold exactly the records' times, so health reads the same from either.
  const c = r.columns.stage(0)!;
  assert.deepEqual([...c.sentAtMs.view()], seen.map((x) => x.sentAtMs));
  assert.deepEqual([...c.endAtMs.view()], seen.map((x) => x.endAtMs));
  assert.deepEqual([...c.scheduledAtMs.view()], seen.map((x) => x.scheduledAtMs));
  const fromRecords = loadgenHealth(seen, [r.stages[0]!], r.health);
  const fromColumns = loadgenHealth(r.columns, [r.stages[0]!], r.health);
  assert.deepEqual(fromColumns.stages, fromRecords.stages);
  // The peak in flight, from the columns, is the exact sweep over every record's [sent, end).
  const all = [...seen, ...times.map(([sentAtMs, endAtMs]) => ({ ...seen[0]!, sentAtMs, endAtMs }))];
  assert.equal(r.health.maxInFlight, maxConcurrent(all));
  assert.ok(r.health.maxInFlight >= 5);
});

test('a saturated closed loop does not keep the requests it sent: their specs are collected while the stage runs', { timeout: 30_000 }, async () => {
  const fast = await startTruthServer({ ttftMs: 0, itlMs: 0, chunks: 1 });
  try {
    const refs: WeakRef<RequestSpec>[] = [];
    let alive = -1;
    let done = 0;
    await runLoad({
      client: { baseUrl: fast.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 4, maxRequests: 3000 }],
      leadMs: 10,
      source: {
        next: (i) => {
          const s = spec();
          if (i < 200) refs.push(new WeakRef(s));
          return s;
        },
      },
      onRecord: () => {
        // Well past the first 200 (the executor's queue never runs dry in a saturated closed loop).
        if (++done !== 2800 || collectGarbageNow() === undefined) return;
        collectGarbageNow();
        alive = refs.filter((w) => w.deref() !== undefined).length;
      },
    });
    assert.equal(refs.length, 200);
    if (alive >= 0) assert.equal(alive, 0, `${alive} of the first 200 requests' specs still reachable 2,600 requests later`);
  } finally {
    await fast.close();
  }
});
