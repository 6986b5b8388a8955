import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulator } from '../../../src/sim/run.ts';
import { loadTokenizer } from '../../../src/engine/tokenizer/index.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { post } from './helpers.ts';

describe('sim token counts agree with the load generator tokenizer', () => {
  it('uses the model tokenizer (shipped Llama-3) for usage when it is available', async () => {
    const model = 'meta-llama/Llama-3.1-8B-Instruct';
    const sim = await runSimulator({ overrides: { model, port: 0 } }, createLogger('error'));
    try {
      const prompt = 'Benchmarks tell the truth only when the ruler is straight, naïvely or not.';
      const r = await post(`${sim.url}/v1/completions`, { model, prompt, max_tokens: 3, ignore_eos: true });
      const usage = (JSON.parse(r.body) as { usage: { prompt_tokens: number } }).usage;
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      assert.equal(tok.exact, true);
      assert.equal(usage.prompt_tokens, tok.count(prompt));
      const t = await post(`${sim.url}/tokenize`, { prompt });
      assert.deepEqual((JSON.parse(t.body) as { tokens: number[] }).tokens, tok.encode(prompt));
    } finally {
      await sim.close();
    }
  });

  it('falls back to upstream regex counting for a model without a local tokenizer', async () => {
    const sim = await runSimulator({ overrides: { model: 'someorg/unknown-model', port: 0 } }, createLogger('error'));
    try {
      const r = await post(`${sim.url}/v1/completions`, { model: 'someorg/unknown-model', prompt: '### user: Hello!\n', max_tokens: 1 });
      assert.equal((JSON.parse(r.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, 7);
    } finally {
      await sim.close();
    }
  });
});
