import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulator } from '../../../src/sim/run.ts';
import { loadTokenizer } from '../../../src/engine/tokenizer/index.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { RegexTokenizer } from '../../../src/sim/tokenizer.ts';
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

  it('long prompts are tokenized off the scheduling loop, with the same counts', async () => {
    const model = 'meta-llama/Llama-3.1-8B-Instruct';
    const sim = await runSimulator({ overrides: { model, port: 0, 'enable-kvcache': true } }, createLogger('error'));
    try {
      const off = sim.offLoop;
      assert.ok(off, 'a model tokenizer gets an off-loop worker');
      for (let i = 0; i < 300 && !off.isReady; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(off.isReady, 'the worker loaded its tokenizer');
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      const long = 'Benchmarks tell the truth only when the ruler is straight. '.repeat(80);
      for (const [path, body, text] of [
        ['/v1/completions', { model, prompt: long, max_tokens: 2 }, long],
        ['/v1/chat/completions', { model, messages: [{ role: 'user', content: long }], max_tokens: 2 }, `### user: ${long}\n`],
      ] as const) {
        const r = await post(`${sim.url}${path}`, body);
        assert.equal(r.status, 200, r.body);
        assert.equal((JSON.parse(r.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, tok.count(text), path);
      }
      assert.equal(off.encoded, 2, 'both long prompts went to the worker');
      const short = await post(`${sim.url}/v1/completions`, { model, prompt: 'short prompt', max_tokens: 1 });
      assert.equal((JSON.parse(short.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, tok.count('short prompt'));
      assert.equal(off.encoded, 2, 'short prompts are tokenized inline');
    } finally {
      await sim.close();
    }
  });

  it('completion_tokens equals the client tokenizer count of the returned text (any length, wrapping the text pool)', async () => {
    const model = 'meta-llama/Llama-3.1-8B-Instruct';
    const sim = await runSimulator({ overrides: { model, port: 0, seed: 7 } }, createLogger('error'));
    const regexSim = await runSimulator({ overrides: { model: 'someorg/unknown-model', port: 0, seed: 7 } }, createLogger('error'));
    try {
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      const regex = new RegexTokenizer();
      const bad: string[] = [];
      for (let i = 0; i < 60; i++) {
        const max = 1 + ((i * 37) % 400); // long enough to wrap the built-in text several times
        for (const [s, t, m] of [[sim, tok, model], [regexSim, regex, 'someorg/unknown-model']] as const) {
          const r = await post(`${s.url}/v1/completions`, { model: m, prompt: 'hi', max_tokens: max, ignore_eos: true });
          const j = JSON.parse(r.body) as { choices: { text: string }[]; usage: { completion_tokens: number } };
          const n = t.count(j.choices[0]!.text, { addSpecialTokens: false });
          if (n !== j.usage.completion_tokens || n !== max) bad.push(`${m} max ${max}: usage ${j.usage.completion_tokens}, client ${n}`);
        }
      }
      assert.deepEqual(bad, []);
    } finally {
      await sim.close();
      await regexSim.close();
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
