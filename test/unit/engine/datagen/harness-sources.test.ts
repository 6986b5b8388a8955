import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSources, type DataSourceContext } from '../../../../src/engine/datagen/index.ts';
import { guidellmSampler } from '../../../../src/engine/datagen/guidellm.ts';
import { mrqQuestion } from '../../../../src/engine/datagen/fmperf.ts';
import { loadShippedTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import type { RequestSpec } from '../../../../src/engine/types.ts';
import { Rng } from '../../../../src/util/rng.ts';
import { captureLogger } from '../tokenizer/fixtures.ts';

const tokenizer = loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct');
const ctx = (over: Partial<DataSourceContext> = {}): DataSourceContext => ({ tokenizer, seed: 3, api: 'completion', stream: true, log: captureLogger().log, ...over });

test('vllm_random: uniform lengths within ±range_ratio around input_len − specials, shared prefix, exact counts', async () => {
  const src = await dataSources.get('vllm_random').create({ input_len: 101, output_len: 50, range_ratio: 0.2, prefix_len: 30 }, ctx());
  const ins = new Set<number>();
  let prefix: string | undefined;
  for (let i = 0; i < 200; i++) {
    const s = (await src.get(i)) as RequestSpec;
    const n = tokenizer.count(s.prompt as string);
    assert.equal(n, s.promptTokensClient);
    const inner = n - 30 - 1;
    assert.ok(inner >= 80 && inner <= 120, `inner ${inner}`); // real = 100 → [80, 120]
    assert.ok((s.maxTokens as number) >= 40 && (s.maxTokens as number) <= 60);
    ins.add(inner);
    const p = tokenizer.decode(tokenizer.encode(s.prompt as string, { addSpecialTokens: false }).slice(0, 30));
    prefix ??= p;
    assert.equal(p, prefix, 'one shared prefix');
  }
  assert.ok(ins.has(80) || ins.has(81));
  assert.ok(ins.size > 20, 'uniform spread');
  const fixed = await dataSources.get('vllm_random').create({ input_len: 64, output_len: 8 }, ctx());
  assert.equal(tokenizer.count((await fixed.get(0)).prompt as string), 64, 'range 0: exactly input_len with BOS');
  assert.equal(dataSources.get('vllm_random').validate({ range_ratio: 1 })[0]?.path.join('.'), 'range_ratio');
});

test('prefix_repetition: every prefix once per block, random suffixes', async () => {
  const src = await dataSources.get('prefix_repetition').create({ prefix_len: 20, suffix_len: 10, num_prefixes: 4, output_len: 5 }, ctx());
  const blocks: number[][] = [[], [], []];
  for (let i = 0; i < 12; i++) {
    const s = await src.get(i);
    assert.equal(tokenizer.count(s.prompt as string), 31);
    (blocks[Math.floor(i / 4)] as number[]).push(s.tags?.prefix as number);
  }
  for (const b of blocks) assert.deepEqual([...b].sort(), [0, 1, 2, 3]);
  assert.notDeepEqual(blocks[0], blocks[1] ?? blocks[2]);
});

test('sonnet: instruction + shared poem prefix + random lines near input_len', async () => {
  const src = await dataSources.get('sonnet').create({ input_len: 550, output_len: 150, prefix_len: 200 }, ctx({ api: 'chat' }));
  const a = await src.get(0);
  const b = await src.get(1);
  const ta = a.messages?.[0]?.content as string;
  const tb = b.messages?.[0]?.content as string;
  assert.ok(ta.startsWith('Pick as many lines as you can from these poem lines:\nShall I compare thee'));
  const common = [...ta].findIndex((ch, k) => tb[k] !== ch);
  assert.ok(tokenizer.count(ta.slice(0, common)) >= 150, 'the prefix lines are shared');
  for (let i = 0; i < 20; i++) {
    const t = (await src.get(i)).messages?.[0]?.content as string;
    assert.ok(Math.abs(tokenizer.count(t) - 550) < 55, `≈ input_len: ${tokenizer.count(t)}`);
  }
  assert.equal(a.promptTokensClient, tokenizer.count(ta), 'line sums = the real count');
  assert.equal(a.maxTokens, 150);
});

test('guidellm synthetic_text: sampler rules, exact prompt tokens, weighted prefixes', async () => {
  const r = new Rng(1);
  assert.equal(guidellmSampler(50)(r), 50);
  const u = Array.from({ length: 2000 }, () => guidellmSampler(50, undefined, 10, 20)(r));
  assert.equal(Math.min(...u), 10);
  assert.equal(Math.max(...u), 20);
  const g = Array.from({ length: 5000 }, () => guidellmSampler(50, 10, 10, 100)(r));
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  assert.ok(Math.abs(mean - 50) < 1 && g.every((x) => x >= 10 && x <= 100 && Number.isInteger(x)));
  assert.ok(Array.from({ length: 2000 }, () => guidellmSampler(100, 30)(r)).every((x) => x >= 1 && x <= 250), 'defaults mean ± 5σ');

  const src = await dataSources.get('synthetic_text').create({ prompt_tokens: 50, prompt_tokens_stdev: 10, prompt_tokens_min: 10, prompt_tokens_max: 100, output_tokens: 20, prefix_buckets: [{ prefix_tokens: 40, prefix_count: 2, bucket_weight: 75 }, { prefix_tokens: 0, bucket_weight: 25 }] }, ctx());
  const heads = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const s = await src.get(i);
    assert.equal(tokenizer.count(s.prompt as string), s.promptTokensClient, `request ${i}`);
    const head = tokenizer.decode(tokenizer.encode(s.prompt as string, { addSpecialTokens: false }).slice(0, 40));
    heads.set(head, (heads.get(head) ?? 0) + 1);
    assert.equal(s.maxTokens, 20);
  }
  // the two bucket-0 prefixes repeat; prompts without a prefix start with unique random text
  const repeated = [...heads.values()].filter((c) => c > 1);
  assert.equal(repeated.length, 2, 'prefix_count 2');
  const withPrefix = repeated.reduce((a, b) => a + b, 0);
  assert.ok(withPrefix > 120 && withPrefix < 180, `~75% with a prefix: ${withPrefix}`);
  assert.ok(dataSources.get('synthetic_text').validate({}).some((i) => i.path.join('.') === 'prompt_tokens' && i.severity === 'error'));
});

