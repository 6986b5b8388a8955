import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestTrace } from '../../../src/sim/trace.ts';
import { startSim, post, get, completionBody } from './helpers.ts';

describe('sim /admin/config', () => {
  it('GET shows the live config with upstream keys; POST changes latency at run time', async () => {
    const sim = await startSim({ 'time-to-first-token': '10ms', 'inter-token-latency': '2ms' });
    try {
      const cfg = JSON.parse((await get(`${sim.url}/admin/config`)).body) as Record<string, unknown>;
      assert.equal(cfg['time-to-first-token'], '10ms');
      assert.equal(cfg['inter-token-latency'], '2ms');
      assert.equal(cfg['max-num-seqs'], 5);
      assert.equal(cfg['model'], 'sim-model');
      const r = await post(`${sim.url}/admin/config`, { 'time-to-first-token': '60ms', 'inter-token-latency': '750us' });
      assert.equal(r.status, 200);
      assert.equal((JSON.parse(r.body) as Record<string, unknown>)['inter-token-latency'], '750us');
      const g = await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 5, stream: true }));
      const id = (JSON.parse(g.events[0]?.data ?? '{}') as { id: string }).id;
      const tr = JSON.parse((await get(`${sim.url}/admin/trace?id=${id}`)).body) as RequestTrace;
      assert.equal(tr.ttftMs, 60);
      assert.ok(Math.abs((tr.tokenDueMs[4] ?? 0) - (tr.tokenDueMs[0] ?? 0) - 3) < 1e-6);
      assert.ok((g.events[0]?.atMs ?? 0) - g.sentMs >= 59.5);
    } finally {
      await sim.close();
    }
  });

  it('rejects keys that cannot change at run time, unknown keys and bad values with 400', async () => {
    const sim = await startSim();
    try {
      const bad = async (body: unknown, re: RegExp): Promise<void> => {
        const r = await post(`${sim.url}/admin/config`, body);
        assert.equal(r.status, 400, r.body);
        assert.match((JSON.parse(r.body) as { error: { message: string } }).error.message, re);
      };
      await bad({ 'max-num-seqs': 3 }, /max-num-seqs \(cannot be changed at run time\)/);
      await bad({ 'inter-token-latncy': '1ms' }, /did you mean inter-token-latency/);
      await bad({ 'time-to-first-token': 'soon' }, /time-to-first-token: must be a duration/);
      await bad({ 'failure-types': ['boom'] }, /unknown value\(s\) boom/);
      await bad({ 'inter-token-latency': '10ms', 'inter-token-latency-std-dev': '5ms' }, /at most 30% of inter-token-latency/);
      await bad('[1]', /JSON object/);
      // Nothing changed.
      assert.equal((JSON.parse((await get(`${sim.url}/admin/config`)).body) as Record<string, unknown>)['inter-token-latency'], '0s');
    } finally {
      await sim.close();
    }
  });
});

describe('sim trace file and seed', () => {
  it('trace-file gets one JSON line per finished request with due and send times', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'sim-trace-')), 'trace.jsonl');
    const sim = await startSim({ 'trace-file': file, 'time-to-first-token': '3ms', 'inter-token-latency': '1ms' });
    let ids: string[];
    try {
      const a = await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 4 }));
      const b = await post(`${sim.url}/v1/chat/completions`, { model: 'sim-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 3, ignore_eos: true, stream: true });
      ids = [(JSON.parse(a.body) as { id: string }).id, (JSON.parse(b.events[0]?.data ?? '{}') as { id: string }).id];
    } finally {
      await sim.close();
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestTrace);
    assert.deepEqual(lines.map((l) => l.id), ids);
    assert.equal(lines[0]?.tokenSentMs.length, 4);
    assert.equal(lines[1]?.tokenDueMs.length, 3);
    assert.ok(lines.every((l) => l.tokenSentMs.every((s, i) => s >= (l.tokenDueMs[i] ?? Infinity))));
  });

  it('the same seed gives the same ids, lengths and text', async () => {
    const run = async (): Promise<string[]> => {
      const sim = await startSim({ seed: 1234 });
      try {
        const out: string[] = [];
        for (let i = 0; i < 5; i++) out.push((await post(`${sim.url}/v1/completions`, completionBody({ ignore_eos: false, max_tokens: 30 }))).body.replace(/"created":\d+/, ''));
        return out;
      } finally {
        await sim.close();
      }
    };
    const a = await run();
    assert.deepEqual(await run(), a);
    assert.equal(new Set(a).size, 5);
  });
});
