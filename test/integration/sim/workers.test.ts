/**
 * `workers` > 1: the simulator sharded over processes (node:cluster). Checked from outside,
 * over fresh connections (round-robin hands each to the next shard): both shards serve,
 * /metrics totals and /admin answers are those of one server, no shard outlives the primary.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { serveSimulator, type SimService } from '../../../src/sim/run.ts';
import { startEmbeddedSimulator } from '../../../src/sim/embedded.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { monoMs } from '../../../src/util/clock.ts';
import { parseProm } from './helpers.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(repo, 'bin', 'llmdbench.js');
const L = 'model_name="m"';

/** One request on a NEW connection; resolves with status, body and when the first body bytes came. */
function fresh(url: string, path: string, body?: unknown): Promise<{ status: number; body: string; firstMs: number; sentMs: number }> {
  return new Promise((done, fail) => {
    const sentMs = monoMs();
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${url}${path}`, { method: data ? 'POST' : 'GET', agent: false, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      let firstMs = 0;
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        firstMs ||= monoMs();
        text += s;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text, firstMs, sentMs }));
    });
    req.on('error', fail);
    req.end(data);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 250 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
  return !pids.some(alive);
}

async function withSim(overrides: Record<string, unknown>, fn: (s: SimService) => Promise<void>): Promise<void> {
  const s = await serveSimulator({ overrides: { model: 'm', port: 0, seed: 5, workers: 2, ...overrides } }, createLogger('error'));
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

describe('simulator --workers', () => {
  it('two shards serve at once: max-num-seqs 2 split in 1 + 1, two streams on two connections both start without queueing', async () => {
    await withSim({ 'max-num-seqs': 2, 'time-to-first-token': '150ms', 'inter-token-latency': '50ms' }, async (s) => {
      assert.equal(s.workers, 2);
      const body = { model: 'm', prompt: 'hi', max_tokens: 4, ignore_eos: true, stream: true };
      const both = Promise.all([fresh(s.url, '/v1/completions', body), fresh(s.url, '/v1/completions', body)]);
      await new Promise((r) => setTimeout(r, 100));
      const mid = parseProm((await fresh(s.url, '/metrics')).body);
      const rs = await both;
      // One shard with one slot would queue the second stream for the first one's ~300 ms.
      for (const r of rs) {
        assert.equal(r.status, 200);
        assert.ok(r.firstMs - r.sentMs < 250, `first bytes after ${(r.firstMs - r.sentMs).toFixed(1)} ms`);
      }
      assert.equal(mid.get(`vllm:num_requests_running{${L}}`), 2, 'running summed over shards');
      assert.equal(mid.get(`vllm:num_requests_waiting{${L}}`), 0);
      // A third concurrent stream waits: the deployment's total is still 2 slots.
      const three = await Promise.all([0, 1, 2].map(() => fresh(s.url, '/v1/completions', body)));
      const ttfts = three.map((r) => r.firstMs - r.sentMs).sort((a, b) => a - b);
      assert.ok((ttfts[2] as number) > 300, `one of three waits for a slot: ${ttfts.map((t) => t.toFixed(0)).join(', ')} ms`);
    });
  });

  it('/metrics totals are those of one server, from whichever shard answers', async () => {
    await withSim({ 'max-num-seqs': 4, 'kv-cache-size': 100, 'enable-kvcache': true }, async (s) => {
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => fresh(s.url, '/v1/completions', { model: 'm', prompt: `prompt number ${i} of ten`, max_tokens: 3 + (i % 3) })));
      let gen = 0;
      let prompt = 0;
      const ids = new Set<string>();
      for (const r of rs) {
        assert.equal(r.status, 200, r.body);
        const b = JSON.parse(r.body) as { id: string; usage: { prompt_tokens: number; completion_tokens: number } };
        gen += b.usage.completion_tokens;
        prompt += b.usage.prompt_tokens;
        ids.add(b.id);
      }
      assert.equal(ids.size, 10, 'response ids differ across shards (seed offset per shard)');
      for (let k = 0; k < 4; k++) {
        const m = parseProm((await fresh(s.url, '/metrics')).body);
        const success = ['stop', 'length', 'cache_threshold', 'remote_decode'].reduce((a, f) => a + (m.get(`vllm:request_success_total{${L},finished_reason="${f}"}`) ?? 0), 0);
        assert.equal(success, 10);
        assert.equal(m.get(`vllm:generation_tokens_total{${L}}`), gen);
        assert.equal(m.get(`vllm:prompt_tokens_total{${L}}`), prompt);
        assert.equal(m.get(`vllm:e2e_request_latency_seconds_count{${L}}`), 10);
        assert.equal(m.get(`vllm:request_generation_tokens_sum{${L}}`), gen);
        assert.equal(m.get(`vllm:cache_config_info{block_size="16",num_gpu_blocks="100"}`), 1, 'the configured total, not a shard share');
        assert.equal(m.get(`vllm:num_requests_running{${L}}`), 0);
      }
      // Traces: every id is found from any connection; ?last lists all ten.
      for (const id of ids) assert.equal((await fresh(s.url, `/admin/trace?id=${id}`)).status, 200, id);
      const last = JSON.parse((await fresh(s.url, '/admin/trace?last=100')).body) as { ids: string[] };
      assert.deepEqual(new Set(last.ids), ids);
    });
  });

  it('POST /admin/config reaches every shard before it answers', async () => {
    await withSim({ 'max-num-seqs': 4 }, async (s) => {
      const r = await fresh(s.url, '/admin/config', { 'inter-token-latency': '7ms', 'time-to-first-token': '40ms' });
      assert.equal(r.status, 200, r.body);
      for (let k = 0; k < 4; k++) {
        const c = JSON.parse((await fresh(s.url, '/admin/config')).body) as Record<string, unknown>;
        assert.equal(c['inter-token-latency'], '7ms');
        assert.equal(c['max-num-seqs'], 4, 'the total, as configured');
        assert.equal(c['workers'], 2);
      }
      const ttft = await Promise.all([0, 1, 2, 3].map(() => fresh(s.url, '/v1/completions', { model: 'm', prompt: 'x', max_tokens: 2, ignore_eos: true, stream: true })));
      for (const t of ttft) assert.ok(t.firstMs - t.sentMs >= 39, `TTFT ${(t.firstMs - t.sentMs).toFixed(1)} ms on every shard`);
      const bad = await fresh(s.url, '/admin/config', { 'max-num-seqs': 9 });
      assert.equal(bad.status, 400);
    });
  });

  it('rejects workers above max-num-seqs and startup-log with workers', async () => {
    await assert.rejects(serveSimulator({ overrides: { model: 'm', port: 0, workers: 3, 'max-num-seqs': 2 } }, createLogger('error')), /workers \(3\) must be at most max-num-seqs \(2\)/);
    await assert.rejects(serveSimulator({ overrides: { model: 'm', port: 0, workers: 2, 'startup-log': '/dev/null' } }, createLogger('error')), /startup-log needs workers: 1/);
  });

  it('the embedded simulator with workers: 2 serves from both shards and stop() leaves none', async (t) => {
    const sim = await startEmbeddedSimulator({ model: 'm', preset: 'instant', log: createLogger('error'), config: { workers: 2, 'max-num-seqs': 2, 'time-to-first-token': '150ms' } });
    const kids = `/proc/${sim.pid}/task/${sim.pid}/children`;
    const shards = existsSync(kids) ? readFileSync(kids, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
    try {
      if (!existsSync(kids)) t.diagnostic('no /proc children file: shard pids not checked');
      else assert.equal(shards.length, 2, `the primary's children: ${shards.join(', ')}`);
      const rs = await Promise.all([0, 1].map(() => fresh(sim.url, '/v1/completions', { model: 'm', prompt: 'hi', max_tokens: 2, ignore_eos: true, stream: true })));
      for (const r of rs) assert.ok(r.status === 200 && r.firstMs - r.sentMs < 250, `one slot per shard, no queueing: ${(r.firstMs - r.sentMs).toFixed(1)} ms`);
    } finally {
      await sim.stop();
    }
    assert.ok(await gone([sim.pid, ...shards]), 'primary and shards gone after stop()');
  });

  for (const how of ['SIGTERM', 'SIGINT', 'SIGKILL', 'shard'] as const) {
    it(how === 'shard' ? 'llmdbench sim --workers 2: a shard that dies stops the simulator (exit 3), the other shard too' : `llmdbench sim --workers 2: no shard left after ${how} of the primary`, async () => {
      const p = spawn(process.execPath, [bin, 'sim', '--model', 'm', '--port', '0', '--workers', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => (out += b.toString()));
      p.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
      for (let i = 0; i < 600 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (\S+)/.exec(out)?.[1];
      const pids = (/(\d+) shards \(pids ([\d, ]+)\)/.exec(err)?.[2] ?? '').split(', ').map(Number).filter((x) => x > 0);
      try {
        assert.ok(url, `${out}\n${err}`);
        assert.equal(pids.length, 2, err);
        assert.equal((await fresh(url, '/v1/completions', { model: 'm', prompt: 'hi', max_tokens: 2 })).status, 200);
        if (how === 'shard') process.kill(pids[0] as number, 'SIGKILL');
        else p.kill(how);
        const code = await exited;
        if (how === 'shard') assert.match(err, /shard 1\/2 .* exited unexpectedly/);
        if (how !== 'SIGKILL') assert.equal(code, how === 'shard' ? 3 : 0, err);
        assert.ok(await gone(pids), `shards ${pids.join(', ')} still alive after ${how}`);
      } finally {
        p.kill('SIGKILL');
        for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  }
});
