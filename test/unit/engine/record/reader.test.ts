import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBadLine, readRecords, scanRecords } from '../../../../src/engine/record/reader.ts';

const good = (id: number): string => JSON.stringify({ id, stage: 0, worker: 0, api: 'completion', scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [], chunkTokens: [], endAtMs: 1 });

test('scanRecords: every bad line is reported with file and line number and counted, none dropped silently', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rd-')), 'records.jsonl');
  writeFileSync(file, `${good(0)}\nnot json\n\n${good(1)}\n{"id":2,"sta`);
  const scan = await scanRecords(file);
  assert.deepEqual(scan.records.map((r) => r.id), [0, 1]);
  assert.deepEqual(scan.bad.map((b) => [b.line, b.last]), [[2, false], [5, true]]);
  assert.match(describeBadLine(scan.bad[0]!), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: request record is not JSON: not json$`));
  assert.match(describeBadLine(scan.bad[1]!), /:5: .*torn last line/);
  await assert.rejects(readRecords(file), (e: Error & { location?: { line?: number } }) => e.location?.line === 2);
});

test('readRecords tolerates only a torn last line; a missing file has no records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-'));
  const file = join(dir, 'records.jsonl');
  writeFileSync(file, `${good(0)}\n{"id":1,`);
  assert.deepEqual((await readRecords(file)).map((r) => r.id), [0]);
  assert.deepEqual(await scanRecords(join(dir, 'none.jsonl')), { records: [], bad: [] });
});
