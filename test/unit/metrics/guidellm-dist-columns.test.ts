/**
 * glFromColumns / glRateFromColumns (the streaming analysis's typed-column forms) give exactly the
 * numbers of glFromValues / glRateFromTimings over the same values: ties, zero weights, all-zero
 * weights, windows with and without sentinels, times within the merge threshold.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { test } from 'node:test';
import { glFromColumns, glFromValues, glRateFromColumns, glRateFromTimings } from '../../../src/metrics/guidellm-dist.ts';

function lcg(seed: number): () => number {
  let x = seed;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('glFromColumns equals glFromValues (plain and weighted, ties and zero weights)', () => {
  const rnd = lcg(7);
  deepStrictEqual(glFromColumns(new Float64Array(0)), glFromValues([]));
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rnd() * 300);
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = trial % 3 === 0 ? Math.floor(rnd() * 10) : rnd() * 100;
      w[i] = trial % 2 ? Math.floor(rnd() * 4) : rnd();
    }
    if (trial % 7 === 0) w.fill(0);
    deepStrictEqual(glFromColumns(v), glFromValues(Array.from(v)));
    deepStrictEqual(glFromColumns(v, w), glFromValues(Array.from(v, (a, i) => [a, w[i]!] as const)));
    deepStrictEqual(glFromColumns(v, w, 42), glFromValues(Array.from(v, (a, i) => [a, w[i]!] as const), 42));
  }
});

test('glRateFromColumns equals glRateFromTimings (windows, equal and near-equal times)', () => {
  const rnd = lcg(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rnd() * 300);
    const t = new Float64Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = Math.floor(rnd() * 100) / 1000 + (trial % 5 === 0 ? 0 : rnd() * 0.0002);
      w[i] = trial % 2 ? Math.floor(rnd() * 4) : rnd();
    }
    const s = trial % 4 === 0 ? undefined : 0.01;
    const e = trial % 3 === 0 ? undefined : 0.09;
    deepStrictEqual(glRateFromColumns(t, w, s, e), glRateFromTimings(Array.from(t, (a, i) => [a, w[i]!] as const), s, e));
  }
});
