import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, closestN, editDistance } from '../../../src/util/suggest.ts';

test('editDistance counts single edits', () => {
  assert.equal(editDistance('rate', 'rate'), 0);
  assert.equal(editDistance('rate', 'rat'), 1);
  assert.equal(editDistance('--harnes', '--harness'), 1);
});

test('closest suggests the near candidate and nothing for a far one', () => {
  assert.equal(closest('--harnes', ['--harness', '--workload', '--models']), '--harness');
  assert.equal(closest('zzzzzzzzzz', ['--harness', '--workload']), undefined);
  assert.deepEqual(closestN('min', ['min', 'max', 'mean', 'foo']).slice(0, 1), ['min']);
});

test('a word inside another word is not a suggestion, a word starting a segment is', () => {
  assert.deepEqual(closestN('min', ['streaming']), []);
  assert.deepEqual(closestN('rate', ['request_rate', 'zzzzzzzzz']), ['request_rate']);
});
