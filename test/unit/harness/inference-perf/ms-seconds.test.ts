import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { writeMsAsSeconds } from '../../../../src/harness/inference-perf/ms-seconds.ts';
import { JsonBytes } from '../../../../src/harness/inference-perf/json-bytes.ts';
import { PER_REQUEST_JSON, perRequestEntry, writeEntry } from '../../../../src/harness/inference-perf/per-request.ts';
import { pyFloat, pyJson } from '../../../../src/harness/inference-perf/py-json.ts';
import { monoMs } from '../../../../src/util/clock.ts';
import { Rng } from '../../../../src/util/rng.ts';

/** writeMsAsSeconds' text for `ms`, or undefined when it leaves the time to pyFloat. */
function fastText(ms: number): string | undefined {
  const buf = new Uint8Array(32);
  const end = writeMsAsSeconds(buf, 0, ms);
  return end < 0 ? undefined : Buffer.from(buf.subarray(0, end)).toString('latin1');
}

/** What per_request writes for a time: the fast bytes when they apply, else pyFloat. */
function written(ms: number): string {
  const out = new JsonBytes(4);
  out.seconds(ms);
  return out.take(0).toString('latin1');
}

test('writeMsAsSeconds: monotonic-clock times (integer ns / 1e6) of every magnitude are written as pyFloat(ms / 1000)', () => {
  const rng = new Rng(7);
  let fast = 0;
  let inRange = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    let ns = Math.floor(rng.float() * 10 ** (rng.float() * 16));
    // Trailing zeros of every length, whole seconds and whole ms.
    if (i % 5 === 0) ns = Math.round(ns / 10 ** Math.floor(rng.float() * 10)) * 10 ** Math.floor(rng.float() * 10);
    if (i % 17 === 0) ns = Math.round(ns / 1e9) * 1e9;
    const ms = ns / 1e6;
    const text = fastText(ms);
    // Covered: from 10 ms (a grid of 1e-9 ns is enough there) to 2^23 s (an ulp under 1 ns).
    const covered = ns >= 1e7 && ns < 2 ** 23 * 1e9;
    if (covered) inRange++;
    if (text !== undefined) {
      if (covered) fast++;
      assert.equal(text, pyFloat(ms / 1000), `ns ${ns}`);
    }
    assert.equal(written(ms), pyFloat(ms / 1000), `ns ${ns}`);
  }
  // Times in the covered range take the fast path (the check would pass vacuously otherwise):
  // both those whose ms / 1000 is ns / 1e9 and those it rounds to a neighbour of; a time within
  // the doubles' margin of a rounding boundary (about one in a million) is left to pyFloat.
  assert.ok(fast >= inRange - 2, `fast path for ${fast} of ${inRange}`);
  let fastClock = 0;
  for (let i = 0; i < 1000; i++) {
    const t = monoMs();
    if (fastText(t) !== undefined) fastClock++;
    assert.equal(written(t), pyFloat(t / 1000));
  }
  assert.ok(fastClock === 1000 || monoMs() >= 2 ** 23 * 1000, `monoMs() readings on the fast path: ${fastClock} of 1000`);
});

test('writeMsAsSeconds: hosts up for hours to 97 days — every monoMs() time written as pyFloat(ms / 1000), on the fast path', () => {
  const rng = new Rng(17);
  const day = 86_400e9;
  let fast = 0;
  let near = 0;
  let n = 0;
  // Uptimes around which monotonic clocks sit: minutes, hours, days, weeks, and the bound's edge.
  for (const base of [600e9, 12 * 3600e9, 2 * day, 11.5 * day, 11.6 * day, 12 * day, 30 * day, 60 * day, 96 * day, 2 ** 23 * 1e9 - 2e9]) {
    for (let i = 0; i < 40_000; i++) {
      const ns = base + Math.floor(rng.float() * 1e9);
      const ms = (Math.floor(ns / 1e9) * 1e9 + (ns % 1e9)) / 1e6; // as monoMs() builds it
      const text = fastText(ms);
      n++;
      if (text === undefined) continue;
      fast++;
      if (ns / 1e9 !== ms / 1000) near++;
      assert.equal(text, pyFloat(ms / 1000), `ns ${ns}`);
    }
  }
  assert.ok(fast >= n - 2, `fast path for ${fast} of ${n}`);
  // The neighbour case is a real share of times (about a quarter), so it is exercised.
  assert.ok(near > n * 0.1, `times whose ms / 1000 is a neighbour of ns / 1e9: ${near} of ${n}`);
  // Past the bound (97 days), nothing is written here: pyFloat's text.
  for (let i = 0; i < 1000; i++) {
    const ms = (2 ** 23 * 1e9 + Math.floor(rng.float() * 1e15)) / 1e6;
    assert.equal(fastText(ms), undefined);
    assert.equal(written(ms), pyFloat(ms / 1000));
  }
});

test('writeMsAsSeconds: any other double is left to pyFloat (nothing written), and the result is still pyFloat', () => {
  const rng = new Rng(8);
  const edge = [0, -0, 1e-9, 1e-4, 0.0999999, 0.1, 1, 1000, 999_999_999.999999, 1e12, 1e12 - 1e-6, 1e15, 1e18, -5, 123.456, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE];
  for (const ms of edge) assert.equal(written(ms), pyFloat(ms / 1000), `ms ${ms}`);
  for (let i = 0; i < 100_000; i++) {
    const ms = (rng.float() - 0.2) * 10 ** (rng.float() * 24 - 8);
    const text = fastText(ms);
    if (text !== undefined) assert.equal(text, pyFloat(ms / 1000), `ms ${ms}`);
    assert.equal(written(ms), pyFloat(ms / 1000), `ms ${ms}`);
  }
});

test('writeEntry with monotonic-clock times gives pyJson(perRequestEntry(...)) byte for byte', () => {
  const rng = new Rng(9);
  for (let i = 0; i < 500; i++) {
    const ns0 = Math.floor(rng.float() * 1e14);
    const t = (k: number): number => (ns0 + k * Math.floor(rng.float() * 3e7)) / 1e6;
    const n = 1 + Math.floor(rng.float() * 8);
    const chunkTimesMs = Array.from({ length: n }, (_, k) => t(k + 2));
    const chunks = chunkTimesMs.map(() => JSON.stringify({ id: 'c', choices: [{ index: 0, text: ' tok', finish_reason: null }] }));
    const rec: RequestRecord = {
      id: i,
      stage: 0,
      worker: 0,
      api: 'completion',
      stream: true,
      scheduledAtMs: t(0),
      sentAtMs: t(1),
      chunkTimesMs,
      chunkTokens: chunkTimesMs.map((_, k) => (k % 3 === 2 ? 2 : 1)),
      endAtMs: t(n + 3),
      httpStatus: 200,
      completionTokensServer: n,
      raw: { body: chunks.map((c) => `data: ${c}\n\n`).join(''), chunks, usage: { prompt_tokens: 3, completion_tokens: n } },
    };
    for (const perToken of [true, false]) {
      const out = new JsonBytes(16);
      writeEntry(out, rec, { model: 'm', prompt: 'p' }, perToken);
      assert.equal(out.take(0).toString('latin1'), pyJson(perRequestEntry(rec, { model: 'm', prompt: 'p' }, perToken), PER_REQUEST_JSON, '  '), `record ${i} perToken ${perToken}`);
    }
  }
});
