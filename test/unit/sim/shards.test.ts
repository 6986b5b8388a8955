import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/sim/config.ts';
import { shardConfig } from '../../../src/sim/shards.ts';

test('shardConfig splits max-num-seqs, queue and KV blocks so the shards sum to the totals; raw keeps the totals', () => {
  for (const [seqs, queue, blocks, n] of [[7, 10, 1000, 2], [5, 0, 3, 3], [256, 1000, 1024, 4], [3, 1, 5, 3]] as const) {
    const c = resolveConfig({ overrides: { model: 'm', seed: 11, 'max-num-seqs': seqs, 'max-waiting-queue-length': queue, 'kv-cache-size': blocks, workers: n } });
    const shards = Array.from({ length: n }, (_, index) => shardConfig(c, { index, count: n }));
    const sum = (f: (x: typeof c) => number): number => shards.reduce((a, s) => a + f(s), 0);
    assert.equal(sum((s) => s.maxNumSeqs), seqs);
    assert.equal(sum((s) => s.maxWaitingQueueLength), queue);
    assert.equal(sum((s) => s.kvCacheSize), blocks);
    for (const s of shards) {
      assert.ok(s.maxNumSeqs >= 1 && s.kvCacheSize >= 1, 'every shard has a slot and a block');
      assert.ok(Math.abs(s.maxNumSeqs - seqs / n) < 1, 'shares differ by at most one');
      assert.equal(s.raw['max-num-seqs'], seqs, 'GET /admin/config shows the total');
    }
    assert.equal(new Set(shards.map((s) => s.seed)).size, n, 'a different seed per shard');
  }
  const one = resolveConfig({ overrides: { model: 'm' } });
  assert.equal(shardConfig(one, { index: 0, count: 1 }), one, 'workers 1: the config itself');
});
