// The torn-file check of -z / analyze: the structural scan of large JSON files agrees with
// JSON.parse on whole files and finds every cut of a file, without reading the file whole.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { jsonFileProblem, scanJsonStructure } from '../../../src/analysis/json-torn.ts';

const dir = mkdtempSync(join(tmpdir(), 'llmdbench-json-torn-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string | Buffer): string {
  const f = join(dir, `f${n++}.json`);
  writeFileSync(f, text);
  return f;
}

// A per_request-like document: strings with escaped quotes, backslashes, brackets inside strings, unicode.
const doc = JSON.stringify(
  Array.from({ length: 40 }, (_, i) => ({
    start_time: i / 3,
    request: `{"prompt": "a [b] {c} \\"q\\" \\\\ ${i}"}`,
    response: `data: {"choices":[{"text":"é ✓ 🙂 ]}"}]}\n\n`,
    info: { chunk_times: [i, i + 0.5], labels: {}, error: null },
  })),
  null,
  2,
);

test('a whole file passes the scan, with any whitespace around it', () => {
  assert.equal(scanJsonStructure(file(doc)), undefined);
  assert.equal(scanJsonStructure(file(`\n  ${doc}\n\n`)), undefined);
  assert.equal(scanJsonStructure(file('{"a": "]}\\\\"}')), undefined);
});

test('every cut of the file is found by the scan (and by JSON.parse)', () => {
  const bytes = Buffer.from(doc);
  // Every cut point that is not the end (whitespace-only tails are whole).
  for (let cut = 0; cut < bytes.length; cut += 7) {
    if (bytes.subarray(cut).toString().trim() === '') continue;
    const f = file(bytes.subarray(0, cut));
    assert.notEqual(scanJsonStructure(f), undefined, `cut at ${cut} passed the scan`);
    assert.throws(() => JSON.parse(bytes.subarray(0, cut).toString()));
  }
});

test('the scan names what is wrong', () => {
  assert.match(scanJsonStructure(file('[1, 2'))!, /bracket\(s\) open/);
  assert.match(scanJsonStructure(file('["abc'))!, /inside a string/);
  assert.match(scanJsonStructure(file('[1]]'))!, /data after the end of the JSON value at byte 3/);
  assert.match(scanJsonStructure(file('[[1]}'))!, /unexpected '\}' at byte 4/);
  assert.match(scanJsonStructure(file('{"a": [1}'))!, /unexpected '\}'/);
  assert.match(scanJsonStructure(file('[1] [2]'))!, /data after the end/);
  assert.match(scanJsonStructure(file('  \n'))!, /empty/);
});

test('a file larger than one read (1 MiB) is scanned across read boundaries', () => {
  const big = `[${Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ i, s: `x\\"]}${'y'.repeat(40)}` })).join(',')}]`;
  assert.ok(big.length > 2 << 20);
  assert.equal(scanJsonStructure(file(big)), undefined);
  assert.match(scanJsonStructure(file(big.slice(0, big.length - 1)))!, /open/);
  assert.match(scanJsonStructure(file(big.slice(0, (1 << 20) + 5)))!, /open|inside a string/);
});

test('jsonFileProblem parses small files and scans large ones', () => {
  // Small: full validation (a bad literal is found, which the structural scan does not look at).
  assert.match(jsonFileProblem(file('[tru]'))!, /JSON|Unexpected|token/i);
  assert.equal(jsonFileProblem(file(doc)), undefined);
  // Large (threshold lowered): the scan decides.
  assert.equal(jsonFileProblem(file(doc), 16), undefined);
  assert.match(jsonFileProblem(file(doc.slice(0, -3)), 16)!, /open/);
});

test('an escape split across two reads: the quote after a backslash that ends a read is escaped', () => {
  const R = 1 << 20;
  // The backslash at R − 1 + d (d = 0: the last byte of the first read), its quote just after.
  for (const d of [-2, -1, 0, 1, 2]) {
    const text = `["${'y'.repeat(R - 3 + d)}\\"z"]`;
    assert.equal(text[R - 1 + d], '\\');
    assert.equal(scanJsonStructure(file(text)), undefined, `backslash at ${R - 1 + d}`);
    // Two backslashes there: the quote closes the string, so the rest is outside it.
    const text2 = `["${'y'.repeat(R - 4 + d)}\\\\"z"]`;
    assert.match(scanJsonStructure(file(text2))!, /unexpected|inside a string|data after/, `escaped backslash at ${R - 2 + d}`);
  }
});
