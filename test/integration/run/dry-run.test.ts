/** `llmdbench run --dry-run` prints the plan and contacts nothing (no server, no simulator, no files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli, tmp } from './helpers.ts';

test('run -n prints the plan and contacts nothing', async () => {
  let connections = 0;
  const server = createServer((_req, res) => res.end());
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const wd = join(tmp('run-dry'), 'work');
    const r = await runCli(['run', '-n', '--endpoint', url, '--workdir', wd, '-m', 'meta-llama/Llama-3.2-1B-Instruct,facebook/opt-125m', '-o', 'rate=3']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('sanity_random'), r.stdout);
    assert.ok(r.stdout.includes('facebook/opt-125m') && r.stdout.includes('meta-llama/Llama-3.2-1B-Instruct'));
    assert.ok(r.stdout.includes(join(wd, 'results')), 'where results would go');
    assert.equal(connections, 0, 'nothing contacted');
    assert.equal(existsSync(wd), false, 'no work directory made');
    assert.doesNotMatch(r.stderr, /simulator/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('run: a profile whose data needs the network is a clear error before any load', async () => {
  const wd = tmp('run-net');
  const r = await runCli(['run', '--workdir', wd, '-w', 'chatbot_sharegpt', '--json'], { env: cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: wd }) });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /E_DATA_NEEDS_NETWORK/);
  assert.match(r.stderr, /LLMDBENCH_RUN_DATASET_DIR/);
  assert.doesNotMatch(r.stderr, /Stage 0 - run started/);
  // Preflight: found before the simulator starts or the work directory is used.
  assert.doesNotMatch(r.stderr, /simulator/);
  assert.doesNotMatch(r.stderr, /work directory:/);
  assert.deepEqual(readdirSync(wd), []);
});

test('run -z analyses the result directories already in the work directory, sending nothing', async () => {
  const wd = tmp('run-skip');
  const dir = join(wd, 'results', 'inference-perf_1_llm-d-1b-instruct_1');
  mkdirSync(dir, { recursive: true });
  const rec = (id: number, sent: number, error?: boolean) => ({
    id, stage: 0, worker: 0, api: 'completion', scheduledAtMs: sent, sentAtMs: sent,
    chunkTimesMs: error ? [] : [sent + 50, sent + 60, sent + 70], chunkTokens: error ? [] : [1, 1, 1], endAtMs: sent + 80,
    ...(error ? { httpStatus: 503, error: { label: 'http_5xx', message: 'busy' } } : { httpStatus: 200, promptTokensServer: 10, completionTokensServer: 3 }),
  });
  writeFileSync(join(dir, 'records.jsonl'), [rec(0, 1000), rec(1, 1500), rec(2, 1920, true)].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const r = await runCli(['run', '-z', '--workdir', wd, '--endpoint', 'http://127.0.0.1:9']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /TTFT mean \(ms\)\s+50\.00/);
  assert.match(r.stdout, /failure rate \(%\)\s+33\.33/);
  assert.ok(existsSync(join(wd, 'analysis', 'inference-perf_1_llm-d-1b-instruct_1', 'summary.json')));
});
