/**
 * The load-generator verdict on real runs (ground-truth server in this process):
 *  - a light open-loop run (4 req/s) must never blame our client (on a loaded CI machine it
 *    may report CPU starvation by other processes, which is honest, but not 'client');
 *  - a client whose own event loop is blocked (70 ms of synchronous work per finished request
 *    at 20 req/s: more than one core's worth) must be flagged, with our client as a cause.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../../src/engine/loadgen/index.ts';
import { loadgenHealth } from '../../../src/metrics/health.ts';
import { startTruthServer, type TruthServer } from '../../helpers/truth-server.ts';

let server: TruthServer;
before(async () => {
  server = await startTruthServer({ ttftMs: 10, itlMs: 5, chunks: 4, tokensPerChunk: 1 });
});
after(() => server.close());

const open = (rate: number, n: number) => ({
  kind: 'open' as const,
  stage: 0,
  offsetsMs: Float64Array.from({ length: n }, (_, i) => (i * 1000) / rate),
  requestedRate: rate,
  durationMs: (n * 1000) / rate,
});
const source = { next: () => ({ api: 'completion' as const, prompt: 'one two three', maxTokens: 4, stream: true }) };

test('a light run never blames our client', { timeout: 20_000 }, async () => {
  const r = await runLoad({ keepRecords: true, client: { baseUrl: server.url, model: 'm' }, stages: [open(4, 12)], leadMs: 20, source });
  const h = loadgenHealth(r.records, r.stages, r.health);
  assert.equal(r.records.filter((x) => x.error).length, 0);
  assert.ok(h.cause === 'none' || h.cause === 'machine', `cause ${h.cause}: ${h.verdict} ${h.reasons.join('; ')}`);
  if (h.cause === 'none') assert.equal(h.clientBottleneck, false);
});

test('a client blocked by its own work is flagged as the bottleneck', { timeout: 30_000 }, async () => {
  const block = (ms: number): void => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      /* our own synchronous work on the dispatch thread */
    }
  };
  const r = await runLoad({ keepRecords: true, client: { baseUrl: server.url, model: 'm' }, stages: [open(20, 40)], leadMs: 20, source, onRecord: () => block(70) });
  const h = loadgenHealth(r.records, r.stages, r.health);
  assert.equal(h.clientBottleneck, true);
  assert.ok(h.cause === 'client' || h.cause === 'client+machine', `cause ${h.cause}: ${h.reasons.join('; ')}`);
  assert.match(h.verdict, /our client was busy/);
});
