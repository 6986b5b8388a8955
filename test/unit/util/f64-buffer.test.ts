import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F64Buffer } from '../../../src/util/f64-buffer.ts';

test('F64Buffer keeps every value in order across chunk boundaries, and the view is exact-size', () => {
  for (const n of [0, 1, 1023, 1024, 1025, 3072, 200_000]) {
    const b = new F64Buffer();
    for (let i = 0; i < n; i++) b.push(i * 0.5);
    const v = b.view();
    assert.equal(v.length, n);
    assert.equal(b.length, n);
    for (let i = 0; i < n; i++) if (v[i] !== i * 0.5) assert.fail(`n=${n}: value ${i} is ${v[i]}`);
  }
});

test('F64Buffer: sorting the view reorders the buffer; pushes after a view are kept', () => {
  const b = new F64Buffer(2);
  for (const x of [5, 3, 9, 1, 7]) b.push(x);
  b.view().sort();
  assert.deepEqual([...b.view()], [1, 3, 5, 7, 9]);
  b.push(0);
  b.push(2);
  assert.deepEqual([...b.view()], [1, 3, 5, 7, 9, 0, 2]);
  assert.equal(b.view().buffer, b.view().buffer, 'a second view is the same array');
});
