import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution, scaleDistribution } from '../../../src/metrics/distribution.ts';
import { goodput, parseSlo, sloFromInferencePerf, sloFromVllmBench } from '../../../src/metrics/slo.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';

test('distribution: numpy percentiles p0.1…p99.9, population std, scipy mode (smallest on ties)', () => {
  const d = distribution([3.5, -1, 2.25, 8, 8, 0.125, 100, 7, NaN])!;
  // numpy 2.4.6 on the finite values: np.percentile(v, [0.1, 25, 50, 99.9]), np.std(v)
  assert.equal(d.count, 8);
  assert.equal(d.percentiles[0.1], -0.992125);
  assert.equal(d.percentiles[25], 1.71875);
  assert.equal(d.percentiles[50], 5.25);
  assert.equal(d.percentiles[99.9], 99.35600000000002);
  assert.ok(Math.abs(d.stddev - 31.92046007632683) < 1e-12);
  assert.equal(d.mode, 8);
  assert.equal(distribution([2, 1, 2, 1])!.mode, 1);
  assert.equal(distribution([]), undefined);
  assert.equal(scaleDistribution(d, 1000)!.percentiles[50], 5250);
});

test('parseSlo: units, aliases, every problem listed', () => {
  assert.deepEqual(parseSlo('ttft=200ms,tpot=50ms').slo, { ttft: 200, tpot: 50 });
  assert.deepEqual(parseSlo('ttft:0.2s e2e=1500 itl=500us').slo, { ttft: 200, e2el: 1500, itl: 0.5 });
  const bad = parseSlo('ttft=fast,foo=1,tpot=0');
  assert.equal(bad.problems.length, 3);
  assert.deepEqual(sloFromInferencePerf({ ttft: 0.5, request_latency: 2 }), { ttft: 500, e2el: 2000 });
  assert.deepEqual(sloFromVllmBench(['ttft:200', 'tpot:50']).slo, { ttft: 200, tpot: 50 });
});

function rec(id: number, sent: number, ttft: number, gap: number, n: number, error = false): RequestRecord {
  const chunkTimesMs = Array.from({ length: n }, (_, i) => sent + ttft + i * gap);
  return {
    id,
    stage: 0,
    worker: 0,
    api: 'completion',
    scheduledAtMs: sent,
    sentAtMs: sent,
    chunkTimesMs,
    chunkTokens: chunkTimesMs.map(() => 1),
    endAtMs: chunkTimesMs[n - 1]! + 1,
    completionTokensServer: n,
    promptTokensServer: 10,
    ...(error ? { error: { label: 'http_5xx' as const, message: 'x' } } : {}),
  };
}

test('goodput: share of all requests and rate over the benchmark time; failures are never good', () => {
  const rs = [rec(0, 0, 100, 10, 11), rec(1, 100, 300, 10, 11), rec(2, 200, 100, 60, 11), rec(3, 300, 50, 10, 11, true)];
  // durations: max(end) = 200+100+600+1 = 901 ms → 0.901 s
  const g = goodput(rs, { ttft: 200, tpot: 50 });
  assert.equal(g.total, 4);
  assert.equal(g.good, 1); // #0 only: #1 TTFT 300, #2 TPOT 60, #3 failed
  assert.equal(g.share, 0.25);
  assert.ok(Math.abs(g.ratePerS - 1 / 0.901) < 1e-9);
  assert.deepEqual(g.attainment, { ttft: 2 / 3, tpot: 2 / 3 });
  assert.equal(goodput(rs, {}).good, 3, 'no SLO: every success is good');
  assert.equal(goodput(rs, { itl: 59 }).good, 2, 'ITL bounds the largest gap');
});

test('seed distributions from records agree with the seed summary and carry p0.1 … p99.9', async () => {
  const { seedDistributions } = await import('../../../src/metrics/seed-distributions.ts');
  const { seedMetrics } = await import('../../../src/metrics/seed.ts');
  const rs = Array.from({ length: 30 }, (_, i) => rec(i, i * 50, 20 + (i % 7) * 3, 5 + (i % 3), 4 + (i % 5)));
  rs.push(rec(99, 10, 10, 10, 5, true));
  const d = seedDistributions(rs);
  const s = seedMetrics(rs);
  for (const [k, sk] of [['ttftMs', 'ttftMs'], ['tpotMs', 'tpotMs'], ['requestLatencyMs', 'requestLatencyMs'], ['itlMs', 'itlMs'], ['ntpotMs', 'ntpotMs']] as const) {
    const a = d[k]!;
    const b = s[sk]!;
    assert.equal(a.count, b.count, k);
    for (const [p, q] of [[50, 'p50'], [90, 'p90'], [99, 'p99']] as const) assert.ok(Math.abs(a.percentiles[p]! - b[q]) < 1e-9, `${k} p${p}`);
    assert.ok(Math.abs(a.mean - b.mean) < 1e-9 && Math.abs(a.stddev - b.std) < 1e-9, k);
    assert.ok(a.percentiles[0.1]! <= a.percentiles[1]! && a.percentiles[99.9]! <= a.max);
  }
  assert.equal(d.outputTokens!.count, 30, 'successes only');
});
