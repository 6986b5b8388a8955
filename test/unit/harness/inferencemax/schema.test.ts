import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'inferencemax';
const OK = ['executable: benchmark_serving.py', 'model: m', 'dataset-name: random', 'request-rate: inf', 'backend: vllm', 'ignore-eos: none', 'result-filename: result.json'];

test('valid minimal profile: clean', () => assertClean(check(H, lines(...OK))));

test('missing required executable', () => {
  const e = issueAt(check(H, lines(...OK.slice(1))).issues, 'executable');
  assert.match(e.message, /required/);
});

test('wrong type, bad enum, flag rule and several at once', () => {
  const r = check(H, lines('executable: 3', 'dataset-name: rand', 'ignore-eos: yes', 'request-rate: never'));
  assert.deepEqual(r.errors.map((e) => `${e.path.join('.')}@${e.line}`).sort(), ['dataset-name@2', 'executable@1', 'ignore-eos@3', 'request-rate@4']);
});

test('unknown keys are warnings', () => {
  const r = check(H, lines(...OK, 'tp: 8'));
  assert.equal(r.errors.length, 0);
  issueAt(r.issues, 'tp', 'warning');
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines('executable: a', 'model: "m')), (e: { code?: string }) => e.code === 'E_PROFILE_YAML');
});
