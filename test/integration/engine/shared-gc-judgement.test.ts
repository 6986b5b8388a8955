/**
 * Two loads in one process (-j 2 runs its instances on one thread) against the ground-truth
 * server, started 300 ms apart; a full GC of a large heap is forced while both run. Both see the
 * pause, and both report it with the same judgement (own work or waiting for a CPU): the pause
 * is judged once for the thread, not once per load from each load's own window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from '../../../src/engine/loadgen/index.ts';
import { collectGarbageNow } from '../../../src/engine/loadgen/gc.ts';
import type { StagePlan } from '../../../src/engine/types.ts';
import { defaultHealth } from '../../../src/harness/common/health.ts';
import { startTruthServer } from '../../helpers/truth-server.ts';

const plan = (n: number): StagePlan => ({ kind: 'open', stage: 0, offsetsMs: Float64Array.from({ length: n }, (_, i) => i * 50), requestedRate: 20, durationMs: n * 50 });

test('-j 2 in one process: the same GC pause gets the same judgement in both loads', { timeout: 60_000 }, async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 1, chunks: 3 });
  try {
    const load = () =>
      runLoad({ client: { baseUrl: truth.url, model: 'truth-model' }, stages: [plan(50)], source: { next: () => ({ api: 'completion', prompt: 'hi', maxTokens: 3, stream: true }) }, collectGarbageFirst: false });
    const a = load();
    await sleep(300);
    const b = load();
    await sleep(700);
    // a heap of a few million small objects: a full collection takes well over 50 ms
    let junk: { i: number; s: string }[] | undefined = Array.from({ length: 3_000_000 }, (_, i) => ({ i, s: `x${i}` }));
    const gcMs = collectGarbageNow();
    junk = undefined;
    void junk;
    const [ra, rb] = await Promise.all([a, b]);
    assert.ok(gcMs !== undefined && gcMs > 50, `forced GC took ${gcMs} ms`);
    const ga = ra.health.threads[0]!.gc;
    const gb = rb.health.threads[0]!.gc;
    assert.ok(ga.maxMs > 50 && gb.maxMs > 50, `both saw the pause: ${ga.maxMs}, ${gb.maxMs}`);
    assert.equal(ga.maxMs, gb.maxMs, 'the same pause');
    // The big pause is judged once for the thread: both loads put it in the same class. (Small
    // pauses below the 50 ms threshold outside one load's window may differ; they judge nothing.)
    const cls = (g: typeof ga): string => (g.ownMaxMs === g.maxMs ? 'own' : g.starvedMaxMs === g.maxMs ? 'starved' : 'unjudged');
    assert.equal(cls(ga), cls(gb), `judged once, the same for both: ${JSON.stringify([ga, gb])}`);
    assert.notEqual(cls(ga), 'unjudged');
    const reason = (r: typeof ra) => defaultHealth(r).warnings.find((w) => w.startsWith('GC pause'));
    assert.ok(reason(ra));
    assert.equal(reason(ra), reason(rb));
  } finally {
    await truth.close();
  }
});
