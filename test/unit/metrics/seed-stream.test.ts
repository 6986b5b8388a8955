import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { seedMetrics } from '../../../src/metrics/seed.ts';
import { SeedAccumulator } from '../../../src/metrics/seed-stream.ts';
import { createRng } from '../../../src/util/rng.ts';

/** Random streamed records (some failed, some single-chunk, some without usage). */
export function randomRecords(n: number, seed: number): RequestRecord[] {
  const rng = createRng(seed);
  const rnd = (): number => rng.float();
  const out: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const sent = i * 7 + rnd() * 50;
    const k = Math.floor(rnd() * 8);
    const times: number[] = [];
    let t = sent + 20 + rnd() * 200;
    for (let j = 0; j < k; j++) times.push((t += rnd() * 30));
    const failed = rnd() < 0.1;
    out.push({
      id: i, stage: 0, worker: 0, api: 'completion', scheduledAtMs: sent - rnd() * 3, sentAtMs: sent, chunkTimesMs: failed ? [] : times, chunkTokens: times.map(() => 1),
      endAtMs: (times[times.length - 1] ?? sent + 10) + rnd() * 5, promptTokensServer: 100 + Math.floor(rnd() * 50),
      ...(rnd() < 0.8 ? { completionTokensServer: k } : {}),
      ...(failed ? { error: { label: 'http_5xx' as const, message: 'x' } } : {}),
    });
  }
  return out;
}

test('SeedAccumulator gives exactly seedMetrics of the same records', () => {
  for (const seed of [1, 2, 3]) {
    const recs = randomRecords(500, seed);
    const acc = new SeedAccumulator();
    for (const r of recs) acc.add(r);
    assert.deepEqual(acc.result(), seedMetrics(recs));
  }
});
