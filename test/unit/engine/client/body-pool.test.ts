/** Kept-body buffers are reused only when handed back, only if the pool made them, and only once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyBuffer, recycleRaw, releaseBodyBuffer } from '../../../../src/engine/client/body-pool.ts';
import type { RawBytes } from '../../../../src/engine/types.ts';

const raw = (bytes: Uint8Array): RawBytes => ({ bytes, chunkSpans: [0, 1], chunkTexts: [], usage: null });

test('body pool: a recycled body buffer serves the next body; the raw is emptied', () => {
  const b = bodyBuffer(5000);
  assert.ok(b.length >= 5000);
  const r = raw(b.subarray(0, 100));
  recycleRaw(r);
  assert.equal(r.bytes.length, 0);
  assert.deepEqual(r.chunkSpans, []);
  const again = bodyBuffer(4000);
  assert.equal(again.buffer, b.buffer);
  assert.equal(again.length, b.length);
  // Recycling the emptied raw again gives nothing back.
  recycleRaw(r);
  assert.notEqual(bodyBuffer(4000).buffer, b.buffer);
});

test('body pool: foreign buffers are never taken, too-small spares are not handed out', () => {
  const pooled = Buffer.from('data: x\n\n'); // a slice of Buffer's shared pool
  recycleRaw(raw(pooled));
  const mine = Buffer.allocUnsafeSlow(8192);
  recycleRaw(raw(mine));
  releaseBodyBuffer(mine);
  const next = bodyBuffer(100);
  assert.notEqual(next.buffer, pooled.buffer);
  assert.notEqual(next.buffer, mine.buffer);
  recycleRaw({ body: 'x', chunks: [], usage: null });
  const small = bodyBuffer(1024);
  releaseBodyBuffer(small);
  assert.ok(bodyBuffer(small.length + 1).length >= small.length + 1);
});
