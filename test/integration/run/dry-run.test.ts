/** `llmdbench run --dry-run` prints the plan and contacts nothing (no server, no simulator, no files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
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

test('run with a harness that cannot run yet fails before anything starts', async () => {
  const wd = tmp('run-nohook');
  const r = await runCli(['run', '--workdir', wd, '-l', 'nop', '-w', 'nop'], { env: cleanEnv() });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /E_HARNESS_NOT_RUNNABLE/);
  assert.deepEqual(readdirSync(wd), []);
});

test('run: a profile whose data needs the network is a clear error before any load', async () => {
  const wd = tmp('run-net');
  const r = await runCli(['run', '--workdir', wd, '-w', 'chatbot_sharegpt', '--json'], { env: cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: wd }) });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /E_DATA_NEEDS_NETWORK/);
  assert.match(r.stderr, /LLMDBENCH_RUN_DATASET_DIR/);
  assert.doesNotMatch(r.stderr, /Stage 0 - run started/);
});
