/**
 * `llmdbench sim` on a busy port exits 3 at once, also when the model's tokenizer (and its
 * worker thread) was loaded first (issue 12: it printed E_SIM_LISTEN and never exited).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from '../run/helpers.ts';
import { errorLine } from './helpers.ts';

test('llmdbench sim on a busy port exits 3 promptly, with and without a model tokenizer', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as AddressInfo).port;
  try {
    for (const model of ['meta-llama/Llama-3.2-1B-Instruct', 'no-such/model']) {
      const t0 = Date.now();
      const r = await runCli(['sim', '--port', String(port), '--model', model], { timeoutMs: 25_000 });
      assert.equal(r.code, 3, `${model}: ${r.stderr}`);
      assert.match(errorLine(r.stderr), new RegExp(`^error\\[E_SIM_LISTEN\\]: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.ok(Date.now() - t0 < 20_000, `${model}: exited after ${Date.now() - t0} ms`);
    }
  } finally {
    busy.close();
  }
});
