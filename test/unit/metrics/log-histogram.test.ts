import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogHistogram } from '../../../src/metrics/log-histogram.ts';
import { summarize } from '../../../src/metrics/stats.ts';

/** A seeded lognormal-ish sample (mulberry32), so the test is deterministic. */
function sample(n: number, seed = 7): number[] {
  let a = seed;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => Math.exp(3 + 0.8 * Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd())));
}

test('LogHistogram: quantiles within 1 % of the exact percentiles, count/mean/min/max exact', () => {
  const xs = sample(20000);
  const h = new LogHistogram();
  for (const x of xs) h.add(x);
  const s = summarize(xs)!;
  assert.equal(h.count, xs.length);
  assert.ok(Math.abs(h.mean - s.mean) < 1e-9 * s.mean);
  assert.equal(h.min, s.min);
  assert.equal(h.max, s.max);
  for (const [q, exact] of [[0.5, s.p50], [0.9, s.p90], [0.99, s.p99]] as const) {
    const rel = Math.abs(h.quantile(q) - exact) / exact;
    assert.ok(rel < 0.011, `p${q * 100}: ${h.quantile(q)} vs ${exact} (${(rel * 100).toFixed(2)} %)`);
  }
});

test('LogHistogram: CDF ascends to exactly 1; linear bins keep every value; zero and negatives', () => {
  const h = new LogHistogram();
  for (const x of [0, 0, 1, 2, 3, 100, -5, NaN]) h.add(x);
  assert.equal(h.count, 6, 'negatives and NaN are not latencies');
  const cdf = h.cdf();
  for (let i = 1; i < cdf.length; i++) assert.ok(cdf[i]![0] > cdf[i - 1]![0] && cdf[i]![1] > cdf[i - 1]![1]);
  assert.equal(cdf.at(-1)![1], 1);
  assert.equal(cdf.at(-1)![0], 100);
  assert.equal(cdf[0]![1], 2 / 6, 'the two zeros');
  const bins = h.linearBins(10, 10);
  assert.equal(bins.reduce((t, b) => t + b[2], 0), 6);
  assert.equal(bins.at(-1)![2], 1, 'the tail above the upper bound lands in the last bin');
  assert.ok(h.quantile(0.5) >= 1 && h.quantile(0.5) <= 1.0101);
  assert.ok(Number.isNaN(new LogHistogram().quantile(0.5)));
});

test('LogHistogram.merge: the same buckets, counts, min, max and quantiles as adding every value to one histogram', () => {
  const one = new LogHistogram();
  const parts = [new LogHistogram(), new LogHistogram(), new LogHistogram()];
  let x = 7;
  for (let i = 0; i < 3000; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const v = i % 50 === 0 ? 0 : (x / 2 ** 32) * 10 ** (i % 3 === 0 ? 4 : 1);
    one.add(v);
    parts[i % 3]!.add(v);
  }
  const merged = new LogHistogram();
  for (const p of parts) merged.merge(p);
  assert.deepEqual(merged.buckets(), one.buckets());
  assert.equal(merged.count, one.count);
  assert.equal(merged.min, one.min);
  assert.equal(merged.max, one.max);
  for (const q of [0.1, 0.5, 0.9, 0.99]) assert.equal(merged.quantile(q), one.quantile(q));
  assert.ok(Math.abs(merged.mean - one.mean) <= 1e-12 * one.mean);
});
