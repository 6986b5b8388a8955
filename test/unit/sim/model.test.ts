import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/sim/config.ts';
import { loadFactor, norm, ttftMs, itlMs } from '../../../src/sim/latency.ts';
import { Rng } from '../../../src/sim/rng.ts';
import { chooseLength, bucketRange } from '../../../src/sim/text.ts';
import { KvCache } from '../../../src/sim/kvcache.ts';
import { RegexTokenizer } from '../../../src/sim/tokenizer.ts';

const cfg = (o: Record<string, unknown>) => resolveConfig({ overrides: { model: 'm', seed: 1, ...o }, env: {} });

describe('sim latency model', () => {
  it('load factor L(r) = 1 + (F−1)(r−1)/(S−1)', () => {
    const c = cfg({ 'max-num-seqs': 5, 'time-factor-under-load': 3 });
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => loadFactor(c, r)), [1, 1.5, 2, 2.5, 3]);
    assert.equal(loadFactor(cfg({ 'max-num-seqs': 1, 'time-factor-under-load': 3 }), 1), 1);
  });

  it('clamped Gaussian: exact without std-dev, within [0.3μ, 1.7μ], mean ≈ μ, sub-ms kept', () => {
    const rng = new Rng(3);
    assert.equal(norm(rng, 20, 0, false), 20);
    assert.equal(norm(rng, 0.5, 0, false), 0.5);
    assert.equal(norm(rng, 0.5, 0, true), 0, 'upstream parity truncates 0.5 ms to 0');
    const xs = Array.from({ length: 20000 }, () => norm(rng, 10, 6, false));
    assert.ok(xs.every((x) => x >= 3 && x <= 17));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 10) < 0.2, `mean ${mean}`);
    assert.ok(xs.some((x) => !Number.isInteger(x)));
    assert.ok(Array.from({ length: 100 }, () => norm(rng, 10.7, 2.5, true)).every((x) => Number.isInteger(x)));
  });

  it('TTFT calculators: constant, per-token (uncached tokens only), legacy choice, P/D', () => {
    const rng = new Rng(1);
    const x = { promptTokens: 100, cachedTokens: 32, remotePrefill: false, running: 1 };
    assert.equal(ttftMs(cfg({ 'time-to-first-token': '100ms' }), rng, x), 100);
    assert.equal(ttftMs(cfg({ 'prefill-overhead': '20ms', 'prefill-time-per-token': '500us' }), rng, x), 20 + 68 * 0.5, 'legacy → per-token when TTFT is 0');
    assert.equal(ttftMs(cfg({ 'latency-calculator': 'constant', 'prefill-overhead': '20ms' }), rng, x), 0);
    assert.equal(ttftMs(cfg({ 'kv-cache-transfer-latency': '7ms' }), rng, { ...x, remotePrefill: true }), 7);
    assert.equal(ttftMs(cfg({ 'kv-cache-transfer-time-per-token': '1ms', 'time-to-first-token': '5ms' }), rng, { ...x, remotePrefill: true }), 100);
    const loaded = cfg({ 'time-to-first-token': '100ms', 'inter-token-latency': '10ms', 'max-num-seqs': 3, 'time-factor-under-load': 2 });
    assert.equal(ttftMs(loaded, rng, { ...x, running: 3 }), 200);
    assert.equal(itlMs(loaded, rng, 2), 15);
  });

  it('output length: exact with ignore_eos; six buckets with 15 % at the limit; Gaussian without max', () => {
    const rng = new Rng(9);
    assert.equal(chooseLength(rng, 37, true, true), 37);
    const n = 20000;
    const ls = Array.from({ length: n }, () => chooseLength(rng, 50, false, true));
    assert.ok(ls.every((l) => l >= 1 && l <= 50));
    const atMax = ls.filter((l) => l === 50).length / n;
    assert.ok(Math.abs(atMax - 0.15) < 0.015, `share at max ${atMax}`);
    assert.deepEqual(bucketRange(200, 0), [1, 20]);
    assert.deepEqual(bucketRange(200, 3), [61, 179]);
    assert.deepEqual(bucketRange(200, 4), [180, 199]);
    const free = Array.from({ length: 5000 }, () => chooseLength(rng, 1000, false, false));
    const mean = free.reduce((a, b) => a + b, 0) / free.length;
    assert.ok(Math.abs(mean - 40) < 2, `mean ${mean}`);
  });

  it('the seeded RNG is deterministic', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    for (let i = 0; i < 100; i++) assert.equal(a.next(), b.next());
    assert.notEqual(new Rng(124).next(), new Rng(123).next());
  });
});

describe('sim tokenizer and KV cache', () => {
  it('counts like upstream regex tokenizer', () => {
    const t = new RegexTokenizer();
    assert.equal(t.count('### user: Hello!\n'), 7);
    assert.deepEqual(t.pieces_('### user: Hello!\n'), ['#', '#', '# ', 'user', ': ', 'Hello', '!\n']);
    assert.equal(t.count('naïve | x'), 3, 'non-ASCII letters and | are dropped');
    assert.equal(t.encode('a b').length, 2);
    assert.equal(t.decode(t.encode('Hello, world')), 'Hello, world');
  });

  it('caches leading full blocks, pins running blocks, evicts unused oldest first', () => {
    const kv = new KvCache(4, 2);
    const a = kv.blockHashes([1, 2, 3, 4, 5]);
    assert.equal(a.length, 2);
    assert.equal(kv.cachedTokens(a), 0);
    assert.ok(kv.acquire(a));
    assert.equal(kv.usage(), 0.5);
    const b = kv.blockHashes([1, 2, 9, 9]);
    assert.equal(kv.cachedTokens(b), 2, 'first block shared');
    assert.ok(kv.acquire(b));
    assert.equal(kv.usage(), 0.75);
    kv.release(a);
    kv.release(b);
    assert.equal(kv.usage(), 0);
    assert.equal(kv.cachedTokens(a), 4, 'unused blocks stay resident');
    const c = kv.blockHashes([7, 7, 8, 8, 6, 6]);
    assert.ok(kv.acquire(c));
    // 3 fresh blocks in a 4-block cache: the two oldest unused blocks (a's second, then the shared first) go.
    assert.equal(kv.cachedTokens(a), 0);
    assert.equal(kv.cachedTokens(c), 6);
    assert.equal(kv.usage(), 0.75);
    assert.equal(new KvCache(2, 2).acquire(new KvCache(2, 2).blockHashes([1, 2, 3, 4, 5, 6])), false);
  });
});
