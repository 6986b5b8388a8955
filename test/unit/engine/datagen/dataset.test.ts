import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSources, fetchDatasetOnce, resolveDatasetFile, SHAREGPT_FILE, type DataSourceContext } from '../../../../src/engine/datagen/index.ts';
import { JsonElementReader } from '../../../../src/engine/datagen/json-stream.ts';
import { loadShippedTokenizer } from '../../../../src/engine/tokenizer/index.ts';
import { captureLogger } from '../tokenizer/fixtures.ts';

const tokenizer = loadShippedTokenizer('meta-llama/Llama-3.1-8B-Instruct');
const ctx = (over: Partial<DataSourceContext> = {}): DataSourceContext => ({ tokenizer, seed: 1, api: 'completion', stream: true, log: captureLogger().log, ...over });
const tmp = () => mkdtempSync(join(tmpdir(), 'llmdbench-ds-'));

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 10}`).join(' ');
const fixture = [
  { id: 'a', conversations: [{ from: 'human', value: 'Short question?' }, { from: 'gpt', value: words(20) }] },
  { id: 'b', conversations: [{ from: 'human', value: words(300) }, { from: 'gpt', value: 'ok' }] }, // prompt too long for max 200
  { id: 'c', conversations: [{ from: 'human', value: 'Only one turn' }] }, // skipped in completion mode
  { id: 'd', conversations: [{ from: 'human', value: 'Tell me — in “quotes”, with ünïcode {and} [brackets] \\ "escaped"' }, { from: 'gpt', value: words(8) }, { from: 'human', value: 'more' }, { from: 'gpt', value: 'done' }] },
  { id: 'e', conversations: [{ from: 'human', value: 'Tiny output' }, { from: 'gpt', value: 'no' }] }, // output below min 3
];

test('sharegpt completion: prompt = turn 0, max_tokens = turn 1 tokens, input/output min/max filters, cycling', async () => {
  const dir = tmp();
  writeFileSync(join(dir, SHAREGPT_FILE), JSON.stringify(fixture, null, 1));
  const cfg = { path: dir, input_distribution: { min: 2, max: 200 }, output_distribution: { min: 3, max: 1000 } };
  assert.deepEqual(dataSources.get('sharegpt').validate(cfg, ['data']), []);
  const src = await dataSources.get('sharegpt').create(cfg, ctx());
  const s0 = await src.get(0);
  assert.equal(s0.prompt, 'Short question?');
  assert.equal(s0.maxTokens, tokenizer.count(words(20), { addSpecialTokens: false }));
  assert.equal(s0.promptTokensClient, tokenizer.count('Short question?'));
  const s1 = await src.get(1);
  assert.equal(s1.tags?.entry, 3, 'entries b and c skipped');
  assert.match(s1.prompt as string, /ünïcode \{and\} \[brackets\] \\ "escaped"/);
  const s2 = await src.get(2);
  assert.equal(s2.prompt, 'Short question?', 'cycles after the accepted entries');
  assert.equal(src.size, 2);
});

test('sharegpt chat: all turns become messages; default max_tokens', async () => {
  const dir = tmp();
  const f = join(dir, 'conv.jsonl');
  writeFileSync(f, fixture.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const src = await dataSources.get('sharegpt').create({ path: f, default_max_tokens: 30 }, ctx({ api: 'chat' }));
  const d = await src.get(3);
  assert.deepEqual(
    d.messages?.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.equal(d.maxTokens, 30);
  assert.equal((await src.get(2)).messages?.length, 1);
});

test('other dataset shapes: messages[{role,content}] and prompt entries (JSONL)', async () => {
  const dir = tmp();
  const f = join(dir, 'custom.jsonl');
  writeFileSync(
    f,
    [
      JSON.stringify({ prompt: 'Write a haiku', output_tokens: 17 }),
      'not json at all',
      JSON.stringify({ messages: [{ role: 'user', content: 'hi there' }, { role: 'assistant', content: 'hello friend' }] }),
    ].join('\n'),
  );
  const src = await dataSources.get('dataset').create({ path: dir }, ctx());
  assert.deepEqual([(await src.get(0)).prompt, (await src.get(0)).maxTokens], ['Write a haiku', 17]);
  assert.deepEqual([(await src.get(1)).prompt, (await src.get(1)).maxTokens], ['hi there', tokenizer.count('hello friend', { addSpecialTokens: false })]);
});

test('a missing dataset names the path and how to fetch it', async () => {
  const dir = tmp();
  await assert.rejects(dataSources.get('sharegpt').create({ path: join(dir, 'nope.json') }, ctx()), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, 'E_DATASET_MISSING');
    assert.match(e.message, /nope\.json/);
    assert.match(e.hint ?? '', /-x/);
    return true;
  });
  assert.throws(() => resolveDatasetFile(dir), /no \.json\/\.jsonl dataset in/);
  writeFileSync(join(dir, 'a.json'), '[]');
  writeFileSync(join(dir, 'b.json'), '[]');
  assert.throws(() => resolveDatasetFile(dir), /several datasets/);
  assert.equal(resolveDatasetFile(dir, 'b.json'), join(dir, 'b.json'));
  await assert.rejects(dataSources.get('dataset').create({ path: join(dir, 'a.json') }, ctx()), /no usable entry/);
  assert.deepEqual(
    dataSources.get('sharegpt').validate({ shuffle: 'yes' }, ['data']).map((i) => i.path.join('.')),
    ['data.path', 'data.shuffle'],
  );
});

test('shuffle is deterministic by seed', async () => {
  const dir = tmp();
  const many = Array.from({ length: 30 }, (_, i) => ({ conversations: [{ from: 'human', value: `question ${i}` }, { from: 'gpt', value: 'answer words here' }] }));
  writeFileSync(join(dir, 'd.json'), JSON.stringify(many));
  const a = await dataSources.get('sharegpt').create({ path: dir, shuffle: true }, ctx());
  const b = await dataSources.get('sharegpt').create({ path: dir, shuffle: true }, ctx());
  const c = await dataSources.get('sharegpt').create({ path: dir, shuffle: false }, ctx());
  const order = async (s: typeof a) => Promise.all(Array.from({ length: 30 }, async (_, i) => (await s.get(i)).prompt));
  const oa = await order(a);
  assert.deepEqual(oa, await order(b));
  assert.notDeepEqual(oa, await order(c));
  assert.deepEqual([...oa].sort(), [...(await order(c))].sort());
});

test('the streaming JSON reader splits array elements across tiny read chunks', () => {
  const dir = tmp();
  const f = join(dir, 'x.json');
  const items = [{ a: 'x,}]"\\', b: '\\\\"q' }, [1, [2, 3]], 'str"ing', 42, { nested: { deep: ['ü', '€'] } }];
  writeFileSync(f, `\ufeff[\n ${items.map((i) => JSON.stringify(i)).join(' ,\n ')} \n]`);
  for (const chunk of [1, 2, 3, 7, 1 << 20]) {
    const r = new JsonElementReader(f, chunk);
    const got: unknown[] = [];
    for (let t = r.nextText(); t !== undefined; t = r.nextText()) {
      got.push(JSON.parse(t));
      assert.equal(r.readRange(r.lastStart, r.lastEnd), t, 'byte ranges point at the element');
    }
    assert.deepEqual(got, items, `chunk ${chunk}`);
    const s = new JsonElementReader(f, chunk);
    let n = 0;
    while (s.skip()) n++;
    assert.equal(n, items.length);
  }
});

test('fetchDatasetOnce downloads into the directory once (following redirects) from a loopback server', async () => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/redir/data.json') return void res.writeHead(302, { location: '/files/data.json' }).end();
    if (path === '/files/data.json') return void res.writeHead(200).end(JSON.stringify(fixture));
    res.writeHead(404).end('nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const dir = join(tmp(), 'datasets');
    const first = await fetchDatasetOnce(`${base}/redir/data.json?download=1`, dir);
    assert.deepEqual(first, { file: join(dir, 'data.json'), downloaded: true });
    assert.deepEqual(JSON.parse(readFileSync(first.file, 'utf8')), fixture);
    const n = hits;
    const second = await fetchDatasetOnce(`${base}/redir/data.json`, dir);
    assert.equal(second.downloaded, false);
    assert.equal(hits, n, 'skipped: the file exists');
    await assert.rejects(fetchDatasetOnce(`${base}/missing.json`, dir), /HTTP 404/);
    assert.ok(!existsSync(join(dir, 'missing.json')));
    assert.deepEqual(readdirSync(dir), ['data.json'], 'no partial files left behind');
    await assert.rejects(fetchDatasetOnce('ftp://127.0.0.1/x.json', dir), /unsupported URL scheme/);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    // the fetched file is then usable as a dataset
    const src = await dataSources.get('sharegpt').create({ path: dir, file: 'data.json' }, ctx());
    assert.equal((await src.get(0)).prompt, 'Short question?');
  } finally {
    await new Promise((r) => server.close(r));
  }
});
