import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidProfile, formatIssue, validateProfileText } from '../../../src/harness/validate.ts';
import { harnesses } from '../../../src/harness/registry.ts';
import { LlmdbenchError, formatError } from '../../../src/util/errors.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

const NOP_OK = 'model_name: m\npvc_name: p\n';

test('registry holds the six harness plugins', async () => {
  assert.deepEqual(harnesses.kinds().sort(), ['fmperf', 'guidellm', 'inference-perf', 'inferencemax', 'nop', 'vllm-benchmark']);
  for (const p of await harnesses.loadAll()) assert.equal(typeof p.validate, 'function');
});

test('unknown harness: E_UNKNOWN_KIND with a suggestion', () => {
  assert.throws(
    () => validateProfileText('guidelm', NOP_OK, 'x.yaml'),
    (e: unknown) => e instanceof LlmdbenchError && e.code === 'E_UNKNOWN_KIND' && /guidellm/.test(e.hint ?? ''),
  );
});

test('YAML syntax error: E_PROFILE_YAML with file:line:col', () => {
  const text = 'load:\n  type: constant\n  stages: [\n    - rate: 1\n';
  assert.throws(
    () => validateProfileText('inference-perf', text, 'bad.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof LlmdbenchError);
      assert.equal(e.code, 'E_PROFILE_YAML');
      assert.equal(e.location?.file, 'bad.yaml');
      assert.ok((e.location?.line ?? 0) >= 3, `line ${e.location?.line}`);
      assert.ok(e.details.every((d) => d.startsWith('bad.yaml:')));
      return true;
    },
  );
});

test('duplicate key is a YAML error with its line', () => {
  assert.throws(
    () => validateProfileText('nop', 'model_name: a\npvc_name: b\nmodel_name: c\n', 'dup.yaml'),
    (e: unknown) => e instanceof LlmdbenchError && e.code === 'E_PROFILE_YAML' && e.location?.line === 3,
  );
});

test('issues get line and column of their key; missing keys point at the parent', () => {
  const text = ['server:', '  base_url: http://x', 'load:', '  type: constant', '  stages:', '    - rate: fast', '      duration: 10', 'data:', '  type: random', '  input_distribution:', '    min: 10', '    max: 100', '    mean: 50', '    std: 5'].join('\n');
  const r = validateProfileText('inference-perf', text, 'p.yaml');
  const rate = r.issues.find((i) => i.path.join('.') === 'load.stages.0.rate' && i.severity === 'error');
  assert.ok(rate, JSON.stringify(r.issues));
  assert.equal(rate.line, 6);
  assert.equal(rate.column, 7);
  const std = r.issues.find((i) => i.path.join('.') === 'data.input_distribution.std');
  assert.equal(std?.severity, 'warning');
  assert.equal(std?.line, 14);
  assert.match(std?.hint ?? '', /std_dev/);
  const out = r.issues.find((i) => i.path.join('.') === 'data.output_distribution');
  assert.equal(out?.severity, 'error');
  assert.equal(out?.line, 8, 'missing data.output_distribution points at data:');
});

test('formatIssue: file:line (at key.path): message', () => {
  const s = formatIssue({ severity: 'error', path: ['load', 'stages', 0, 'rate'], message: 'm', line: 6, column: 7 }, 'p.yaml');
  assert.equal(s, 'p.yaml:6 (at load.stages[0].rate): m');
  const w = formatIssue({ severity: 'warning', path: ['benchmarks', 1, 'profile.streams'], message: 'w', hint: 'h' }, 'g.yaml');
  assert.equal(w, 'g.yaml (at benchmarks[1]["profile.streams"]): w (h)');
});

test('assertValidProfile: returns warnings when there is no error', () => {
  const w = assertValidProfile('nop', 'model_name: m\nextra: 1\n', 'nop.yaml');
  assert.equal(w.length, 1);
  assert.equal(w[0]?.severity, 'warning');
  assert.deepEqual(w[0]?.path, ['extra']);
});

test('assertValidProfile: one E_PROFILE_INVALID listing every error with file:line', () => {
  const text = 'model_name: 5\npvc_name: [1]\n';
  assert.throws(
    () => assertValidProfile('nop', text, 'nop.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof LlmdbenchError);
      assert.equal(e.code, 'E_PROFILE_INVALID');
      assert.equal(e.details.length, 2);
      assert.match(e.details[0] ?? '', /^nop\.yaml:1 \(at model_name\): expected string, got 5$/);
      assert.match(e.details[1] ?? '', /^nop\.yaml:2 \(at pvc_name\): /);
      assert.equal(e.location?.line, 1);
      assert.ok(e.hint);
      assert.match(formatError(e), /E_PROFILE_INVALID/);
      return true;
    },
  );
});

test('empty or non-map profile is an error', () => {
  assert.equal(validateProfileText('nop', '', 'e.yaml').issues[0]?.severity, 'error');
  assert.match(validateProfileText('nop', '- a\n- b\n', 'e.yaml').issues[0]?.message ?? '', /map/);
});
