import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { cacheFileFor, loadCachedCore, saveCachedCore } from '../../../../src/engine/tokenizer/fast-load.ts';
import { buildCore, readTokenizerFiles } from '../../../../src/engine/tokenizer/hf.ts';
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
    writeFileSync(cacheFileFor(file, variant) as string, 'not v8');
    assert.equal(loadCachedCore(file, variant), undefined, 'corrupt file');
    // the file changed (size / mtime are in the key): the old entry is not found
    saveCachedCore(file, variant, json, config, { core, specialIds: new Set([0]), vocabSize: 10, numSpecialTokensToAdd: 1 });
    writeFileSync(file, JSON.stringify({ ...tinyTokenizerJson(), version: '1.1' }));
    assert.equal(loadCachedCore(file, variant), undefined, 'changed file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
