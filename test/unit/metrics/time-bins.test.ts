import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { TimeBins } from '../../../src/metrics/time-bins.ts';

const rec = (id: number, sent: number, end: number, chunks: number[] = [], error = false): RequestRecord => ({
  id,
  stage: 0,
  worker: 0,
  api: 'completion',
  scheduledAtMs: sent,
  sentAtMs: sent,
  endAtMs: end,
  chunkTimesMs: chunks,
  chunkTokens: chunks.map(() => 1),
  ...(error ? { error: { label: 'http_5xx' as const, message: 'x' } } : { completionTokensServer: chunks.length }),
});

test('TimeBins: in flight is the exact time average; rates and tokens per bin; out-of-order records', () => {
  const b = new TimeBins(100, 100);
  // Sent at 1000 for 250 ms, at 1050 for 100 ms, and (added first) at 1200 for 300 ms with 3 chunks.
  b.add(rec(2, 1200, 1500, [1250, 1350, 1450]), 50);
  b.add(rec(0, 1000, 1250, [1100, 1200]), 100);
  b.add(rec(1, 1050, 1150, [], true));
  const bins = b.bins();
  assert.deepEqual(bins.map((x) => x.tS), [0, 0.1, 0.2, 0.3, 0.4, 0.5], 'the last end (1500) opens the bin [1500, 1600)');
  // In-flight integral over [1000,1100): req0 100 + req1 50 = 150 ms -> 1.5
  assert.deepEqual(bins.map((x) => +x.inFlight.toFixed(6)), [1.5, 1.5, 1.5, 1, 1, 0]);
  assert.deepEqual(bins.map((x) => x.requestsPerS), [20, 0, 10, 0, 0, 0]);
  assert.deepEqual(bins.map((x) => x.completionsPerS), [0, 10, 10, 0, 0, 10]);
  assert.deepEqual(bins.map((x) => x.failuresPerS), [0, 10, 0, 0, 0, 0]);
  assert.deepEqual(bins.map((x) => x.outputTokensPerS), [0, 10, 20, 10, 10, 0]);
  assert.equal(bins[0]!.ttftMeanMs, 100);
  assert.equal(bins[0]!.e2eMeanMs, 250, 'failed requests are not in the latency');
  assert.equal(bins[2]!.ttftMeanMs, 50);
});

test('TimeBins: coarsening and display re-binning keep every total', () => {
  const b = new TimeBins(50, 100);
  let busyMs = 0;
  let tokens = 0;
  for (let i = 0; i < 400; i++) {
    const s = i * 37;
    const e = s + 200 + (i % 7) * 90;
    const chunks = [s + 50, s + 120, e];
    b.add(rec(i, s, e, chunks));
    busyMs += e - s;
    tokens += chunks.length;
  }
  for (const bins of [b.bins(), b.bins(10, 0), b.bins(Infinity, 5000)]) {
    assert.ok(bins.length <= 50);
    const w = bins[0]!.widthS;
    const total = (f: (x: (typeof bins)[number]) => number): number => bins.reduce((t, x) => t + f(x) * w, 0);
    assert.ok(Math.abs(total((x) => x.requestsPerS) - 400) < 1e-9);
    assert.ok(Math.abs(total((x) => x.completionsPerS) - 400) < 1e-9);
    assert.ok(Math.abs(total((x) => x.outputTokensPerS) - tokens) < 1e-9);
    assert.ok(Math.abs(total((x) => x.inFlight) * 1000 - busyMs) < 1e-6, 'in-flight integral = total busy time');
  }
  assert.ok(b.bins(Infinity, 5000)[0]!.widthS >= 5);
});
