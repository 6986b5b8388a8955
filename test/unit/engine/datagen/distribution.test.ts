import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Checker } from '../../../../src/engine/datagen/check.ts';
import { checkDistribution, LENGTH_WINDOW, LengthSequence, resolveDistribution, roundHalfEven, sampleLength, sampleLengths } from '../../../../src/engine/datagen/distribution.ts';
import { Rng } from '../../../../src/util/rng.ts';

test('normal lengths are clipped to [min, max] then rounded: mass piles up at the bounds', () => {
  const d = resolveDistribution({ type: 'normal', mean: 100, std_dev: 50, min: 80, max: 120 });
  const xs = Array.from(sampleLengths(d, 20_000, new Rng(1), 'legacy'));
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 80 && x <= 120));
  // P(N(100,50) < 80) ≈ 0.345: clipping (not truncation) puts that much mass exactly at 80
  const atMin = xs.filter((x) => x === 80).length / xs.length;
  const atMax = xs.filter((x) => x === 120).length / xs.length;
  assert.ok(Math.abs(atMin - 0.345) < 0.02, `at min ${atMin}`);
  assert.ok(Math.abs(atMax - 0.345) < 0.02, `at max ${atMax}`);
  // an interior value gets only its own rounding interval's mass (~0.008)
  assert.ok(xs.filter((x) => x === 100).length / xs.length < 0.02);
});

test('fixed, uniform and lognormal', () => {
  const r = new Rng(2);
  const fixed = resolveDistribution({ type: 'fixed', mean: 37.9, min: 1, max: 10 });
  assert.equal(sampleLength(fixed, r, 'legacy'), 37, 'fixed is int(mean), unclipped');
  const u = Array.from(sampleLengths(resolveDistribution({ type: 'uniform', min: 10, max: 20 }), 20_000, r, 'legacy'));
  assert.equal(Math.min(...u), 10);
  assert.equal(Math.max(...u), 20);
  // legacy uniform: continuous on [10, 20] then rounded → the ends get half an interval
  const ends = u.filter((x) => x === 10).length / u.length;
  assert.ok(Math.abs(ends - 0.05) < 0.01, `P(10) ${ends}`);
  const mid = u.filter((x) => x === 15).length / u.length;
  assert.ok(Math.abs(mid - 0.1) < 0.015, `P(15) ${mid}`);
  // legacy lognormal is moment-matched on mean − min, then shifted by min
  const ln = resolveDistribution({ type: 'lognormal', mean: 300, std_dev: 50, min: 200, max: 100_000 });
  const xs = Array.from(sampleLengths(ln, 50_000, r, 'legacy'));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean - 300) < 2, `lognormal mean ${mean}`);
  assert.ok(xs.every((x) => x >= 200));
  // modern lognormal is matched on the mean, unshifted
  const lm = Array.from(sampleLengths(resolveDistribution({ type: 'lognormal', mean: 300, std_dev: 50, min: 1, max: 100_000 }), 50_000, r, 'modern'));
  assert.ok(Math.abs(lm.reduce((a, b) => a + b, 0) / lm.length - 300) < 2);
  const p = Array.from(sampleLengths(resolveDistribution({ type: 'poisson', mean: 40, min: 0, max: 1000 }), 20_000, r, 'modern'));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) / p.length - 40) < 0.5);
});

test('round half to even, as numpy', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, 2, 3]);
});

test('LengthSequence gives index i the i-th draw whatever the access order', () => {
  const d = resolveDistribution({ mean: 500, std_dev: 100, min: 1, max: 1000 });
  const a = new LengthSequence(d, new Rng(4), 'legacy');
  const b = new LengthSequence(d, new Rng(4), 'legacy');
  const forward = [0, 1, 2, 3, 4, 5].map((i) => a.at(i));
  const backward = [5, 4, 3, 2, 1, 0].map((i) => b.at(i)).reverse();
  assert.deepEqual(forward, backward);
});

test('LengthSequence keeps bounded memory over millions of indices and still gives an old index its own draw', () => {
  const d = resolveDistribution({ mean: 500, std_dev: 100, min: 1, max: 1000 });
  const ref = sampleLengths(d, 3 * LENGTH_WINDOW + 17, new Rng(8), 'legacy');
  const s = new LengthSequence(d, new Rng(8), 'legacy');
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 2_000_000; i++) s.at(i);
  assert.ok(process.memoryUsage().heapUsed - before < 8 * 1024 * 1024, 'two million lengths drawn in bounded memory (an array of them: 16 MB and growing)');
  for (const i of [0, 1, LENGTH_WINDOW - 1, LENGTH_WINDOW, 2 * LENGTH_WINDOW + 5, 3 * LENGTH_WINDOW + 16]) assert.equal(s.at(i), ref[i], `index ${i} re-drawn from its mark`);
  const fresh = new LengthSequence(d, new Rng(8), 'legacy');
  assert.deepEqual(Array.from({ length: ref.length }, (_, i) => fresh.at(i)), Array.from(ref));
});

test('distribution validation reports every problem with its key path', () => {
  const c = new Checker(['data']);
  checkDistribution(c, { type: 'normal', mean: 2000, min: 500, max: 100, std_dev: -1, variance: 4, bogus: 1 }, ['input_distribution'], 'legacy');
  const paths = c.issues.map((i) => `${i.severity}:${i.path.join('.')}`);
  assert.ok(paths.includes('warning:data.input_distribution.bogus'), paths.join(' '));
  assert.ok(paths.includes('error:data.input_distribution.std_dev'));
  assert.ok(paths.includes('error:data.input_distribution.variance'));
  assert.ok(paths.includes('error:data.input_distribution.min'));
  assert.ok(paths.includes('error:data.input_distribution.mean'));
  const c2 = new Checker();
  checkDistribution(c2, { type: 'skew_normal' }, ['d'], 'legacy');
  assert.equal(c2.issues[0]?.severity, 'error');
  const c3 = new Checker();
  checkDistribution(c3, { type: 'skew_normal', mean: 5000, min: 1, max: 10 }, ['d'], 'modern');
  assert.equal(c3.issues.length, 0, 'the modern path has no mean check and knows skew_normal');
});

test('unknown distribution keys suggest the intended one (inference-perf v0.6.1 silently ignores `std`)', () => {
  const c = new Checker(['data']);
  checkDistribution(c, { mean: 100, std: 10, min: 1, max: 200 }, ['input_distribution'], 'legacy');
  assert.deepEqual(c.issues.map((i) => [i.severity, i.path.join('.'), i.hint]), [['warning', 'data.input_distribution.std', 'did you mean "std_dev"?']]);
});
