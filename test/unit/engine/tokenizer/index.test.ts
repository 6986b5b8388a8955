import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInHubCache, hubCacheDir, isLlama3Family, loadShippedTokenizer, loadTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import { captureLogger, tinyTokenizerJson, writeTinyTokenizer } from './fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'llmdbench-tok-'));

test('loads a local tokenizer.json file and a model directory', async () => {
  const dir = tmp();
  const file = writeTinyTokenizer(dir);
  const { log } = captureLogger();
  const a = await loadTokenizer({ path: file, log });
  assert.equal(a.source, 'path');
  assert.equal(a.exact, true);
  assert.deepEqual(a.encode(' the cat', { addSpecialTokens: false }).length, 2);
  assert.equal(a.count(' the cat'), 3, 'BOS added by the template');
  assert.equal(a.numSpecialTokensToAdd, 1);
  const b = await loadTokenizer({ path: dir, model: 'acme/tiny', log });
  assert.equal(b.file, file);
  assert.equal(b.name, 'acme/tiny');
  assert.equal(b.decode(b.encode(' the mat', { addSpecialTokens: false })), ' the mat');
});

test('a missing explicit path is an error naming the path', async () => {
  const { log } = captureLogger();
  await assert.rejects(loadTokenizer({ path: '/nonexistent/tok.json', log }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_TOKENIZER_NOT_FOUND');
    assert.match(e.message, /\/nonexistent\/tok\.json/);
    return true;
  });
  const empty = tmp();
  await assert.rejects(loadTokenizer({ path: empty, log }), /no tokenizer\.json in directory/);
});

test('finds the tokenizer in the Hugging Face cache layout (refs/main first)', async () => {
  const home = tmp();
  const hub = join(home, 'hub');
  const repo = join(hub, 'models--acme--tiny-model');
  writeTinyTokenizer(join(repo, 'snapshots', 'aaaa'), ['the', 'cat']);
  const good = writeTinyTokenizer(join(repo, 'snapshots', 'bbbb'), ['the', 'cat', 'dog']);
  mkdirSync(join(repo, 'refs'), { recursive: true });
  writeFileSync(join(repo, 'refs', 'main'), 'bbbb');
  assert.equal(hubCacheDir(undefined, { HF_HOME: home }), hub);
  assert.equal(hubCacheDir(undefined, { HF_HUB_CACHE: '/x/y', HF_HOME: home }), '/x/y');
  assert.equal(findInHubCache('acme/tiny-model', hub), good);
  assert.equal(findInHubCache('acme/other', hub), undefined);
  const { log, lines } = captureLogger();
  const t = await loadTokenizer({ model: 'acme/tiny-model', cacheDir: hub, log });
  assert.equal(t.source, 'hf-cache');
  assert.equal(t.exact, true);
  assert.equal(t.file, good);
  assert.equal(t.count(' dog', { addSpecialTokens: false }), 1);
  assert.ok(!lines.some((l) => l.startsWith('warning')));
});

