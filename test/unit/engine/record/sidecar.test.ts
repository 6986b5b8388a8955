import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordWriter } from '../../../../src/engine/record/writer.ts';
import { forEachRecord } from '../../../../src/engine/record/reader.ts';
import { checkSidecar, sidecarPath } from '../../../../src/engine/record/sidecar-read.ts';
import { RECORD_KEYS, VERSION } from '../../../../src/engine/record/sidecar-format.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

/** Varied records: errors (quotes, unicode), warm-ups, multi-turn tags and text, zero-chunk requests, -0, NaN, odd keys. */
function records(n: number): RequestRecord[] {
  let x = 7;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * 32);
    const sent = 1000 + i * 3.3 + rnd();
    const times = Array.from({ length: k }, (_, j) => sent + 20 + j * 7.123456789 + rnd());
    const r: RequestRecord = { id: i, stage: i % 3, worker: i % 2, api: i % 4 ? 'completion' : 'chat', stream: i % 5 !== 0, scheduledAtMs: sent - rnd(), dispatchedAtMs: sent - 0.1, sentAtMs: sent, headersAtMs: sent + 1, chunkTimesMs: times, chunkTokens: times.map(() => (i % 7 ? 1 : 1 + Math.floor(rnd() * 4))), endAtMs: sent + 30 + k * 8, httpStatus: 200 };
    if (k > 0) Object.assign(r, { finishReason: i % 9 ? 'length' : 'stop', promptTokensServer: 10 + i, completionTokensServer: k, firstChoiceAtMs: times[0], lastChoiceAtMs: times[k - 1], choiceEventCount: k, doneSeen: i % 11 !== 0, sameReadChunks: i % 3 });
    if (i % 13 === 0) r.tags = { turn: i % 4, conversation: `c${i % 5}` };
    if (i % 23 === 0) r.tags = { 'k"é': 'v\n"☃', n: -0, big: 1e300, index: i };
    if (i === 11) r.tags = {};
    if (i % 17 === 0) r.outputText = `text "${i}" é\n☃`;
    if (i % 19 === 0) {
      r.chunkTimesMs = [];
      r.chunkTokens = [];
      r.httpStatus = 500;
      r.error = { label: 'http_5xx', message: i % 2 ? 'HTTP 500: "boom"' : 'HTTP 500: Internal Server Error' };
    }
    if (i === 5) r.headersAtMs = -0;
    if (i === 6) r.maxTokens = NaN; // JSON null
    if (i === 7) (r as unknown as Record<string, unknown>).extra = 1;
    if (i === 8) r.chunkTimesMs[1] = -0;
    if (i === 9) delete (r as Partial<RequestRecord>).chunkTokens;
    if (i === 10) r.cachedPromptTokensServer = 1e300;
    if (i === 12) r.finishReason = undefined;
    out.push(r);
  }
  return out;
}

/** What a sink can see of a record: every key's value (undefined for none), arrays copied. */
function view(r: RequestRecord): unknown {
  const o = r as unknown as Record<string, unknown>;
  const keys = new Set<string>([...RECORD_KEYS, ...Object.keys(o)]);
  return [...keys].map((k) => [k, Array.isArray(o[k]) ? [...(o[k] as unknown[])] : o[k] && typeof o[k] === 'object' ? { ...(o[k] as object) } : o[k]]);
}

async function read(path: string, sidecar: boolean): Promise<unknown[]> {
  const out: unknown[] = [];
  const bad: unknown[] = [];
  await forEachRecord(path, (r) => void out.push(view(r)), bad as never, { reuse: true, sidecar });
  assert.deepEqual(bad, []);
  return out;
}

async function written(n = 3000): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'cols-')), 'records.jsonl');
  const w = new RecordWriter(path, { flushIntervalMs: 5, maxBufferChars: 40_000 });
  const recs = records(n);
  for (let i = 0; i < recs.length; i++) {
    w.add(recs[i]!);
    if (i % 700 === 0) await w.flush();
  }
  await w.close();
  return path;
}

test('the sidecar gives the records exactly as the JSONL parse does (values, -0, NaN, escapes, tags, odd keys)', async () => {
  const path = await written();
  const ix = checkSidecar(path);
  assert.ok(ix, 'sidecar usable');
  assert.equal(ix.records, 3000);
  assert.ok(ix.batches.length > 3, 'several batches');
  const fromJsonl = await read(path, false);
  const fromCols = await read(path, true);
  assert.equal(fromCols.length, 3000);
  assert.deepStrictEqual(fromCols, fromJsonl);
});

test('a JSONL longer or shorter than its sidecar (appended to, cut) is parsed from the JSONL', async () => {
  const path = await written(500);
  appendFileSync(path, `${JSON.stringify(records(1)[0])}\n`);
  assert.equal(checkSidecar(path), undefined);
  assert.equal((await read(path, true)).length, 501);
  // and one shorter (its last record cut off): the JSONL's 500 records, not the sidecar's
  const text = readFileSync(path, 'utf8');
  const cut = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
  writeFileSync(path, cut.slice(0, cut.lastIndexOf('\n', cut.length - 2) + 1));
  assert.equal(checkSidecar(path), undefined);
  assert.equal((await read(path, true)).length, 499);
});

test('a torn sidecar (no trailer, cut mid-batch) is not used', async () => {
  const path = await written(500);
  const cols = sidecarPath(path);
  truncateSync(cols, statSync(cols).size - 40);
  assert.equal(checkSidecar(path), undefined);
  assert.deepStrictEqual(await read(path, true), await read(path, false));
  truncateSync(cols, 16);
  assert.equal(checkSidecar(path), undefined);
});

test('another version, or a JSONL edited in place (same size), is not used', async () => {
  const path = await written(500);
  const cols = sidecarPath(path);
  const fd = openSync(cols, 'r+');
  writeSync(fd, Buffer.from([VERSION - 1, 0, 0, 0]), 0, 4, 8); // the version before (tags kept as lines)
  closeSync(fd);
  assert.equal(checkSidecar(path), undefined);

  const path2 = await written(500);
  const text = readFileSync(path2, 'utf8');
  writeFileSync(path2, text.replace('"stage":1', '"stage":2'));
  assert.equal(statSync(path2).size, Buffer.byteLength(text));
  assert.equal(checkSidecar(path2), undefined);
  const back = await read(path2, true);
  assert.deepStrictEqual(back, await read(path2, false));
});

test('no sidecar without close (an exit mid-run), and none kept from an older run when turned off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cols-'));
  const path = join(dir, 'records.jsonl');
  const w = new RecordWriter(path, { flushIntervalMs: 5 });
  for (const r of records(50)) w.add(r);
  await w.flush();
  assert.equal(checkSidecar(path), undefined, 'no trailer before close');
  await w.close();
  assert.ok(checkSidecar(path));
  const w2 = new RecordWriter(path, { sidecar: false });
  for (const r of records(10)) w2.add(r);
  await w2.close();
  assert.equal(existsSync(sidecarPath(path)), false);
  assert.equal((await read(path, true)).length, 10);
});
