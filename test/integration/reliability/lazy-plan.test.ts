/**
 * Bounded planning (issue 12: "memory grows with requests in flight, never with the requests
 * planned"): a plan of five million requests at a low rate — inference-perf's constant schedule
 * and its random data, against the ground-truth server — sends its first request within about a
 * second of planning and runs in bounded memory. Before, the stage was drawn whole (a 40 MB
 * Float64Array, plus a 5 M-slot entries array in the dispatcher) before the first send.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monoMs } from '../../../src/util/clock.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { planStages } from '../../../src/engine/schedule/index.ts';
import { dataSources } from '../../../src/engine/datagen/index.ts';
import { loadShippedTokenizer } from '../../../src/engine/tokenizer/index.ts';
import { runLoad } from '../../../src/engine/loadgen/index.ts';
import { startTruthServer } from '../../helpers/truth-server.ts';

const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

test('five million planned requests at 100 req/s: the first goes out within ~1 s, memory stays flat', { timeout: 60_000 }, async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 1, chunks: 3 });
  try {
    const tokenizer = loadShippedTokenizer();
    const log = createLogger('silent');
    const dist = (mean: number) => ({ min: mean / 2, max: mean * 2, mean, std_dev: mean / 4 });
    // opening the source (its word pool: ~1 s on a busy machine) costs the same for any plan size
    const source = await dataSources.get('random').create({ input_distribution: dist(200), output_distribution: dist(8) }, { tokenizer, seed: 12, api: 'completion', stream: true, log, totalCount: 5_000_001 });
    (globalThis as { gc?: () => void }).gc?.();
    const base = memory();
    const t0 = monoMs();
    const load = planStages('constant', [{ rate: 100, duration: 50_000 }], { seed: 12 });
    assert.equal(load.stages[0]!.kind === 'open' && load.stages[0]!.arrivals?.count, 5_000_000);
    const ac = new AbortController();
    let peak = 0;
    let firstAt: number | undefined;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory() - base);
      if (firstAt === undefined && truth.log.size > 0) firstAt = Math.min(...[...truth.log.values()].map((r) => r.receivedAtMs));
      if (firstAt !== undefined && monoMs() - firstAt > 2500) ac.abort();
    }, 25);
    const stop = setTimeout(() => ac.abort(), 20_000);
    const r = await runLoad({
      client: { baseUrl: truth.url, model: 'truth-model' },
      stages: load.stages,
      source: { next: (i) => source.get(i) },
      signal: ac.signal,
      graceMs: 1000,
      keepRecords: false,
      // the default full GC before the stage would hide what planning allocated
      collectGarbageFirst: false,
    });
    clearInterval(sampler);
    clearTimeout(stop);
    assert.ok(firstAt !== undefined, 'a request went out');
    const firstMs = firstAt - t0;
    const sent = r.stages[0]!.submitted;
    console.log(`first request ${firstMs.toFixed(0)} ms after planning started; ${sent} sent; peak heap+buffers growth ${(peak / 1048576).toFixed(1)} MB`);
    assert.ok(firstMs < 1500, `first request ${firstMs.toFixed(0)} ms after planning started (busy-machine bound; ~0.3 s quiet)`);
    assert.ok(sent >= 150 && sent < 1000, `${sent} requests sent in ~2.5 s at 100 req/s`);
    assert.equal(r.stages[0]!.planned, 5_000_000);
    // Drawn whole, the offsets alone were 40 MB and the dispatcher's entries array another 40 MB.
    assert.ok(peak < 32 * 1048576, `peak memory growth ${(peak / 1048576).toFixed(1)} MB`);
  } finally {
    await truth.close();
  }
});
