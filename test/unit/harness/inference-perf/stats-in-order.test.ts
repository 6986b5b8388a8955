/** summarizeInPlace skips the sort of a column already in order: the summary must be the sort's, whatever the column. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentileKey, percentileSorted, summarizeInPlace } from '../../../../src/harness/inference-perf/stats.ts';

const P = [0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9];
const show = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/** The summary (±0 told apart) and the column as summarizeInPlace leaves it. */
function summarized(values: readonly number[]): unknown {
  const a = Float64Array.from(values);
  const s = summarizeInPlace(a, P);
  return { s: s && Object.fromEntries(Object.entries(s).map(([k, v]) => [k, show(v)])), col: [...a].map(show) };
}

/** The reference: always sorted (Float64Array#sort), then the same formulas. */
function reference(values: readonly number[]): unknown {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return { s: null, col: [] };
  let sum = 0;
  for (const v of a) sum += v;
  const s: Record<string, number> = { mean: sum / a.length, min: a[0]!, max: a[a.length - 1]! };
  for (const q of P) s[percentileKey(q)] = percentileSorted(a, q);
  return { s: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, show(v)])), col: [...a].map(show) };
}

test('a column in order, out of order, with ±0 and NaN: the summary and column a sort gives', () => {
  let x = 3;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const cases: number[][] = [[], [1], [2, 1], [0, -0], [-0, 0], [0, -0, 0, -0], [-1, -0, 0, 1], [1, NaN, 0], [NaN, NaN], [0, 0, 0]];
  for (let k = 0; k < 50; k++) {
    const v = Array.from({ length: 1 + (k % 17) * 20 }, () => (rnd() < 0.2 ? 0 : rnd() < 0.1 ? -0 : Math.round(rnd() * 100) / 10));
    cases.push(v, [...Float64Array.from(v).sort()]);
  }
  for (const c of cases) assert.deepStrictEqual(summarized(c), reference(c), JSON.stringify(c.map(show)));
});
