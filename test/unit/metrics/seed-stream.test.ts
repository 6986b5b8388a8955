import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { seedMetrics } from '../../../src/metrics/seed.ts';
import { SeedAccumulator } from '../../../src/metrics/seed-stream.ts';
import { summarizeBySelection } from '../../../src/metrics/select.ts';
import { summarize } from '../../../src/metrics/stats.ts';
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

/** Same keys, numbers equal to 1e-12 relative (means are summed in arrival order, not sorted order). */
function close(a: unknown, b: unknown, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)), `${path}: ${a} vs ${b}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), path);
    for (const k of Object.keys(a)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.equal(a, b, path);
}

test('SeedAccumulator gives seedMetrics of the same records (percentiles exactly)', () => {
  for (const seed of [1, 2, 3]) {
    const recs = randomRecords(seed === 3 ? 5000 : 500, seed);
    const acc = new SeedAccumulator();
    for (const r of recs) acc.add(r);
    const got = acc.result();
    const want = seedMetrics(recs);
    close(got, want);
    for (const k of ['ttftMs', 'tpotMs', 'itlMs', 'requestLatencyMs', 'ntpotMs'] as const) {
      for (const p of ['p50', 'p90', 'p95', 'p99', 'min', 'max'] as const) assert.equal(got[k]![p], want[k]![p], `${k}.${p} exact`);
    }
  }
});

test('summarizeBySelection: percentiles equal the sorted ones, with ties and small sizes', () => {
  const rng = createRng(9);
  for (const n of [1, 2, 3, 4, 5, 10, 101, 1000]) {
    for (const ties of [false, true]) {
      const v = Array.from({ length: n }, () => (ties ? Math.floor(rng.float() * 4) : rng.float()));
      const got = summarizeBySelection(Float64Array.from(v))!;
      const want = summarize(v)!;
      for (const p of ['p50', 'p90', 'p95', 'p99', 'min', 'max'] as const) assert.equal(got[p], want[p], `n=${n} ties=${ties} ${p}`);
    }
  }
});
