import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbageNow } from '../../../../src/engine/loadgen/gc.ts';

test('collectGarbageNow runs a full GC (heap shrinks) and says how long it took', () => {
  let junk: { i: number; s: string }[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `x${i}` }));
  assert.equal(junk.length, 300_000);
  const before = process.memoryUsage().heapUsed;
  junk = null;
  const ms = collectGarbageNow();
  assert.equal(typeof ms, 'number');
  assert.ok(ms! >= 0 && ms! < 5000);
  const after = process.memoryUsage().heapUsed;
  assert.ok(after < before - 5_000_000, `heap ${before} -> ${after}`);
});
