import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePyJson, parsePyTree, plain, PyFloat, pyFloatRepr, pyJsonDumps } from '../../../../src/analysis/report/pyjson.ts';
import { configHash, NAMESPACE_URL, uuid5 } from '../../../../src/analysis/report/ids.ts';

test('float repr equals Python repr()', () => {
  // python3: [repr(v) for v in vals]
  const vals = [0.1, 123.456, 1e-5, 1e22, 1.2345678901234567e19, 0.5, 2.5e-10, 1.5e300, -0.00012, 1e16, 9999999999999998, 0.0001, 100, -0, 3e-5, 1 / 3];
  const want = ['0.1', '123.456', '1e-05', '1e+22', '1.2345678901234567e+19', '0.5', '2.5e-10', '1.5e+300', '-0.00012', '1e+16', '9999999999999998.0', '0.0001', '100.0', '-0.0', '3e-05', '0.3333333333333333'];
  assert.deepEqual(vals.map(pyFloatRepr), want);
});

test('json.dumps(sort_keys=True) text, integral floats kept from the source', () => {
  const src = '{"z": [1, 2.5, null, true, "\\u00e9\\n\\u2028", {"b": 1.0, "a": -3e-7}], "a": "x"}';
  // python3: json.dumps(json.loads(src), sort_keys=True)
  const want = '{"a": "x", "z": [1, 2.5, null, true, "\\u00e9\\n\\u2028", {"a": -3e-07, "b": 1.0}]}';
  assert.equal(pyJsonDumps(parsePyJson(src)), want);
  assert.equal(pyJsonDumps(parsePyTree('z: [1, 2.5, null, true, "é\\n\\u2028", {b: 1.0, a: -3.0e-7}]\na: x\n')), want);
});

test('parsePyJson reads what JSON.parse reads, plus NaN/Infinity', () => {
  for (const t of ['{"a": [1, 2.5, -3e-2, "x\\"y\\u00e9", true, null, {}], "b": {"c": []}}', '[]', '"\\n"', '1.0', ' {"k" : [ 0 , -0.5 ] } ']) {
    assert.deepEqual(plain(parsePyJson(t)), JSON.parse(t));
  }
  const x = parsePyJson('[NaN, Infinity, -Infinity, 4.0]') as unknown[];
  assert.ok(Number.isNaN(x[0] as number));
  assert.equal(x[1], Infinity);
  assert.equal(x[2], -Infinity);
  assert.ok(x[3] instanceof PyFloat);
  assert.throws(() => parsePyJson('{"a": 1,}'), SyntaxError);
  assert.throws(() => parsePyJson('[1] 2'), SyntaxError);
});

test('cfg_id and eid as Python computes them', () => {
  // python3: hashlib.sha256(json.dumps({}, sort_keys=True).encode()).hexdigest(); uuid.uuid5(uuid.NAMESPACE_URL, 'abc-123')
  assert.equal(configHash({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  assert.equal(uuid5(NAMESPACE_URL, 'abc-123'), '791ae303-13eb-5b8b-a847-c4db57d3b79f');
});
