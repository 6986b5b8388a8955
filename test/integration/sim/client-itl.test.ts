/**
 * Our own load-engine client against the simulator: with finish_reason on the
 * last token's chunk (vLLM's order) no extra near-zero gap is counted, so the
 * measured ITL mean equals the configured ITL; the record's finish reason,
 * choice-chunk count and last choice time come from the token chunks.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../../src/engine/client/http-client.ts';
import type { RequestRecord, RequestSpec } from '../../../src/engine/types.ts';
import { vllmBenchMetrics } from '../../../src/metrics/vllm-bench.ts';
import type { SimServer } from '../../../src/sim/server.ts';
import { MODEL, startSim } from './helpers.ts';

const ITL_MS = 5;
const TOKENS = 200; // 1 s per stream: a few ms of scheduling noise on a shared box moves the mean by < 0.05 ms
const STREAMS = 6;

describe('our client against the simulator: ITL and finish reason', () => {
  let sim: SimServer;
  let client: EngineClient;
  before(async () => {
    sim = await startSim({ 'time-to-first-token': '15ms', 'inter-token-latency': `${ITL_MS}ms`, 'max-num-seqs': 16 });
    client = new EngineClient({ baseUrl: sim.url, model: MODEL, connections: 8 });
    // warm-up (JIT, connections): the first streams of a fresh process start a few ms late
    await run({ api: 'completion', prompt: 'warm', maxTokens: 5, ignoreEos: true, stream: true }, STREAMS);
    await run({ api: 'chat', messages: [{ role: 'user', content: 'warm' }], maxTokens: 5, ignoreEos: true, stream: true }, STREAMS);
  });
  after(async () => {
    await client.close();
    await sim.close();
  });

  async function run(spec: RequestSpec, n: number): Promise<RequestRecord[]> {
    // staggered starts: one stall of a busy box then hits the first or last token of one stream, not all
    const recs = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 137));
        return client.sendAsync(spec, { id: i, stage: 0, worker: 0, scheduledAtMs: 0 });
      }),
    );
    for (const r of recs) assert.equal(r.error, undefined, JSON.stringify(r.error));
    return recs;
  }

  const gaps = (recs: RequestRecord[]): number[] => recs.flatMap((r) => r.chunkTimesMs.slice(1).map((t, i) => t - (r.chunkTimesMs[i] as number)));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  /**
   * Median over streams of each stream's mean ITL: a stream's mean is (last − first)/(n − 1), so one
   * scheduling stall of a busy shared box at its first or last token moves it; the median of six
   * does not move for one stalled stream. A systematic extra gap (a separate finish chunk) would.
   */
  const medianOfMeans = (recs: RequestRecord[]): number => {
    const ms = recs.map((r) => ((r.chunkTimesMs.at(-1) as number) - (r.chunkTimesMs[0] as number)) / (r.chunkTimesMs.length - 1)).sort((a, b) => a - b);
    return ((ms[2] as number) + (ms[3] as number)) / 2;
  };

  it('completions: ITL mean = configured ITL (±0.1 ms); finish reason from the last token chunk', async () => {
    const recs = await run({ api: 'completion', prompt: 'one two three', maxTokens: TOKENS, ignoreEos: true, stream: true }, STREAMS);
    for (const r of recs) {
      assert.equal(r.chunkTimesMs.length, TOKENS);
      assert.deepEqual(r.chunkTokens, new Array<number>(TOKENS).fill(1));
      assert.equal(r.completionTokensServer, TOKENS);
      assert.equal(r.finishReason, 'length');
      assert.equal(r.choiceEventCount, TOKENS, 'one choice chunk per token, no separate finish chunk');
      assert.equal(r.lastChoiceAtMs, r.chunkTimesMs.at(-1));
      assert.equal(r.doneSeen, true);
    }
    const itl = vllmBenchMetrics(recs).itlMs;
    assert.ok(itl, 'vllm-bench ITL present');
    assert.equal(gaps(recs).length, recs.length * (TOKENS - 1));
    const m = medianOfMeans(recs);
    assert.ok(Math.abs(m - ITL_MS) < 0.1, `ITL mean ${m} ms (median over streams; pooled ${itl.mean} ms) vs configured ${ITL_MS} ms`);
    assert.ok(Math.abs(mean(gaps(recs)) - itl.mean) < 1e-9, 'vllm-bench ITL pools exactly the token-chunk gaps');
  });

  it('chat: content-chunk gap mean = configured ITL (±0.1 ms); role chunk + one chunk per token', async () => {
    const recs = await run({ api: 'chat', messages: [{ role: 'user', content: 'one two three' }], maxTokens: TOKENS, ignoreEos: true, stream: true }, STREAMS);
    for (const r of recs) {
      assert.equal(r.chunkTimesMs.length, TOKENS);
      assert.equal(r.finishReason, 'length');
      assert.equal(r.choiceEventCount, TOKENS + 1, 'role chunk + token chunks');
      assert.equal(r.lastChoiceAtMs, r.chunkTimesMs.at(-1));
    }
    assert.equal(gaps(recs).length, recs.length * (TOKENS - 1));
    const m = medianOfMeans(recs);
    assert.ok(Math.abs(m - ITL_MS) < 0.1, `ITL mean ${m} ms (median over streams) vs configured ${ITL_MS} ms`);
  });
});
