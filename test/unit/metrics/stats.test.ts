import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarize, weightedSummary } from '../../../src/metrics/stats.ts';

const PS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];
// numpy 2.4.6: [float(np.percentile(v, p)) for p in PS], np.std(v), np.mean(v)
const CASES: [number[], number[], number, number][] = [
  [[1, 2, 3, 4, 10], [1.0, 1.04, 1.4, 2.0, 3.0, 4.0, 7.6000000000000005, 8.799999999999999, 9.76, 9.976000000000003, 10.0], 3.1622776601683795, 4.0],
  [[1, 2, 3, 4], [1.0, 1.03, 1.3, 1.75, 2.5, 3.25, 3.7, 3.8499999999999996, 3.9699999999999998, 3.9970000000000003, 4.0], 1.118033988749895, 2.5],
  [[5], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 0, 5],
  [[3.5, -1, 2.25, 8, 8, 0.125, 100, 7], [-1.0, -0.92125, -0.2124999999999999, 1.71875, 5.25, 8.0, 35.59999999999998, 67.79999999999995, 93.55999999999997, 99.35600000000002, 100.0], 31.92046007632683, 15.984375],
  [Array.from({ length: 37 }, (_, i) => 0.1 * i * i), [0.0, 0.036, 1.3200000000000003, 8.1, 32.4, 72.9, 105.0, 116.97999999999998, 127.044, 129.34440000000004, 129.6], 39.764054119267065, 43.8],
];

test('percentiles equal numpy default (linear, type 7) to the last bit', () => {
  for (const [v, want] of CASES) {
    PS.forEach((p, i) => assert.equal(percentile(v, p), want[i], `p${p} of ${v.slice(0, 6).join(',')}`));
  }
});

test('summary: mean, min, max, population std, p50/p90/p95/p99', () => {
  for (const [v, want, std, mean] of CASES) {
    const s = summarize(v)!;
    assert.equal(s.count, v.length);
    assert.ok(Math.abs(s.mean - mean) < 1e-12 * Math.max(1, Math.abs(mean)));
    assert.ok(Math.abs(s.std - std) < 1e-9 * Math.max(1, std), `std ${s.std} vs ${std}`);
    assert.equal(s.min, Math.min(...v));
    assert.equal(s.max, Math.max(...v));
    assert.equal(s.p50, want[4]);
    assert.equal(s.p90, want[6]);
    assert.equal(s.p95, want[7]);
    assert.equal(s.p99, want[8]);
  }
  assert.equal(summarize([]), undefined);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('weighted nearest-rank distribution (GuideLLM)', () => {
  const s = weightedSummary([10, 20, 30, 40], [1, 1, 1, 1]);
  assert.equal(s.p50, 20);
  assert.equal(s.p90, 40);
  assert.equal(s.mean, 25);
  const w = weightedSummary([1, 100], [99, 1]);
  assert.equal(w.count, 100);
  assert.equal(w.p50, 1);
  assert.equal(w.p99, 1);
  assert.equal(w.max, 100);
  assert.ok(Math.abs(w.mean - 1.99) < 1e-12);
  assert.deepEqual(weightedSummary([]), { count: 0, mean: 0, median: 0, min: 0, max: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0 });
});
