/** records.jsonl lines written as bytes must be JSON.stringify's bytes exactly, for any record. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineBytes } from '../../../../src/engine/record/line-bytes.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { monoMs } from '../../../../src/util/clock.ts';

function expected(r: RequestRecord): string {
  const { raw: _raw, ...rest } = r;
  return JSON.stringify(rest) + '\n';
}

function written(r: RequestRecord): string {
  const b = new LineBytes(16); // small: the buffer grows mid-record
  b.record(r);
  return b.take().toString('utf8');
}

test('numbers: monotonic times (integer ns / 1e6) of every magnitude, and any other double, as JSON.stringify', () => {
  let x = 12345;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const nums: number[] = [0, -0, 1, -1, 0.5, 1e-7, 1e21, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -(2 ** 31), NaN, Infinity, -Infinity, 1e300, 5e-324, 0.1 + 0.2, 999999.9999995, 1000000.000001];
  for (let i = 0; i < 20_000; i++) {
    // monoMs-like: integer ns of every magnitude from 1e3 to 1e16 (past the fast path's 2^33 ms)
    const ns = Math.floor(rnd() * 10 ** (3 + (i % 14)));
    nums.push(ns / 1e6, Math.round(ns / 1e3) / 1e3, (rnd() - 0.5) * 10 ** ((i % 40) - 20), Math.floor(rnd() * 1e6) / 1e6 + Math.floor(rnd() * 1e9));
  }
  for (let i = 0; i < 2000; i++) nums.push(monoMs());
  // Clocks of hosts up for 11.6 (the old bound) to 99 days (the fast path's end: whole ms past 2^31).
  const day = 86_400e9;
  for (const base of [11.5 * day, 11.6 * day, 24.8 * day, 30 * day, 60 * day, 99 * day, 2 ** 33 * 1e6 - 1e9, 2 ** 33 * 1e6]) {
    for (let i = 0; i < 2000; i++) nums.push((base + Math.floor(rnd() * 1e9)) / 1e6);
  }
  for (let i = 0; i < nums.length; i += 64) {
    const r = { id: i, chunkTimesMs: nums.slice(i, i + 64), chunkTokens: nums.slice(i, i + 64).map((v) => Math.round(v)), endAtMs: nums[i] } as unknown as RequestRecord;
    assert.equal(written(r), expected(r), JSON.stringify(nums.slice(i, i + 64)));
  }
});

test('records: key order as built, undefined keys skipped, raw left out, strings, objects, odd arrays', () => {
  const t0 = monoMs();
  const base: RequestRecord = { id: 7, stage: 0, worker: 1, api: 'completion', stream: true, scheduledAtMs: t0, dispatchedAtMs: t0 + 0.01, sentAtMs: t0 + 0.5, chunkTimesMs: [t0 + 1, t0 + 1, t0 + 2.25], chunkTokens: [1, 1, 2], endAtMs: t0 + 3 };
  const cases: RequestRecord[] = [
    base,
    { ...base, tags: { index: 52 }, headersAtMs: t0 + 0.75, httpStatus: 200, finishReason: 'length', doneSeen: true },
    { ...base, raw: { bytes: new Uint8Array([1, 2]), chunkSpans: [], chunkTexts: [], usage: null } },
    { ...base, finishReason: undefined, outputText: 'é "q" \n ☃ \ud800', error: { label: 'other', message: 'HTTP 500: "boom"\t' } },
    { ...base, chunkTimesMs: [], chunkTokens: [] },
    { ...base, chunkTimesMs: [1, NaN, -0, Infinity] },
    { ...base, chunkTimesMs: [0, -0, -0, 0, NaN, NaN, t0, t0, t0, 1e21, 1e21, 0.1, 0.1, -5.5, -5.5] }, // repeats: copies of the bytes before
    { ...base, chunkTokens: [1, undefined, 2] as unknown as number[] },
    { ...base, chunkTokens: Object.assign(new Array<number>(3), { 0: 1, 2: 2 }) }, // a hole
    { ...base, chunkTokens: ['x', 1] as unknown as number[] },
    { ...base, tags: { z: 1, a: 'b', n: { deep: [1, 'x'] } } } as unknown as RequestRecord,
    Object.assign(Object.create({ inherited: 1 }) as RequestRecord, base),
    { zeta: 1, ...base, extra: null, fn: () => 1, sym: Symbol('s') } as unknown as RequestRecord,
  ];
  for (const r of cases) assert.equal(written(r), expected(r));
  // several records back to back, one buffer
  const b = new LineBytes(8);
  for (const r of cases) b.record(r);
  assert.equal(b.take().toString('utf8'), cases.map(expected).join(''));
});
