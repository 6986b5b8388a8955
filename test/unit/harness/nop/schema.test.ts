import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'nop';

test('valid minimal profile: clean', () => assertClean(check(H, lines('model_name: "m"', 'pvc_name: "p"'))));

test('missing required model_name, wrong type, several at once', () => {
  const r = check(H, lines('pvc_name: 3'));
  issueAt(r.issues, 'model_name');
  assert.equal(issueAt(r.issues, 'pvc_name').line, 1);
  assert.equal(r.errors.length, 2);
});

test('unknown keys are warnings', () => {
  const r = check(H, lines('model_name: m', 'modelname: x'));
  assert.equal(r.errors.length, 0);
  assert.match(issueAt(r.issues, 'modelname', 'warning').hint ?? '', /model_name/);
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines('model_name: m', 'pvc_name: [')), (e: { code?: string; location?: { line?: number } }) => e.code === 'E_PROFILE_YAML');
});
