import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordWriter } from '../../../../src/engine/record/writer.ts';
import { forEachRecord } from '../../../../src/engine/record/reader.ts';
import { parseRecordLine, parseRecordLineInto, recordSlot } from '../../../../src/engine/record/line-parser.ts';
import { KEY_KINDS, RECORD_KEYS, type KeyKind } from '../../../../src/engine/record/record-keys.ts';
import { SidecarBatch } from '../../../../src/engine/record/sidecar-encode.ts';
import { BATCH_HEADER_BYTES, FLAG_LINE } from '../../../../src/engine/record/sidecar-format.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

/**
 * Driven by the table of keys (record-keys.ts), so a key added there is covered here without an
 * edit: a record with every key set to a value of its kind goes through the line parser (fresh
 * and reused record) and the sidecar (a row, not its JSONL line) and comes back as JSON.parse
 * gives it. The type checker catches a key missing from a switch; this catches a kind mishandled.
 */

/** A value of each kind, different per key and per record. */
function valueOf(kind: KeyKind, k: number, i: number): unknown {
  switch (kind) {
    case 'num':
      return 1000.125 * (k + 1) + i;
    case 'str':
      return `s${k}-${i}`;
    case 'bool':
      return (k + i) % 2 === 0;
    case 'error':
      return { label: 'other', message: `m${k}-${i}` };
    case 'tags':
      return { turn: i, conversation: `c${k}` };
    case 'numbers':
      return [1 + i, 2.5 + k, 3];
  }
}

/** Every key of the table with a value (tags only when `tags`). */
function full(i: number, tags: boolean): RequestRecord {
  const o: Record<string, unknown> = {};
  RECORD_KEYS.forEach((key, k) => {
    if (KEY_KINDS[k] !== 'tags' || tags) o[key] = valueOf(KEY_KINDS[k]!, k, i);
  });
  return o as unknown as RequestRecord;
}

const view = (r: RequestRecord): unknown => RECORD_KEYS.map((k) => [k, structuredClone((r as unknown as Record<string, unknown>)[k])]);

test('every key of the table, each of its kind, parses from a line exactly as JSON.parse (fresh and reused record)', () => {
  const slot = recordSlot();
  for (const r of [full(0, true), full(1, false), full(2, true)]) {
    const line = JSON.stringify(r);
    const bytes = Buffer.from(line);
    assert.deepStrictEqual(parseRecordLine(bytes, 0, bytes.length), JSON.parse(line));
    assert.ok(parseRecordLineInto(bytes, 0, bytes.length, slot));
    assert.deepStrictEqual(view(slot.record), view(JSON.parse(line) as RequestRecord));
  }
});

test('every key of the table, tags too, is held by a sidecar row, and read back as the JSONL gives it', async () => {
  for (const tags of [false, true]) {
    const b = new SidecarBatch();
    const r = full(3, tags);
    b.add(r, JSON.stringify(r));
    const bytes = b.bytes();
    const rowFlags = bytes.readUInt32LE(BATCH_HEADER_BYTES + bytes.readUInt32LE(8) + 4);
    assert.equal(rowFlags & FLAG_LINE, 0, `a row, not the line (tags ${tags})`);
  }

  const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'records.jsonl');
  const w = new RecordWriter(path, {});
  const recs = [full(0, false), full(1, true), full(2, false), full(3, false)];
  for (const x of recs) w.add(x);
  await w.close();
  const read = async (sidecar: boolean): Promise<unknown[]> => {
    const out: unknown[] = [];
    await forEachRecord(path, (x) => void out.push(view(x)), [] as never, { reuse: true, sidecar });
    return out;
  };
  const cols = await read(true);
  assert.deepStrictEqual(cols, await read(false));
  assert.deepStrictEqual(cols, recs.map((x) => view(JSON.parse(JSON.stringify(x)) as RequestRecord)));
});
