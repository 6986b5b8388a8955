import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulator } from '../../../src/sim/run.ts';
import { loadTokenizer } from '../../../src/engine/tokenizer/index.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { RegexTokenizer } from '../../../src/sim/tokenizer.ts';
import { post } from './helpers.ts';

/** Llama-3 Instruct's chat template output, written out by hand (BOS, headers, trimmed content, eot, generation prompt). */
function llama3Chat(msgs: Array<[string, string]>): string {
  const body = msgs.map(([role, content]) => `<|start_header_id|>${role}<|end_header_id|>\n\n${content.trim()}<|eot_id|>`).join('');
  return `<|begin_of_text|>${body}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}

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
      for (const [path, body, text, special] of [
        ['/v1/completions', { model, prompt: long, max_tokens: 2 }, long, true],
        ['/v1/chat/completions', { model, messages: [{ role: 'user', content: long }], max_tokens: 2 }, llama3Chat([['user', long]]), false],
      ] as const) {
        const r = await post(`${sim.url}${path}`, body);
        assert.equal(r.status, 200, r.body);
        assert.equal((JSON.parse(r.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, tok.count(text, { addSpecialTokens: special }), path);
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

  it('chat prompts are counted with the Llama-3 chat template; /tokenize honours add_special_tokens; /detokenize inverts it', async () => {
    const model = 'meta-llama/Meta-Llama-3-8B-Instruct';
    const sim = await runSimulator({ overrides: { model, port: 0 } }, createLogger('error'));
    try {
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      const msgs: Array<[string, string]> = [['system', 'You are terse. '], ['user', 'Benchmarks tell the truth only when the ruler is straight.']];
      const messages = msgs.map(([role, content]) => ({ role, content }));
      const rendered = llama3Chat(msgs);
      const expected = tok.encode(rendered, { addSpecialTokens: false });
      assert.equal(expected[0], 128000, 'BOS once, from the template');
      assert.equal(expected.filter((id) => id === 128000).length, 1);
      for (const stream of [false, true]) {
        const r = await post(`${sim.url}/v1/chat/completions`, { model, messages, max_tokens: 2, stream, stream_options: { include_usage: true } });
        assert.equal(r.status, 200, r.body);
        const usageBody = stream ? (r.events.at(-2)?.data ?? '') : r.body;
        assert.equal((JSON.parse(usageBody) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, expected.length, `stream ${stream}`);
      }
      type Tok = { count: number; max_model_len: number; tokens: number[]; token_strs: string[] | null };
      const tk = async (body: Record<string, unknown>): Promise<Tok> => {
        const r = await post(`${sim.url}/tokenize`, { model, ...body });
        assert.equal(r.status, 200, r.body);
        return JSON.parse(r.body) as Tok;
      };
      // chat: add_generation_prompt defaults to true, add_special_tokens to false (the template writes BOS)
      assert.deepEqual((await tk({ messages })).tokens, expected);
      assert.deepEqual((await tk({ messages, add_special_tokens: true })).tokens, [128000, ...expected], 'add_special_tokens adds BOS on top of the template');
      assert.equal((await post(`${sim.url}/tokenize`, { model, messages, add_generation_prompt: true, continue_final_message: true })).status, 400);
      // completions: add_special_tokens defaults to true (BOS), false gives the bare text
      const text = 'Hello, world!';
      const withBos = await tk({ prompt: text });
      assert.deepEqual(withBos.tokens, tok.encode(text));
      assert.equal(withBos.tokens[0], 128000);
      const bare = await tk({ prompt: text, add_special_tokens: false });
      assert.deepEqual(bare.tokens, tok.encode(text, { addSpecialTokens: false }));
      assert.equal(bare.count, withBos.count - 1);
      assert.deepEqual(Object.keys(bare), ['count', 'max_model_len', 'tokens', 'token_strs'], "vLLM's TokenizeResponse fields");
      assert.equal(bare.token_strs, null);
      const strs = await tk({ prompt: text, add_special_tokens: false, return_token_strs: true });
      assert.deepEqual(strs.token_strs, ['Hello', ',', 'Ġworld', '!']);
      // /detokenize: vLLM's {tokens} -> {prompt}, special tokens kept
      const d = await post(`${sim.url}/detokenize`, { model, tokens: withBos.tokens });
      assert.equal(d.status, 200, d.body);
      assert.deepEqual(JSON.parse(d.body), { prompt: `<|begin_of_text|>${text}` });
      assert.equal((await post(`${sim.url}/detokenize`, { model, tokens: ['x'] })).status, 400);
      assert.equal((await post(`${sim.url}/detokenize`, { model, tokens: [1e9] })).status, 400);
      assert.equal((await post(`${sim.url}/detokenize`, { model: 'other', tokens: [1] })).status, 404);
      assert.equal((await post(`${sim.url}/tokenize`, { model, prompt: text, add_special_tokens: 'no' })).status, 400);
    } finally {
      await sim.close();
    }
  });

  it('without a chat template, chat prompts keep upstream\'s "### role: content" rendering', async () => {
    const sim = await runSimulator({ overrides: { model: 'someorg/unknown-model', port: 0 } }, createLogger('error'));
    try {
      const r = await post(`${sim.url}/tokenize`, { messages: [{ role: 'user', content: 'Hello!' }] });
      // "### user: Hello!\n" with the regex tokenizer: #,#,# ,user,: ,Hello,!\n
      assert.equal((JSON.parse(r.body) as { count: number }).count, 7);
    } finally {
      await sim.close();
    }
  });
});

describe('deferred prompt counts (a burst does not wait for tokenizing)', () => {
  const model = 'meta-llama/Llama-3.1-8B-Instruct';

  it('usage (JSON body and stream usage chunk) and metrics carry the exact count when counting was deferred', async () => {
    const sim = await runSimulator({ overrides: { model, port: 0, 'time-to-first-token': '30ms', 'inter-token-latency': '5ms', 'max-num-seqs': 100, 'max-model-len': 8192 } }, createLogger('error'));
    try {
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      const prompts = Array.from({ length: 60 }, (_, i) => `Request ${i}: summarize the grid storage report, naïvely or not. `.repeat(1 + (i % 7)));
      const rs = await Promise.all(
        prompts.map((prompt, i) => post(`${sim.url}/v1/completions`, { model, prompt, max_tokens: 3, ignore_eos: true, ...(i % 2 ? { stream: true, stream_options: { include_usage: true } } : {}) })),
      );
      let sum = 0;
      rs.forEach((r, i) => {
        assert.equal(r.status, 200, r.body);
        const body = i % 2 ? (r.events.at(-2)?.data ?? '{}') : r.body;
        const usage = (JSON.parse(body) as { usage: { prompt_tokens: number } }).usage;
        const want = tok.count(prompts[i] as string);
        assert.equal(usage.prompt_tokens, want, `request ${i}`);
        sum += want;
      });
      const m = (await (await fetch(`${sim.url}/metrics`)).text()).match(/^vllm:prompt_tokens_total\{[^}]*\} (\d+)$/m);
      assert.equal(Number(m?.[1]), sum);
    } finally {
      await sim.close();
    }
  });

  it('the context-length check stays exact: counted at once when the bound does not fit', async () => {
    const sim = await runSimulator({ overrides: { model, port: 0, 'time-to-first-token': '5ms', 'max-model-len': 64 } }, createLogger('error'));
    try {
      const tok = await loadTokenizer({ model, log: createLogger('silent') });
      const fits = 'one two three four five six seven eight nine ten eleven twelve';
      const n = tok.count(fits);
      assert.ok(2 * Buffer.byteLength(fits) + 8 > 64, 'the bound does not fit: the count is made at once');
      const ok = await post(`${sim.url}/v1/completions`, { model, prompt: fits, max_tokens: 64 - n });
      assert.equal(ok.status, 200, ok.body);
      assert.equal((JSON.parse(ok.body) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, n);
      const over = await post(`${sim.url}/v1/completions`, { model, prompt: fits, max_tokens: 65 - n });
      assert.equal(over.status, 400, over.body);
    } finally {
      await sim.close();
    }
  });
});
