/**
 * Stage limits (GuideLLM's constraints) in the engine, against the ground-truth server:
 *  - `hardDeadline`: when `durationMs` passes, nothing more is sent and requests in flight are
 *    cancelled (label 'aborted', partial stream kept), within 100 ms of the limit (a loaded 2-core box);
 *  - `maxErrors`: the stage stops once that many of its requests failed, cancelling the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../../src/engine/loadgen/index.ts';
import type { RequestSpec } from '../../../src/engine/types.ts';
import { startTruthServer } from '../../helpers/truth-server.ts';

const spec = (): RequestSpec => ({ api: 'completion', prompt: 'a b c', maxTokens: 8, stream: true });

test('hard deadline, open loop: no send after the limit, in-flight requests cancelled at it', async () => {
  // 400 ms per response; arrivals every 200 ms, limit 1100 ms: 0..1000 sent (6); those sent at
  // 800 and 1000 ms are still streaming at the limit (100 ms margins both ways)
  const server = await startTruthServer({ ttftMs: 50, itlMs: 50, chunks: 8 });
  try {
    const offsetsMs = Float64Array.from({ length: 10 }, (_, i) => i * 200);
    let t0 = 0;
    const res = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [{ kind: 'open', stage: 0, offsetsMs, requestedRate: 5, durationMs: 1100, hardDeadline: true }],
      source: { next: spec },
      onStageStart: (_p, startMs) => (t0 = startMs),
    });
    const sentOffsets = res.records.map((r) => r.scheduledAtMs - t0).sort((a, b) => a - b);
    assert.deepEqual(sentOffsets.map((x) => Math.round(x)), [0, 200, 400, 600, 800, 1000]);
    assert.equal(server.log.size, 6);
    const cut = res.records.filter((r) => r.error);
    assert.equal(cut.length, 2, 'requests sent at 800 and 1000 ms were still streaming at 1100 ms');
    for (const r of cut) {
      assert.equal(r.error!.label, 'aborted');
      assert.ok(r.endAtMs - t0 >= 1100 - 1 && r.endAtMs - t0 < 1200, `cut at ${r.endAtMs - t0} ms`);
    }
    assert.ok(res.stages[0]!.endMs - t0 < 1250, 'the stage ended at the limit, not when the plan ran out');
  } finally {
    await server.close();
  }
});

test('maxErrors stops a closed stage after that many failures, cancelling what is in flight', async () => {
  const server = await startTruthServer({ ttftMs: 20, itlMs: 20, chunks: 4 }, { faultFor: (n) => (n % 2 === 1 ? { kind: 'status', status: 500 } : { kind: 'none' }) });
  try {
    const res = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 2, maxRequests: 100, maxErrors: 3 }],
      source: { next: spec },
    });
    const errors = res.records.filter((r) => r.error && r.error.label !== 'aborted').length;
    assert.equal(errors, 3);
    assert.ok(res.records.length < 12, `stopped early: ${res.records.length} requests`);
  } finally {
    await server.close();
  }
});

test('stopRule: a harness rule ends the stage (no more sends, in-flight cancelled), from a record or a health sample', async () => {
  const server = await startTruthServer({ ttftMs: 20, itlMs: 50, chunks: 8 });
  try {
    // sample: fires at the first health sample after 300 ms (samples every 100 ms here)
    const bySample = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 2, maxRequests: 100, stopRule: { sample: (elapsedMs) => (elapsedMs >= 300 ? 'rule fired' : undefined) } }],
      source: { next: spec },
      healthSampleMs: 100,
    });
    assert.equal(bySample.records.length, 2, 'the first two (~370 ms each) were in flight when the rule fired');
    assert.ok(bySample.records.every((r) => r.error?.label === 'aborted' && r.error.message.includes('rule fired')), JSON.stringify(bySample.records.map((r) => r.error)));
    // record: fires on the third finished request
    let n = 0;
    const byRecord = await runLoad({
      keepRecords: true,
      client: { baseUrl: server.url, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: 1, maxRequests: 100, stopRule: { record: () => (++n >= 3 ? 'enough' : undefined) } }],
      source: { next: spec },
    });
    assert.equal(byRecord.records.length, 3);
  } finally {
    await server.close();
  }
});
