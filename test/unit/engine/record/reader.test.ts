import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBadLine, forEachRecord, forEachRecordStrict, readRecords, scanRecords } from '../../../../src/engine/record/reader.ts';

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

test('forEachRecord (fresh and reused records) gives scanRecords\' records and bad lines: CRLF, blank, bad, long and boundary-crossing lines, torn last line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-'));
  const rec = (id: number, extra: object = {}): string => JSON.stringify({ id, stage: id % 3, worker: 0, api: 'completion', scheduledAtMs: id * 1.5, sentAtMs: id * 1.5 + 0.25, chunkTimesMs: [id + 0.125, id + 1e-7], chunkTokens: [1, 2], endAtMs: id + 3, ...extra });
  const lines: string[] = [];
  // > 1 MiB in all, so lines cross the reader's 1 MiB reads; one line longer than a read.
  for (let i = 0; i < 6000; i++) lines.push(rec(i, i % 7 === 0 ? { error: { label: 'other', message: `m "${i}"\nx` } } : i % 5 === 0 ? { outputText: 'ünïcödé ✓' } : {}));
  lines.splice(10, 0, 'not json', '', '   ', `${rec(10_000)}\r`, rec(10_001, { outputText: 'y'.repeat(1_500_000) }), '{"id":1,}');
  lines.push(`${rec(20_000)}\r`);
  const variants = { clean: `${lines.join('\n')}\n`, torn: `${lines.join('\n')}\n{"id":3,"sta`, noNewline: lines.join('\n'), crlfTorn: `${lines.filter((l) => !l.endsWith('\r')).join('\r\n')}\r\n{"id":` }; // (readline, scanRecords' reader, also breaks lines at a lone CR)
  for (const [name, text] of Object.entries(variants)) {
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, text);
    const want = await scanRecords(file);
    for (const reuse of [false, true]) {
      const got: string[] = [];
      const bad: Parameters<typeof forEachRecord>[2] = [];
      await forEachRecord(file, (r) => got.push(JSON.stringify(r, Object.keys(r).filter((k) => (r as unknown as Record<string, unknown>)[k] !== undefined).concat(['label', 'message']))), bad, { reuse });
      assert.equal(got.length, want.records.length, `${name} reuse=${reuse}`);
      for (let i = 0; i < got.length; i++) {
        const w = want.records[i] as unknown as Record<string, unknown>;
        assert.deepEqual(JSON.parse(got[i]!), w, `${name} reuse=${reuse} record ${i}`);
      }
      assert.deepEqual(bad, want.bad, `${name} reuse=${reuse}`);
    }
    if (name === 'torn' || name === 'crlfTorn') assert.equal(want.bad.at(-1)!.last, true);
    await assert.rejects(forEachRecordStrict(file, () => undefined), (e: Error & { location?: { line?: number } }) => e.location?.line === 11);
  }
});
