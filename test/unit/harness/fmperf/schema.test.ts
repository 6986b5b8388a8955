import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'fmperf';
const OK = ['model_name: "m"', 'scenarios: "long-input sharegpt"', 'qps_values: "0.1 0.25 1"', 'num_users_warmup: 1', 'num_users: 3', 'num_rounds: 5', 'system_prompt: 256', 'chat_history: 1024', 'answer_len: 32', 'test_duration: 30', 'use_chat_completions: false'];

test('valid minimal profile: clean', () => {
  assertClean(check(H, lines('model_name: m')));
  assertClean(check(H, lines(...OK)));
  assertClean(check(H, lines('model_name: m', 'qps_values: 0.5')));
});

test('wrong types with lines', () => {
  const r = check(H, lines(...OK.map((l) => l.replace('num_users: 3', 'num_users: "3"').replace('use_chat_completions: false', 'use_chat_completions: no'))));
  assert.equal(issueAt(r.issues, 'num_users').line, 5);
  assert.equal(issueAt(r.issues, 'use_chat_completions').line, 11);
});

test('missing required model_name', () => {
  assert.match(issueAt(check(H, lines(...OK.slice(1))).issues, 'model_name').message, /required/);
});

test('bad scenario names and QPS lists', () => {
  const r = check(H, lines('model_name: m', 'scenarios: "long_input"', 'qps_values: "0.5 fast -1"'));
  assert.match(issueAt(r.issues, 'scenarios').message, /unknown scenario "long_input"/);
  const q = r.errors.filter((e) => e.path[0] === 'qps_values');
  assert.equal(q.length, 2);
});

test('several problems at once', () => {
  const r = check(H, lines('model_name: 1', 'num_rounds: 0', 'answer_len: -3', 'test_duration: 1.5'));
  assert.deepEqual(r.errors.map((e) => e.path.join('.')).sort(), ['answer_len', 'model_name', 'num_rounds', 'test_duration']);
});

test('unknown keys are warnings', () => {
  const r = check(H, lines(...OK, 'num_user: 4'));
  assert.equal(r.errors.length, 0);
  assert.match(issueAt(r.issues, 'num_user', 'warning').hint ?? '', /num_users/);
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines('model_name: m', 'num_users: 1', 'num_users: 2')), (e: { code?: string; location?: { line?: number } }) => e.code === 'E_PROFILE_YAML' && e.location?.line === 3);
});
