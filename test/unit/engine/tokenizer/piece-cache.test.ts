import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { readTokenizerFiles } from '../../../../src/engine/tokenizer/hf.ts';
import { loadTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import { PieceCachedEncoder } from '../../../../src/engine/tokenizer/piece-cache.ts';
import { patchLlama31Names, patchShippedPostProcessor, shippedTokenizerFile } from '../../../../src/engine/tokenizer/shipped.ts';
import { captureLogger, metaspaceTokenizerJson, tinyTokenizerJson } from './fixtures.ts';
import { writeFileSync } from 'node:fs';

/** Paragraphs of the docs plus hand-picked edge cases. */
function corpus(): string[] {
  const docs = new URL('../../../../docs/', import.meta.url);
  const out = readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => readFileSync(new URL(f, docs), 'utf8').split(/\n\n+/));
  out.push('naïve “quotes” émojis 🙂🙃 中文 日本語 한국어 Ελληνικά русский العربية', '\t\t  \n\r\n  x', '<|begin_of_text|>hi<|eot_id|><|start_header_id|>user<|end_header_id|>', '1234567890 3.14159 0xdeadbeef', '');
  return out;
}

const ALPHABET = [
  'a', 'Z', 'the', ' the', 'report', 'Ünï', 'é', 'e\u0301', 'ß', '中', '文字', 'ελ', 'ру', 'ع', 'ह', '🙂', '👩‍👩‍👧', '\uD83D', '\uFEFF', '\u00A0', '\u2028', '\u0085',
  '0', '12', '345', '67890', '¼', '²', '٣', "'s", "'T", "'re", "'LL", "'", '"', '`', '.', ',', '...', '!?', '-', '--', '—', '(', ')', '{', '}', '[', ']', '<', '>', '|', '/', '\\', '#', '@', '$', '%', '^', '&', '*', '_', '=', '+', '~',
  ' ', '  ', '    ', '\t', '\n', '\n\n', '\r\n', '\r', ' \n', '\t \n ',
  '<|eot_id|>', '<|begin_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|python_tag|>', '<|reserved_special_token_7|>', '<|', '|>', '<|eot', '<s>', '</s>', '<unk>',
];

/** Seeded random texts from ALPHABET (reproducible). */
function randomTexts(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = '';
    const len = next(40);
    for (let j = 0; j < len; j++) t += ALPHABET[next(ALPHABET.length)];
    out.push(t);
  }
  return out;
}

function assertSame(core: HfCore, e: PieceCachedEncoder, texts: readonly string[]): number {
  let compared = 0;
  for (const t of texts) {
    for (const special of [true, false]) {
      const want = core.encode(t, { add_special_tokens: special }).ids;
      const got: number[] = [];
      assert.equal(e.encode(t, special, got), want.length, `count of ${JSON.stringify(t.slice(0, 80))}`);
      assert.deepEqual(got, want, JSON.stringify(t.slice(0, 80)));
      assert.equal(e.encode(t, special), want.length, 'count without ids, from the cache');
      compared += want.length;
    }
  }
  return compared;
}

test('piece cache, Llama-3.1: docs corpus and random texts encode to exactly the library ids (with and without BOS)', () => {
  const { json, config } = readTokenizerFiles(shippedTokenizerFile());
  patchShippedPostProcessor(json);
  patchLlama31Names(json);
  const core = new HfCore(json, config);
  const e = PieceCachedEncoder.create(core);
  assert.ok(e, 'the Llama-3 pipeline is one the piece cache reproduces');
  const ids = assertSame(core, e, [...corpus(), ...randomTexts(3000, 7)]);
  assert.ok(ids > 100_000, `${ids} ids compared`);
  // The same texts again, the cache now warm, and long texts made of many cached pieces.
  assertSame(core, e, randomTexts(300, 7));
  assertSame(core, e, [randomTexts(200, 11).join(''), `${'Summarize the report. '.repeat(200)}<|eot_id|>`]);
});

test('piece cache: GPT-2 style ByteLevel with its own regex (tiny fixture), and added tokens with lstrip / rstrip / normalized', () => {
  const json = tinyTokenizerJson();
  const added = json['added_tokens'] as Array<Record<string, unknown>>;
  added.push(
    { id: 900, content: '[SEP]', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
    { id: 901, content: 'catdog', single_word: false, lstrip: false, rstrip: true, normalized: true, special: false },
    { id: 902, content: ' mat', single_word: false, lstrip: true, rstrip: false, normalized: true, special: false },
  );
  const core = new HfCore(json, {});
  const e = PieceCachedEncoder.create(core);
  assert.ok(e);
  assertSame(core, e, ['the cat sat on the mat', '  the  [SEP]  cat  catdog  dog the mat  mat', '[SEP][SEP] catdog[SEP]catdog', 'x [SEP]', '[SEP] y', ...randomTexts(500, 3), ...randomTexts(200, 5).map((t) => t.replace(/<\|eot_id\|>/g, ' [SEP] ').replace(/<s>/g, 'catdog'))]);
});

test('piece cache: other pipelines (Metaspace) and a library that disagrees on a probe are left to the library', async () => {
  assert.equal(PieceCachedEncoder.create(new HfCore(metaspaceTokenizerJson(['the', 'cat']), {})), undefined);
  const core = new HfCore(tinyTokenizerJson(), {});
  const real = core.encode.bind(core);
  // a library whose ids differ from what the pieces give: the form must decline
  (core as unknown as { encode: typeof core.encode }).encode = (t: string, o?: Parameters<typeof core.encode>[1]) => {
    const r = real(t, o);
    return { ...r, ids: [...r.ids, 1] };
  };
  assert.equal(PieceCachedEncoder.create(core), undefined);
  // The tokenizer module falls back: Metaspace counts still come from the library.
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-piece-'));
  const file = join(dir, 'tokenizer.json');
  writeFileSync(file, JSON.stringify(metaspaceTokenizerJson(['the', 'cat'])));
  const t = await loadTokenizer({ path: file, log: captureLogger().log });
  assert.equal(t.count('the cat'), new HfCore(metaspaceTokenizerJson(['the', 'cat']), {}).encode('the cat').ids.length);
});

test('HfTokenizer counts and encodes through the piece cache with the library ids (shipped Llama-3.1)', async () => {
  const t = await loadTokenizer({ model: 'meta-llama/Llama-3.1-8B-Instruct', log: captureLogger().log });
  const core = (t as unknown as { core: HfCore }).core;
  for (const s of [...randomTexts(200, 13), 'Summarize the following report. '.repeat(40)]) {
    assert.deepEqual(t.encode(s), core.encode(s, { add_special_tokens: true }).ids);
    assert.equal(t.count(s, { addSpecialTokens: false }), core.encode(s, { add_special_tokens: false }).ids.length);
  }
});
