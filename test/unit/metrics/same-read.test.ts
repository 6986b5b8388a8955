import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { sameReadGaps } from '../../../src/metrics/same-read.ts';
import { loadgenHealth } from '../../../src/metrics/health.ts';

const rec = (id: number, chunks: number[], sameRead: number | undefined, error = false): RequestRecord => ({
  id,
  stage: 0,
  worker: 0,
  api: 'completion',
  scheduledAtMs: 0,
  sentAtMs: 0,
  chunkTimesMs: chunks,
  chunkTokens: chunks.map(() => 1),
  endAtMs: 100,
  ...(sameRead !== undefined ? { sameReadChunks: sameRead } : {}),
  ...(error ? { error: { label: 'timeout' as const, message: 't' } } : {}),
});

test('same-read share: same-read content events over inter-chunk gaps of successful streamed records', () => {
  const records = [
    rec(0, [10, 10, 20, 30, 30, 30], 3), // 5 gaps, 3 of them in one read
    rec(1, [10, 20, 30], 0), // 2 gaps
    rec(2, [10], 0), // no gap
    rec(3, [10, 10, 10], 2, true), // a failure: not counted
    rec(4, [10, 10, 20], undefined), // not streamed by our client (no field): not counted
  ];
  assert.deepEqual(sameReadGaps(records), { gaps: 7, sameRead: 3, share: 3 / 7 });
  assert.deepEqual(sameReadGaps([rec(0, [5], 0)]), { gaps: 0, sameRead: 0, share: null });
});

test('load-generator health carries the same-read share', () => {
  const h = loadgenHealth([rec(0, [10, 10, 20], 1), rec(1, [30, 40], 0)], [], {
    threads: [],
    cpu: { userMs: 0, systemMs: 0, wallMs: 1000, utilisation: 0.1, cores: 2 },
    maxInFlight: 1,
    samples: [],
    workers: 0,
  });
  assert.deepEqual(h.sameReadGaps, { gaps: 3, sameRead: 1, share: 1 / 3 });
});