test('guidellm synthetic_text multi-turn chat: history of user/assistant messages, prefix as a system message', async () => {
  const src = await dataSources.get('synthetic_text').create({ prompt_tokens: 8, output_tokens: 4, turns: 2, prefix_tokens: 12, prefix_count: 1, parallel_conversations: 2 }, ctx({ api: 'chat' }));
  assert.equal(src.sessions, true);
  const t0 = await src.get(0);
  assert.deepEqual(t0.messages?.map((m) => m.role), ['system', 'user']);
  assert.equal(tokenizer.count(t0.messages?.[1]?.content as string, { addSpecialTokens: false }), 8);
  const next = src.get(2);
  src.onResponse?.(t0, { ok: true, text: 'REPLY' });
  const t1 = await next;
  assert.deepEqual(t1.messages?.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.equal(t1.messages?.[1]?.content, t0.messages?.[1]?.content);
  assert.equal(t1.messages?.[2]?.content, 'REPLY');
  const fresh = src.get(4);
  src.onResponse?.(t1, { ok: true, text: 'R2' });
  assert.deepEqual((await fresh).messages?.map((m) => m.role), ['system', 'user'], 'a new conversation after `turns` turns');
  src.close?.();
});

test('fmperf multi_round_qa: first turn with system prompt and user context, history grows, completions flattened', async () => {
  const cfg = { num_users: 2, num_rounds: 2, system_prompt: 3, chat_history: 2, answer_len: 7, init_user_id: 1 };
  const chat = await dataSources.get('multi_round_qa').create(cfg, ctx({ api: 'chat' }));
  const u1 = await chat.get(0);
  assert.equal(u1.messages?.[0]?.content, `Hi, here's some system prompt: hi hi hi For user 1, here are some other context: hi hi .${mrqQuestion(1)}`);
  assert.deepEqual(u1.headers, { 'x-user-id': '1' });
  assert.equal(u1.maxTokens, 7);
  const u2 = await chat.get(1);
  assert.equal(u2.tags?.user, 2);
  const next = chat.get(2);
  chat.onResponse?.(u1, { ok: true, text: 'Once upon a time' });
  const r2 = await next;
  assert.deepEqual(r2.messages?.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.equal(r2.messages?.[2]?.content, mrqQuestion(2));
  const newUser = chat.get(4);
  chat.onResponse?.(r2, { ok: true, text: 'The end' });
  assert.equal((await newUser).tags?.user, 3, 'after num_rounds the slot gets a new user');
  chat.close?.();
  const comp = await dataSources.get('multi_round_qa').create(cfg, ctx());
  const c0 = await comp.get(0);
  assert.match(c0.prompt as string, /^USER: Hi, here's some system prompt: .*\nASSISTANT:$/s);
});

test('fmperf multi_round_qa with planned turns: each user\'s questions chained, the steady-state first question carries the context', async () => {
  const turns = [
    { user: 5, question: 3, first: true },
    { user: 6, question: 1, first: true },
    { user: 5, question: 4, first: false },
  ];
  const src = await dataSources.get('multi_round_qa').create({ system_prompt: 1, chat_history: 1, answer_len: 4, turns }, ctx({ api: 'chat' }));
  const a = await src.get(0);
  assert.equal(a.messages?.[0]?.content, `Hi, here's some system prompt: hi For user 5, here are some other context: hi .${mrqQuestion(3)}`);
  assert.equal(src.sessionKeyOf?.(2), src.sessionKeyOf?.(0));
  assert.notEqual(src.sessionKeyOf?.(1), src.sessionKeyOf?.(0));
  const b = await src.get(1);
  assert.deepEqual(b.headers, { 'x-user-id': '6' });
  let released = false;
  const c = Promise.resolve(src.get(2)).then((x) => ((released = true), x));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(released, false, "user 5's next question waits for its previous answer");
  src.onResponse?.(a, { ok: true, text: 'ANSWER' });
  const cs = await c;
  assert.deepEqual(cs.messages?.map((m) => m.content), [a.messages?.[0]?.content, 'ANSWER', mrqQuestion(4)]);
  assert.deepEqual([cs.tags?.user, cs.tags?.question, cs.maxTokens], [5, 4, 4]);
  src.close?.();
});

test('fmperf multi_round_qa planned turns: a late user\'s next question waits gap_s after its late send (LMBenchmark), an on-time one does not', async () => {
  const turns = [
    { user: 1, question: 1, first: true },
    { user: 1, question: 2, first: false },
    { user: 1, question: 3, first: false },
  ];
  const src = await dataSources.get('multi_round_qa').create({ system_prompt: 0, chat_history: 0, answer_len: 2, turns, gap_s: 0.2 }, ctx({ api: 'chat' }));
  const q1 = await src.get(0);
  // on time (sent 5 ms after plan): the plan holds, q2 is released at once
  const t0 = Date.now();
  const q2p = Promise.resolve(src.get(1));
  src.onResponse?.(q1, { ok: true, text: 'a', scheduledAtMs: 1000, sentAtMs: 1005, endAtMs: 1300 });
  const q2 = await q2p;
  assert.ok(Date.now() - t0 < 50, 'on schedule: no wait');
  // late (sent 150 ms after plan, answered 50 ms later): q3 waits until 200 ms after that send → 150 ms
  const t1 = Date.now();
  const q3p = Promise.resolve(src.get(2));
  src.onResponse?.(q2, { ok: true, text: 'b', scheduledAtMs: 2000, sentAtMs: 2150, endAtMs: 2200 });
  await q3p;
  const waited = Date.now() - t1;
  assert.ok(waited >= 140 && waited < 400, `waited ${waited} ms`);
  src.close?.();
});

test('dataset: fixed output length and a total-token cap (vllm bench sharegpt filters)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-ds2-'));
  const long = Array.from({ length: 400 }, () => 'word').join(' ');
  writeFileSync(join(dir, 'd.json'), JSON.stringify([
    { conversations: [{ from: 'human', value: long }, { from: 'gpt', value: long }] },
    { conversations: [{ from: 'human', value: 'short prompt here' }, { from: 'gpt', value: 'short answer here' }] },
  ]));
  const capped = await dataSources.get('sharegpt').create({ path: dir, max_total_tokens: 500 }, ctx());
  assert.equal((await capped.get(0)).prompt, 'short prompt here');
  const fixed = await dataSources.get('sharegpt').create({ path: dir, fixed_output_len: 33 }, ctx());
  assert.equal((await fixed.get(0)).maxTokens, 33);
});

test('guidellm synthetic_text prefix_seed: sources with the same prefix seed share their prefixes, whatever their own seed', async () => {
  const mk = async (seed: number, prefixSeed: number): Promise<string> => {
    const src = await dataSources.get('synthetic_text').create({ prompt_tokens: 8, output_tokens: 4, prefix_tokens: 20, prefix_count: 1, prefix_seed: prefixSeed }, { ...ctx({ api: 'chat' }), seed });
    const spec = await src.get(0);
    return spec.messages![0]!.content;
  };
  const a = await mk(1, 7);
  assert.equal(await mk(2, 7), a);
  assert.notEqual(await mk(1, 8), a);
});
