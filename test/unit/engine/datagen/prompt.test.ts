import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PromptBuilder, promptBuilder } from '../../../../src/engine/datagen/prompt.ts';
import { clearTokenizerCache, loadShippedTokenizer, loadTokenizer, type LoadedTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import { cacheKeys } from '../../../../src/engine/tokenizer/fast-load.ts';
import { Rng } from '../../../../src/util/rng.ts';
import { writeFileSync } from 'node:fs';
import { captureLogger, metaspaceTokenizerJson, syllableWords, writeTinyTokenizer } from '../tokenizer/fixtures.ts';

test('prompts tokenize to exactly the target length (Llama-3, BOS counted), from 1 to 8192 tokens', () => {
  const tok = loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct');
  const pb = promptBuilder(tok);
  assert.equal(pb.composable, true);
  assert.ok(pb.poolSize >= 4096, `pool ${pb.poolSize}`);
  assert.equal(pb.numSpecial, 1);
  const rng = new Rng(123);
  const lengths = [1, 2, 3, 4, 5, 10, 17, 64, 100, 127, 128, 129, 500, 1000, 2048, 4097, 8192];
  for (let i = 0; i < 60; i++) lengths.push(rng.int(1, 3000));
  for (const n of lengths) {
    const text = pb.exact(n, rng.fork(n));
    assert.equal(tok.count(text), n, `length ${n}`);
  }
  assert.equal(pb.exact(1, rng), '', 'one token = BOS only');
  // word counts: content tokens without special tokens
  assert.equal(tok.count(pb.words(300, rng), { addSpecialTokens: false }), 300);
});

test('same seed, same prompt; different seeds, different prompts', () => {
  const pb = promptBuilder(loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct'));
  assert.equal(pb.exact(50, new Rng(1)), pb.exact(50, new Rng(1)));
  assert.notEqual(pb.exact(50, new Rng(1)), pb.exact(50, new Rng(2)));
});

test('a tokenizer without a composable word pool uses the re-encode path and still hits the length', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-pb-'));
  const tok = await loadTokenizer({ path: writeTinyTokenizer(dir), log: captureLogger().log });
  const pb = new PromptBuilder(tok);
  assert.equal(pb.composable, false, 'the tiny fixture has too few word tokens for the fast path');
  const rng = new Rng(8);
  for (const n of [1, 2, 3, 9, 40, 150]) assert.equal(tok.count(pb.exact(n, rng)), n, `length ${n}`);
});

test('the word pool leaves out offensive words', () => {
  const tok = loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct');
  const pb = promptBuilder(tok);
  const text = pb.words(100_000, new Rng(77));
  // ordinary words of the same kind are there (the pool covers ~16k words)
  assert.ok(text.includes(' the ') || text.includes(' and '));
  for (const w of ['fuck', 'shit', 'asshole', 'vaginal', 'porn']) {
    assert.equal(tok.count(` ${w}`, { addSpecialTokens: false }), 1, `${w} is a single vocabulary token, a pool candidate`);
    assert.ok(!text.includes(` ${w}`), w);
  }
});

test('sentencepiece-style (Metaspace) tokenizers: composable word pool when large enough, exact either way', async () => {
  for (const [nWords, fast] of [[400, true], [30, false]] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'llmdbench-ms-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(metaspaceTokenizerJson(syllableWords(nWords))));
    const tok = await loadTokenizer({ path: dir, log: captureLogger().log });
    const pb = new PromptBuilder(tok);
    assert.equal(pb.composable, fast, `${nWords} words`);
    const rng = new Rng(4);
    for (const n of [1, 2, 3, 10, 77, 300]) {
      const text = pb.exact(n, rng);
      assert.equal(tok.count(text), n, `${nWords} words, length ${n}`);
      assert.ok(!/<\/?s>|<unk>/.test(text), 'no special tokens in prompts');
    }
  }
});

test('the word pool is kept beside the tokenizer cache: the next builder reads it (same prompts), a copy failing its check is not used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-pool-'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(metaspaceTokenizerJson(syllableWords(400))));
  const load = async () => {
    clearTokenizerCache();
    return (await loadTokenizer({ path: dir, log: captureLogger().log })) as LoadedTokenizer & { cacheId: { file: string; variant: string } };
  };
  const tok = await load();
  assert.ok(tok.cacheId, 'a tokenizer loaded from a file has a cache key');
  const poolFile = () => readdirSync(join(tmpdir(), 'llmdbench-tokenizers')).find((f) => f.startsWith(`${cacheKeys(tok.cacheId.file, tok.cacheId.variant)?.temp}.prompt-pool-`));
  const first = new PromptBuilder(tok); // scans the vocabulary and keeps the pool
  const name = poolFile();
  assert.ok(name, 'the pool was written');
  const path = join(tmpdir(), 'llmdbench-tokenizers', name);
  try {
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { pieces: string[]; pieceIds: number[]; slowIds: number[]; composable: boolean };
    assert.equal(kept.pieces.length, first.poolSize);
    assert.equal(kept.composable, true);
    const second = new PromptBuilder(await load());
    assert.equal(second.poolSize, first.poolSize);
    for (const n of [2, 40, 300]) assert.equal(second.exact(n, new Rng(n)), first.exact(n, new Rng(n)));
    // a kept copy is what the builder uses: a valid smaller pool shows through
    writeFileSync(path, JSON.stringify({ ...kept, pieces: kept.pieces.slice(0, 300), pieceIds: kept.pieceIds.slice(0, 300) }));
    assert.equal(new PromptBuilder(await load()).poolSize, 300);
    // a piece that no longer encodes to its id (another tokenizer under the same key): scanned afresh
    writeFileSync(path, JSON.stringify({ ...kept, pieceIds: kept.pieceIds.map((id) => id + 1) }));
    const rescanned = new PromptBuilder(await load());
    assert.equal(rescanned.poolSize, first.poolSize);
    assert.equal(rescanned.exact(40, new Rng(40)), first.exact(40, new Rng(40)));
    writeFileSync(path, '{not json');
    assert.equal(new PromptBuilder(await load()).poolSize, first.poolSize);
  } finally {
    rmSync(path, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
