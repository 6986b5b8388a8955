import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILTIN_PROFILES_DIR,
  findTemplate,
  listHarnessDirs,
  listTemplates,
  profilesDir,
  readDescription,
} from '../../../src/profiles/catalog.ts';
import { LlmdbenchError } from '../../../src/util/errors.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'llmdbench-catalog-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function mk(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}
const dir = path.join(tmp, 'profiles');
mk('profiles/inference-perf/sanity_random.yaml.in', '# description: sanity one\nload: {}\n');
mk('profiles/inference-perf/chatbot_synthetic.yaml.in', '# description: chat\nload: {}\n');
mk('profiles/inference-perf/plain.yaml', '# description: a plain one\nload: {}\n');
mk('profiles/guidellm/sanity_concurrent.yaml.in', '---\n# description: gl\nspec: {}\n');
mk('profiles/nop/nop.yaml.in', 'model_name: x\n');
mk('profiles/nop/README.md', 'not a template');
const own = mk('mine/custom.yaml', 'load: {type: constant}\n');

function catchErr(fn: () => unknown): LlmdbenchError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LlmdbenchError, String(e));
    return e;
  }
  assert.fail('expected an error');
}

test('profiles directory: option, then LLMDBENCH_HARNESS_PROFILES_DIR, then built-in', () => {
  assert.equal(profilesDir({ dir, env: { LLMDBENCH_HARNESS_PROFILES_DIR: '/nope' } }), dir);
  assert.equal(profilesDir({ env: { LLMDBENCH_HARNESS_PROFILES_DIR: dir } }), dir);
  assert.equal(profilesDir({ env: {} }), BUILTIN_PROFILES_DIR);
  assert.ok(BUILTIN_PROFILES_DIR.endsWith(path.join('workload', 'profiles')));
  assert.equal(catchErr(() => listHarnessDirs({ dir: path.join(tmp, 'missing') })).code, 'E_PROFILES_DIR');
});

test('listHarnessDirs and listTemplates', () => {
  assert.deepEqual(listHarnessDirs({ dir }), ['guidellm', 'inference-perf', 'nop']);
  const all = listTemplates(undefined, { env: { LLMDBENCH_HARNESS_PROFILES_DIR: dir } });
  assert.deepEqual(
    all.map((t) => [t.harness, t.name, t.description]),
    [
      ['guidellm', 'sanity_concurrent', 'gl'],
      ['inference-perf', 'chatbot_synthetic', 'chat'],
      ['inference-perf', 'plain', 'a plain one'],
      ['inference-perf', 'sanity_random', 'sanity one'],
      ['nop', 'nop', ''],
    ],
  );
  assert.deepEqual(listTemplates('nop', { dir }).map((t) => t.path), [path.join(dir, 'nop', 'nop.yaml.in')]);
});

test('findTemplate accepts a name, name.yaml, name.yaml.in and file paths', () => {
  const want = path.join(dir, 'inference-perf', 'sanity_random.yaml.in');
  for (const n of ['sanity_random', 'sanity_random.yaml', 'sanity_random.yaml.in']) {
    const t = findTemplate('inference-perf', n, { dir });
    assert.equal(t.path, want, n);
    assert.equal(t.name, 'sanity_random');
  }
  assert.equal(findTemplate('inference-perf', 'plain', { dir }).path, path.join(dir, 'inference-perf', 'plain.yaml'));
  const abs = findTemplate('inference-perf', own, { dir });
  assert.deepEqual([abs.path, abs.name, abs.harness], [own, 'custom', 'inference-perf']);
  assert.equal(findTemplate('inference-perf', 'mine/custom.yaml', { dir, cwd: tmp }).path, own);
  assert.equal(findTemplate('inference-perf', 'custom.yaml', { dir, cwd: path.join(tmp, 'mine') }).path, own);
  assert.equal(catchErr(() => findTemplate('inference-perf', './nope.yaml', { dir, cwd: tmp })).code, 'E_PROFILE_NOT_FOUND');
});

test('unknown profile lists the closest names and other harnesses that have it', () => {
  const e = catchErr(() => findTemplate('inference-perf', 'sanity_randm', { dir }));
  assert.equal(e.code, 'E_UNKNOWN_PROFILE');
  assert.match(e.hint ?? '', /"sanity_random"/);
  assert.match(e.details.join('\n'), /chatbot_synthetic, plain, sanity_random/);
  const e2 = catchErr(() => findTemplate('inference-perf', 'sanity_concurrent', { dir }));
  assert.match(e2.details.join('\n'), /"sanity_concurrent" exists for harness guidellm/);
  assert.match(e2.hint ?? '', /-l guidellm -w sanity_concurrent/);
});

test('unknown harness lists the harnesses', () => {
  const e = catchErr(() => findTemplate('inference_perf', 'sanity_random', { dir }));
  assert.equal(e.code, 'E_UNKNOWN_HARNESS');
  assert.match(e.hint ?? '', /"inference-perf"/);
  assert.match(e.details.join('\n'), /guidellm, inference-perf, nop/);
  assert.equal(catchErr(() => listTemplates('vllm', { dir })).code, 'E_UNKNOWN_HARNESS');
});

test('readDescription reads the leading comment block only', () => {
  assert.equal(readDescription('# description: a b c \nx: 1\n'), 'a b c');
  assert.equal(readDescription('---\n# other\n# Description: later\nx: 1\n'), 'later');
  assert.equal(readDescription('x: 1\n# description: too late\n'), '');
});

test('the built-in catalog finds the seed profile', () => {
  const t = findTemplate('inference-perf', 'sanity_random', { env: {} });
  assert.equal(t.path, path.join(BUILTIN_PROFILES_DIR, 'inference-perf', 'sanity_random.yaml.in'));
  assert.match(t.description, /1 req\/s for 30 s/);
});
