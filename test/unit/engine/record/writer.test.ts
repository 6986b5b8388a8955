import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RecordWriter } from '../../../../src/engine/record/writer.ts';
import { readRecords } from '../../../../src/engine/record/reader.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

function rec(id: number): RequestRecord {
  return { id, stage: 0, worker: 0, api: 'completion', scheduledAtMs: id, sentAtMs: id + 0.5, chunkTimesMs: [id + 1, id + 2], chunkTokens: [1, 1], endAtMs: id + 3 };
}

test('records round-trip through JSONL in order; a torn last line is skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-'));
  const path = join(dir, 'r.jsonl');
  const w = new RecordWriter(path, { flushIntervalMs: 10 });
  for (let i = 0; i < 500; i++) w.add(rec(i));
  await w.flush();
  for (let i = 500; i < 1000; i++) w.add(rec(i));
  await w.close();
  assert.equal(readFileSync(path, 'utf8').split('\n').length, 1001);
  appendFileSync(path, '{"id": 1000, "sta');
  const back = await readRecords(path);
  assert.equal(back.length, 1000);
  assert.deepEqual(back[999], rec(999));
});

test('a bad line in the middle is an error with its line number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-'));
  const path = join(dir, 'r.jsonl');
  appendFileSync(path, `${JSON.stringify(rec(0))}\nnot json\n${JSON.stringify(rec(1))}\n`);
  await assert.rejects(readRecords(path), (e: Error & { location?: { line?: number } }) => e.location?.line === 2);
});

test('records added but never flushed are written when the process exits abruptly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rec-'));
  const path = join(dir, 'r.jsonl');
  const mod = resolve('src/engine/record/writer.ts');
  const code = `import { RecordWriter } from ${JSON.stringify(mod)};
const w = new RecordWriter(${JSON.stringify(path)}, { flushIntervalMs: 60000 });
for (let i = 0; i < 50; i++) w.add({ id: i, stage: 0, worker: 0, api: 'chat', scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [], chunkTokens: [], endAtMs: 1 });
process.exit(3);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 3, r.stderr);
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines.length, 50);
});
