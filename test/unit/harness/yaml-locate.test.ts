import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, locatePath } from '../../../src/harness/yaml-locate.ts';

const src = ['# comment', 'load:', '  stages:', '    - rate: 1', '      duration: 2', '    - {rate: 3, duration: 4}', 'benchmarks:', '  - profile.streams: 5', '"quoted key": x', '7: seven'].join('\n');
const lc = new LineCounter();
const doc = parseDocument(src, { lineCounter: lc });

test('locates keys, list items and flow collections', () => {
  assert.deepEqual(locatePath(doc, lc, ['load']), { line: 2, column: 1 });
  assert.deepEqual(locatePath(doc, lc, ['load', 'stages', 0, 'duration']), { line: 5, column: 7 });
  assert.deepEqual(locatePath(doc, lc, ['load', 'stages', 1]), { line: 6, column: 7 });
  assert.deepEqual(locatePath(doc, lc, ['load', 'stages', 1, 'duration']), { line: 6, column: 17 });
  assert.deepEqual(locatePath(doc, lc, ['benchmarks', 0, 'profile.streams']), { line: 8, column: 5 });
  assert.deepEqual(locatePath(doc, lc, ['quoted key']), { line: 9, column: 1 });
  assert.deepEqual(locatePath(doc, lc, ['7']), { line: 10, column: 1 });
});

test('a missing key resolves to its deepest existing ancestor', () => {
  assert.deepEqual(locatePath(doc, lc, ['load', 'type']), { line: 2, column: 1 });
  assert.deepEqual(locatePath(doc, lc, ['load', 'stages', 9, 'rate']), { line: 3, column: 3 });
  assert.deepEqual(locatePath(doc, lc, []), { line: 2, column: 1 });
});

test('formatPath', () => {
  assert.equal(formatPath(['load', 'stages', 0, 'rate']), 'load.stages[0].rate');
  assert.equal(formatPath(['benchmarks', 1, 'profile.streams']), 'benchmarks[1]["profile.streams"]');
  assert.equal(formatPath(['max-concurrency']), 'max-concurrency');
  assert.equal(formatPath([]), '(document)');
});
