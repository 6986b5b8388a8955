/**
 * The records writer on a device that is full (/dev/full answers every write with ENOSPC, for
 * any user): the error is reported once through onError, never thrown or left unhandled, later
 * records are dropped, close() still resolves. On a normal file every record is one whole line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordWriter } from '../../../../src/engine/record/writer.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

const rec = (id: number): RequestRecord =>
  ({ id, stage: 0, worker: 0, api: 'completion', scheduledAtMs: id, sentAtMs: id, chunkTimesMs: [id + 1], chunkTokens: [1], endAtMs: id + 2, httpStatus: 200 }) as RequestRecord;

test('a full device: ENOSPC reported once through onError, nothing thrown, close resolves', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async () => {
  const errors: NodeJS.ErrnoException[] = [];
  const w = new RecordWriter('/dev/full', { onError: (e) => errors.push(e) });
  for (let i = 0; i < 10; i++) w.add(rec(i));
  await w.flush();
  w.add(rec(11));
  await w.flush();
  await w.close();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'ENOSPC');
  assert.equal(w.error?.code, 'ENOSPC');
});

test('records are whole lines, in order, and a rerun into the same path replaces the file (never appends)', async () => {
  const f = join(mkdtempSync(join(tmpdir(), 'llmdbench-rw-')), 'records.jsonl');
  for (let round = 0; round < 2; round++) {
    const w = new RecordWriter(f, { flushIntervalMs: 5 });
    for (let i = 0; i < 50; i++) w.add(rec(i));
    await w.close();
  }
  const lines = readFileSync(f, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as RequestRecord).id), Array.from({ length: 50 }, (_, i) => i));
});
