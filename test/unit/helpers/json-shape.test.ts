import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeDiff } from '../../helpers/json-shape.ts';

test('shapeDiff: keys, order, null vs object, array elements, nested paths', () => {
  assert.deepEqual(shapeDiff({ a: 1, b: { c: 'x' } }, { a: 2.5, b: { c: 'y' } }), []);
  assert.deepEqual(shapeDiff({ a: 1 }, { a: 1, b: 2 }), ['$: keys [a] vs [a, b]']);
  assert.deepEqual(shapeDiff({ b: 1, a: 1 }, { a: 1, b: 1 }), ['$: keys [b, a] vs [a, b]']);
  assert.deepEqual(shapeDiff({ a: null }, { a: { x: 1 } }), ['$.a: null vs object']);
  assert.deepEqual(shapeDiff({ a: [{ x: 1 }, { y: 1 }] }, { a: [{ x: 2 }] }), ['$.a[1]: keys [y] vs [x]']);
  assert.deepEqual(shapeDiff({ a: ['1'] }, { a: [1] }), ['$.a[0]: string vs number']);
});