test('falls back to the shipped Llama-3 tokenizer: approximate (with a warning) unless the model is Llama-3', async () => {
  const hub = join(tmp(), 'empty-hub');
  const w = captureLogger();
  const t = await loadTokenizer({ model: 'facebook/opt-125m', cacheDir: hub, log: w.log });
  assert.equal(t.source, 'shipped');
  assert.equal(t.exact, false);
  assert.ok(w.lines.some((l) => /warning: .*approximate/.test(l)), w.lines.join(''));
  const q = captureLogger();
  const l3 = await loadTokenizer({ model: 'meta-llama/Llama-3.1-8B-Instruct', cacheDir: hub, log: q.log });
  assert.equal(l3.exact, true);
  assert.equal(l3.name, 'meta-llama/Llama-3.1-8B-Instruct');
  assert.equal(q.lines.filter((l) => l.startsWith('warning')).length, 0);
  // official Llama-3 ids, with the BOS the official tokenizer adds
  assert.deepEqual(l3.encode('Hello, my dog is cute'), [128000, 9906, 11, 856, 5679, 374, 19369]);
  assert.equal(l3.vocabSize, 128256);
  assert.equal(l3.numSpecialTokensToAdd, 1);
  assert.ok(isLlama3Family('RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic'));
  assert.ok(isLlama3Family('meta-llama/Meta-Llama-3-8B'));
  assert.ok(!isLlama3Family('Qwen/Qwen3-0.6B'));
  assert.ok(!isLlama3Family('meta-llama/Llama-4-Scout-17B-16E'));
  assert.ok(!isLlama3Family('meta-llama/Llama-2-7b-hf'));
  // Llama 3.1+ special-token names (same ids); 3.0 keeps the reserved names
  assert.deepEqual(l3.encode('<|python_tag|>', { addSpecialTokens: false }), [128010]);
  const l30 = await loadTokenizer({ model: 'meta-llama/Meta-Llama-3-8B', cacheDir: hub, log: q.log });
  assert.deepEqual(l30.encode('<|reserved_special_token_5|>', { addSpecialTokens: false }), [128010]);
  assert.notDeepEqual(l30.encode('<|python_tag|>', { addSpecialTokens: false }), [128010]);
  // cached: the same object for the same file and identity
  assert.equal(loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct'), l3);
});

interface Hub {
  url: string;
  hits: string[];
  auth: (string | undefined)[];
  close: () => Promise<void>;
}

async function fakeHub(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Hub> {
  const hits: string[] = [];
  const auth: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    auth.push(req.headers.authorization);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, auth, close: () => new Promise((r) => server.close(() => r())) };
}

test('downloads from a (loopback) hub with HF_TOKEN into the cache layout, never logging the token', async () => {

  const body = JSON.stringify(tinyTokenizerJson(['the', 'cat', 'home']));
  const hub = await fakeHub((req, res) => {
    if (req.headers.authorization !== 'Bearer hf_secret_123') return void res.writeHead(401).end('unauthorized');
    if (req.url === '/acme/gated/resolve/main/tokenizer.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-repo-commit': 'c0ffee1234567890c0ffee1234567890c0ffee12' });
      return void res.end(body);
    }
    if (req.url === '/acme/gated/resolve/main/tokenizer_config.json') return void res.writeHead(200).end('{"bos_token":"<s>"}');
    res.writeHead(404).end('not found');
  });
  try {
    const cache = join(tmp(), 'hub');
    const { log, lines } = captureLogger();
    const t = await loadTokenizer({ model: 'acme/gated', cacheDir: cache, allowDownload: true, hfToken: 'hf_secret_123', hubEndpoint: hub.url, log });
    assert.equal(t.source, 'download');
    assert.equal(t.exact, true);
    const snap = join(cache, 'models--acme--gated', 'snapshots', 'c0ffee1234567890c0ffee1234567890c0ffee12');
    assert.equal(t.file, join(snap, 'tokenizer.json'));
    assert.equal(readFileSync(t.file, 'utf8'), body);
    assert.ok(existsSync(join(snap, 'tokenizer_config.json')));
    assert.equal(readFileSync(join(cache, 'models--acme--gated', 'refs', 'main'), 'utf8'), 'c0ffee1234567890c0ffee1234567890c0ffee12');
    assert.ok(hub.auth.every((a) => a === 'Bearer hf_secret_123'));
    assert.ok(!lines.join('').includes('hf_secret_123'), 'token must never be logged');
    // the next load is offline, from the cache
    const n = hub.hits.length;
    const again = await loadTokenizer({ model: 'acme/gated', cacheDir: cache, allowDownload: true, hubEndpoint: hub.url, log });
    assert.equal(again.source, 'hf-cache');
    assert.equal(hub.hits.length, n);
    // a refused token: fallback to the shipped tokenizer, with a hint about HF_TOKEN and no token in the log
    const w = captureLogger();
    const f = await loadTokenizer({ model: 'acme/other', cacheDir: cache, allowDownload: true, hfToken: 'hf_wrong_456', hubEndpoint: hub.url, log: w.log });
    assert.equal(f.source, 'shipped');
    assert.equal(f.exact, false);
    assert.match(w.lines.join(''), /HTTP 401.*HF_TOKEN/);
    assert.ok(!w.lines.join('').includes('hf_wrong_456'));
  } finally {
    await hub.close();
  }
});

test('without allowDownload the hub is never contacted', async () => {
  const hub = await fakeHub((_req, res) => void res.writeHead(500).end());
  try {
    const { log } = captureLogger();
    const t = await loadTokenizer({ model: 'acme/nodl', cacheDir: join(tmp(), 'hub'), hubEndpoint: hub.url, log });
    assert.equal(t.source, 'shipped');
    assert.equal(hub.hits.length, 0);
  } finally {
    await hub.close();
  }
});

test('a model given as a path that is not on this machine falls back with a warning', async () => {
  const w = captureLogger();
  const t = await loadTokenizer({ model: '/model-cache/models/some-model', log: w.log });
  assert.equal(t.source, 'shipped');
  assert.match(w.lines.join(''), /local path \/model-cache\/models\/some-model \(not on this machine\)/);
});

test('rejects model ids that could escape the cache directory', async () => {
  const { log } = captureLogger();
  await assert.rejects(loadTokenizer({ model: 'acme/x y', log }), /not a Hugging Face model id/);
});

test('a bare string is accepted as the model id or path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-tok-'));
  const file = writeTinyTokenizer(dir);
  const t = await loadTokenizer(file);
  assert.equal(t.source, 'path');
  const l3 = await loadTokenizer('meta-llama/Llama-3.2-1B');
  assert.equal(l3.exact, true);
});
