import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataSources, SYNTHETIC_INSTRUCTION, type DataSourceContext } from '../../../../src/engine/datagen/index.ts';
import { loadShippedTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import type { RequestSpec } from '../../../../src/engine/types.ts';
import { captureLogger } from '../tokenizer/fixtures.ts';

const tokenizer = loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct');
const ctx = (over: Partial<DataSourceContext> = {}): DataSourceContext => ({
  tokenizer,
  seed: 42,
  api: 'completion',
  stream: true,
  log: captureLogger().log,
  ...over,
});

test('the registry has every source and unknown kinds suggest the closest', () => {
  for (const k of ['random', 'synthetic', 'shared_prefix', 'sharegpt', 'dataset', 'conversation_replay', 'mock']) assert.ok(dataSources.has(k), k);
  assert.throws(() => dataSources.get('randon'), (e: Error & { hint?: string }) => /did you mean "random"/.test(e.hint ?? ''));
});

test('random: exact prompt lengths, max_tokens from the output distribution, deterministic by seed', async () => {
  const cfg = {
    input_distribution: { mean: 200, std_dev: 150, min: 20, max: 400 },
    output_distribution: { type: 'uniform', min: 5, max: 9 },
  };
  assert.deepEqual(dataSources.get('random').validate(cfg, ['data']), []);
  const a = await dataSources.get('random').create(cfg, ctx());
  const b = await dataSources.get('random').create(cfg, ctx());
  const c = await dataSources.get('random').create(cfg, ctx({ seed: 43 }));
  const lens: number[] = [];
  for (let i = 0; i < 60; i++) {
    const s = (await a.get(i)) as RequestSpec;
    assert.equal(s.api, 'completion');
    assert.equal(typeof s.prompt, 'string');
    assert.equal(tokenizer.count(s.prompt as string), s.promptTokensClient, `request ${i}`);
    assert.ok((s.promptTokensClient as number) >= 20 && (s.promptTokensClient as number) <= 400);
    assert.ok((s.maxTokens as number) >= 5 && (s.maxTokens as number) <= 9);
    lens.push(s.promptTokensClient as number);
    assert.deepEqual(await b.get(i), s);
  }
  assert.ok(lens.includes(20) && lens.includes(400), 'clipping puts mass at both bounds');
  assert.notDeepEqual(await c.get(0), await a.get(0));
  // chat: one user message with the same text
  const chat = await dataSources.get('random').create(cfg, ctx({ api: 'chat' }));
  const m = (await chat.get(3)) as RequestSpec;
  assert.deepEqual(m.messages, [{ role: 'user', content: (await a.get(3) as RequestSpec).prompt }]);
});

test('random: config errors are all reported with key paths; create refuses invalid config', async () => {
  const bad = { input_distribution: { mean: 5, min: 10, max: 20 } };
  const issues = dataSources.get('random').validate(bad, ['data']);
  assert.deepEqual(issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.')).sort(), ['data.input_distribution.mean', 'data.output_distribution']);
  await assert.rejects(dataSources.get('random').create(bad, ctx()), (e: Error & { code?: string; details?: string[] }) => {
    assert.equal(e.code, 'E_DATA_CONFIG');
    assert.equal(e.details?.length, 1);
    return true;
  });
});

test('synthetic: instruction line + corpus slice of exactly the drawn length', async () => {
  const cfg = { input_distribution: { mean: 300, std_dev: 400, min: 5, max: 6000 }, output_distribution: { type: 'fixed', mean: 20 } };
  const src = await dataSources.get('synthetic').create(cfg, ctx());
  for (let i = 0; i < 25; i++) {
    const s = (await src.get(i)) as RequestSpec;
    assert.equal(tokenizer.count(s.prompt as string), s.promptTokensClient, `request ${i}`);
    if ((s.promptTokensClient as number) > 20) assert.ok((s.prompt as string).startsWith(SYNTHETIC_INSTRUCTION));
    assert.equal(s.maxTokens, 20);
  }
  assert.ok(((await src.get(0)) as RequestSpec).prompt !== ((await src.get(1)) as RequestSpec).prompt);
});

test('shared_prefix: groups × prompts, same prefix within a group, distinct across groups, shuffled once', async () => {
  const cfg = { num_groups: 4, num_prompts_per_group: 5, system_prompt_len: 60, question_len: 12, output_len: 7 };
  const src = await dataSources.get('shared_prefix').create(cfg, ctx());
  assert.equal(src.size, 20);
  const specs = await Promise.all(Array.from({ length: 20 }, (_, i) => src.get(i)));
  const byGroup = new Map<number, string[]>();
  const seen = new Set<string>();
  for (const s of specs) {
    const text = s.prompt as string;
    assert.equal(tokenizer.count(text), 60 + 12 + 1);
    assert.equal(s.promptTokensClient, 73);
    assert.equal(s.maxTokens, 7);
    const ids = tokenizer.encode(text, { addSpecialTokens: false });
    const prefix = tokenizer.decode(ids.slice(0, 60));
    const g = s.tags?.group as number;
    byGroup.set(g, [...(byGroup.get(g) ?? []), prefix]);
    seen.add(`${g}/${s.tags?.user}`);
  }
  assert.equal(seen.size, 20, 'every (group, prompt) pair once per cycle');
  assert.equal(byGroup.size, 4);
  const firstPrefixes = [...byGroup.values()].map((ps) => {
    assert.ok(ps.every((p) => p === ps[0]), 'one prefix per group');
    return ps[0];
  });
  assert.equal(new Set(firstPrefixes).size, 4, 'different prefixes across groups');
  // shuffled (not group-major order), deterministically, and cycling with index mod total
  assert.notDeepEqual(specs.map((s) => s.tags?.group), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
  const again = await dataSources.get('shared_prefix').create(cfg, ctx());
  assert.deepEqual((await again.get(7)).prompt, specs[7]?.prompt);
  assert.equal((await src.get(27)).prompt, specs[7]?.prompt);
  // distributions for lengths; legacy question_distribution overrides question_len
  const d = await dataSources
    .get('shared_prefix')
    .create({ num_groups: 2, num_prompts_per_group: 10, system_prompt_len: 30, question_distribution: { type: 'uniform', min: 3, max: 8 } }, ctx());
  const ql = await Promise.all(Array.from({ length: 20 }, async (_, i) => tokenizer.count((await d.get(i)).prompt as string) - 31));
  assert.ok(ql.every((q) => q >= 3 && q <= 8) && new Set(ql).size > 1, ql.join(','));
});

test('shared_prefix multi-turn: sessions serialise rounds and the context grows with each response', async () => {
  const src = await dataSources
    .get('shared_prefix')
    .create({ num_groups: 2, num_prompts_per_group: 2, system_prompt_len: 20, question_len: 5, output_len: 4, enable_multi_turn_chat: true }, ctx());
  assert.equal(src.sessions, true);
  const total = 4;
  assert.equal(src.sessionKeyOf?.(1), src.sessionKeyOf?.(1 + total));
  const r0 = await src.get(1);
  let r1Resolved = false;
  const r1p = Promise.resolve(src.get(1 + total)).then((s) => ((r1Resolved = true), s));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(r1Resolved, false, 'round 1 waits for round 0 of the same session');
  const other = await src.get(2); // another session is not blocked
  assert.notEqual(other.sessionKey, r0.sessionKey);
  src.onResponse?.(r0, { ok: true, text: 'ANSWER-ONE' });
  const r1 = await r1p;
  assert.ok((r1.prompt as string).startsWith(`${r0.prompt} ANSWER-ONE`), 'context = previous prompt + response');
  assert.ok(tokenizer.count(r1.prompt as string) > tokenizer.count(r0.prompt as string) + 5);
  assert.equal(r1.tags?.turn, 1);
  // a failed turn releases the session without growing the context
  const r2p = src.get(1 + 2 * total);
  src.onResponse?.(r1, { ok: false });
  const r2 = await r2p;
  assert.ok((r2.prompt as string).startsWith(`${r0.prompt} ANSWER-ONE`));
  assert.ok(!(r2.prompt as string).includes(`${r1.prompt} `));
  src.close?.();
});

test('conversation_replay: closed-loop turns per slot, tool-call latency before the next turn, fresh conversation after the last', async () => {
  const src = await dataSources.get('conversation_replay').create(
    {
      num_conversations: 2,
      shared_system_prompt_len: 30,
      dynamic_system_prompt_len: { type: 'fixed', mean: 10 },
      turns_per_conversation: 2,
      input_tokens_per_turn: 6,
      output_tokens_per_turn: 3,
      tool_call_latency_sec: 0.05,
    },
    ctx(),
  );
  const a0 = await src.get(0);
  const b0 = await src.get(1);
  assert.equal(tokenizer.count(a0.prompt as string), 30 + 10 + 6 + 1);
  const shared = tokenizer.decode(tokenizer.encode(a0.prompt as string, { addSpecialTokens: false }).slice(0, 30));
  assert.ok((b0.prompt as string).startsWith(shared), 'the shared system prefix is common to all conversations');
  assert.notEqual(a0.prompt, b0.prompt);
  assert.equal(a0.maxTokens, 3);
  const t0 = performance.now();
  const a1p = src.get(2);
  src.onResponse?.(a0, { ok: true, text: 'tool result' });
  const a1 = await a1p;
  const waited = performance.now() - t0;
  assert.ok(waited >= 40, `tool latency respected (${waited.toFixed(1)} ms)`);
  assert.ok((a1.prompt as string).startsWith(`${a0.prompt} tool result`));
  assert.equal(a1.tags?.turn, 1);
  const a2p = src.get(4);
  src.onResponse?.(a1, { ok: true, text: 'done' });
  const a2 = await a2p;
  assert.equal(a2.tags?.turn, 0, 'after the last turn the slot starts a fresh conversation');
  assert.notEqual(a2.tags?.conversation, a0.tags?.conversation);
  assert.ok((a2.prompt as string).startsWith(shared));
  src.close?.();
});

test('mock: fixed short prompts', async () => {
  const c = await dataSources.get('mock').create({}, ctx());
  assert.equal((await c.get(5)).prompt, '1 2 3 5');
  const m = await dataSources.get('mock').create({ default_max_tokens: 30 }, ctx({ api: 'chat' }));
  const s = await m.get(2);
  assert.deepEqual(s.messages, [{ role: 'user', content: 'mock prompt 2' }]);
  assert.equal(s.maxTokens, 30);
});

test('synthetic: a custom corpus; the re-encode path for tokenizers whose lines do not compose', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadTokenizer } = await import('../../../../src/engine/tokenizer/index.ts');
  const { writeTinyTokenizer } = await import('../tokenizer/fixtures.ts');
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-syn-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the cat sat on the mat\n\nthe dog ran far away home\n');
  const tiny = await loadTokenizer({ path: writeTinyTokenizer(dir), log: captureLogger().log });
  const cfg = { corpus_file_path: corpus, input_distribution: { mean: 40, std_dev: 30, min: 1, max: 120 }, output_distribution: { type: 'fixed', mean: 4 } };
  const src = await dataSources.get('synthetic').create(cfg, ctx({ tokenizer: tiny }));
  for (let i = 0; i < 20; i++) {
    const s = await src.get(i);
    assert.equal(tiny.count(s.prompt as string), s.promptTokensClient, `request ${i}`);
  }
  const l3 = await dataSources.get('synthetic').create({ ...cfg, input_distribution: { mean: 300, std_dev: 10, min: 250, max: 350 } }, ctx());
  const s = await l3.get(0);
  assert.equal(tokenizer.count(s.prompt as string), s.promptTokensClient);
  assert.match(s.prompt as string, /the (cat|dog)/);
  await assert.rejects(dataSources.get('synthetic').create({ ...cfg, corpus_file_path: join(dir, 'missing.txt') }, ctx()), /cannot read corpus/);
});

test('conversation_replay keeps prompt + max_tokens within max_model_len (history first, then the system tail)', async () => {
  const src = await dataSources.get('conversation_replay').create(
    {
      num_conversations: 1,
      shared_system_prompt_len: 100,
      dynamic_system_prompt_len: 5000,
      turns_per_conversation: 3,
      input_tokens_per_turn: 50,
      output_tokens_per_turn: 20,
      max_model_len: 1000,
    },
    ctx(),
  );
  const a = await src.get(0);
  const n = tokenizer.count(a.prompt as string);
  assert.ok(n + 20 <= 1000 - 200 + 1, `prompt ${n} tokens`);
  assert.ok(n >= 700, 'cut to the budget, not beyond');
  const next = src.get(1);
  src.onResponse?.(a, { ok: true, text: 'x '.repeat(300) });
  const b = await next;
  assert.ok(tokenizer.count(b.prompt as string) + 20 <= 801);
  src.close?.();
});

test('shared_prefix multi-turn stays within max_model_len by dropping the oldest turns, keeping the group prefix', async () => {
  const src = await dataSources
    .get('shared_prefix')
    .create({ num_groups: 1, num_prompts_per_group: 1, system_prompt_len: 100, question_len: 20, output_len: 10, enable_multi_turn_chat: true }, ctx({ maxModelLen: 600 }));
  let spec = await src.get(0);
  const prefix = (spec.prompt as string).slice(0, 300);
  for (let r = 1; r < 8; r++) {
    const next = src.get(r);
    src.onResponse?.(spec, { ok: true, text: Array.from({ length: 30 }, (_, k) => `answer${r}x${k}`).join(' ') });
    spec = await next;
    const n = tokenizer.count(spec.prompt as string);
    assert.ok(n <= 600 - 10 - 200, `round ${r}: ${n} tokens`);
    assert.ok((spec.prompt as string).startsWith(prefix), 'the shared prefix stays');
  }
  assert.ok((spec.prompt as string).includes('answer7x0'), 'the latest answer is kept');
  assert.ok(!(spec.prompt as string).includes('answer1x0'), 'the oldest turns are dropped');
  src.close?.();
});
