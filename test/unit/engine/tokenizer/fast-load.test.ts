import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { cacheFileFor, loadCachedCore, saveCachedCore } from '../../../../src/engine/tokenizer/fast-load.ts';
import { buildCore, readTokenizerFiles } from '../../../../src/engine/tokenizer/hf.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { shippedTokenizerFile, patchShippedPostProcessor } from '../../../../src/engine/tokenizer/shipped.ts';
import { PackedMap, buildTable, packMap, packStrings } from '../../../../src/engine/tokenizer/packed.ts';
import { tinyTokenizerJson } from './fixtures.ts';

const TEXTS = ['the cat sat on the mat', 'dog ran far away home', 'thecat  "sat"\\ on\tthe\nmat 123 naïve 🙂', '<s>the<s> cat', ''];

function fixture(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-fastload-'));
  const file = join(dir, 'tokenizer.json');
  writeFileSync(file, JSON.stringify(tinyTokenizerJson()));
  return { dir, file };
}

test('fast-load: a cached build encodes and decodes exactly as a fresh build, and is used by buildCore', () => {
  const { dir, file } = fixture();
  const variant = `test-${process.pid}-${Date.now()}`;
  try {
    assert.equal(loadCachedCore(file, variant), undefined, 'nothing cached yet');
    const first = buildCore(file, undefined, variant); // builds and saves
    const cached = loadCachedCore(file, variant);
    assert.ok(cached, 'the build was kept');
    const { json, config } = readTokenizerFiles(file);
    const fresh = new HfCore(json, config);
    for (const t of TEXTS) {
      for (const special of [true, false]) {
        const want = fresh.encode(t, { add_special_tokens: special }).ids;
        assert.deepEqual(cached.core.encode(t, { add_special_tokens: special }).ids, want, `${JSON.stringify(t)} special ${special}`);
        assert.deepEqual(first.core.encode(t, { add_special_tokens: special }).ids, want);
        if (want.length > 0) assert.equal(cached.core.decode(want, {}), fresh.decode(want, {}));
      }
    }
    assert.deepEqual([...cached.specialIds], [...first.specialIds]);
    assert.equal(cached.vocabSize, first.vocabSize);
    assert.equal(cached.numSpecialTokensToAdd, first.numSpecialTokensToAdd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fast-load: a changed tokenizer file, another variant or a corrupt cache file is not used', () => {
  const { dir, file } = fixture();
  const variant = `test-${process.pid}-${Date.now()}-b`;
  try {
    const { json, config } = readTokenizerFiles(file);
    const core = new HfCore(json, config);
    saveCachedCore(file, variant, json, config, { core, specialIds: new Set([0]), vocabSize: 10, numSpecialTokensToAdd: 1 });
    assert.ok(loadCachedCore(file, variant));
    assert.equal(loadCachedCore(file, `${variant}-other`), undefined, 'other variant');
    // corrupt bytes: ignored
    writeFileSync(cacheFileFor(file, variant) as string, 'not a packed file');
    assert.equal(loadCachedCore(file, variant), undefined, 'corrupt file');
    // the file changed (size / mtime are in the key): the old entry is not found
    saveCachedCore(file, variant, json, config, { core, specialIds: new Set([0]), vocabSize: 10, numSpecialTokensToAdd: 1 });
    writeFileSync(file, JSON.stringify({ ...tinyTokenizerJson(), version: '1.1' }));
    assert.equal(loadCachedCore(file, variant), undefined, 'changed file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('packed map: every key found with its value, absent keys not, later sets win', () => {
  const m = new Map<string, number>();
  for (let i = 0; i < 5000; i++) m.set(`["k${i}","\u0120${i % 97}"]`, i * 3 - 7);
  m.set('', 42);
  const p = packMap(m);
  assert.ok(p);
  const pm = new PackedMap(p.keys, p.values, p.table);
  for (const [k, v] of m) assert.equal(pm.get(k), v, k);
  assert.equal(pm.get('["k1","\u01201"'), undefined, 'a prefix of a key');
  assert.equal(pm.get('["k1","\u01201"]x'), undefined, 'a key with more after it');
  assert.equal(pm.has('nope'), false);
  pm.set('nope', 5).set('["k1","\u01201"]', 9);
  assert.equal(pm.get('nope'), 5);
  assert.equal(pm.get('["k1","\u01201"]'), 9);
  assert.equal(buildTable(packStrings(['a', 'b', 'c'])).length, 16);
});

/** Text of every Markdown file in docs/ plus lines that stress the byte-level alphabet and added tokens. */
function corpus(): string[] {
  const docs = new URL('../../../../docs/', import.meta.url);
  const out = readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => readFileSync(new URL(f, docs), 'utf8').split(/\n\n+/));
  out.push('naïve “quotes” émojis 🙂🙃 中文 日本語 한국어 Ελληνικά русский العربية', '\t\t  \n\r\n  x', '<|begin_of_text|>hi<|eot_id|><|start_header_id|>user<|end_header_id|>', '1234567890 3.14159 0xdeadbeef', '');
  return out;
}

test('packed Llama-3 tokenizer: a corpus encodes to exactly the ids of a fresh build from tokenizer.json, and decodes alike', () => {
  const file = shippedTokenizerFile();
  const variant = `test-packed-${process.pid}-${Date.now()}`;
  const patch = (json: Record<string, unknown>): void => patchShippedPostProcessor(json);
  const { json, config } = readTokenizerFiles(file);
  patch(json);
  const fresh = new HfCore(json, config);
  const built = buildCore(file, patch, variant); // fresh build, saved packed to the temp cache
  const saved = cacheFileFor(file, variant) as string;
  try {
    const packed = loadCachedCore(file, variant);
    assert.ok(packed, 'the packed file was written and reads back');
    const texts = corpus();
    assert.ok(texts.length > 200, 'a real corpus');
    let ids = 0;
    for (const t of texts) {
      for (const special of [true, false]) {
        const want = fresh.encode(t, { add_special_tokens: special }).ids;
        assert.deepEqual(packed.core.encode(t, { add_special_tokens: special }).ids, want, t.slice(0, 80));
        ids += want.length;
        if (want.length > 0) assert.equal(packed.core.decode(want, {}), fresh.decode(want, {}));
      }
    }
    assert.ok(ids > 50_000, `${ids} ids compared`);
    for (const id of [0, 1, 128000, 128009, 128255, 127999]) assert.equal(packed.core.id_to_token(id), fresh.id_to_token(id));
    assert.equal(packed.core.token_to_id('<|eot_id|>'), 128009);
    assert.deepEqual([...packed.specialIds].sort(), [...built.specialIds].sort());
    assert.equal(packed.vocabSize, 128256);
  } finally {
    rmSync(saved, { force: true });
  }
});
