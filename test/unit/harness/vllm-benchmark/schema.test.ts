import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'vllm-benchmark';
const OK = [
  'executable: benchmark_serving.py',
  'model: m',
  'base-url: http://127.0.0.1:8000',
  'dataset-name: random',
  'random-input-len: 100',
  'random-output-len: 10',
  'max-concurrency: 1',
  'num-prompts: 20',
  'percentile-metrics: "ttft,tpot,itl,e2el"',
  'metric-percentiles: "0.1,1,50,99.9"',
  'ignore-eos: none',
];

test('valid minimal profile: clean (and numeric strings / request-rate inf accepted)', () => {
  assertClean(check(H, lines('model: m')));
  assertClean(check(H, lines(...OK, 'request-rate: inf', 'seed: "42"')));
});

test('wrong types', () => {
  const r = check(H, lines(...OK.map((l) => l.replace('num-prompts: 20', 'num-prompts: many').replace('max-concurrency: 1', 'max-concurrency: 0'))));
  assert.equal(issueAt(r.issues, 'num-prompts').line, 8);
  assert.match(issueAt(r.issues, 'max-concurrency').message, /> 0/);
  issueAt(check(H, lines('request-rate: -2')).issues, 'request-rate');
  issueAt(check(H, lines('random-range-ratio: 1')).issues, 'random-range-ratio');
});

test('missing required (cross-field): dataset-path for file datasets', () => {
  const r = check(H, lines('dataset-name: sharegpt', 'num-prompts: 10'));
  assert.equal(issueAt(r.issues, 'dataset-name').line, 1);
  assertClean(check(H, lines('dataset-name: sharegpt', 'dataset-path: /d/x.json')));
});

test('bad enum values with hints', () => {
  const r = check(H, lines('dataset-name: randm', 'backend: openai-chats'));
  assert.match(issueAt(r.issues, 'dataset-name').hint ?? '', /"random"/);
  assert.match(issueAt(r.issues, 'backend').hint ?? '', /"openai-chat"/);
});

test('flags: only "none" (bare flag); "none" on a value option is an error', () => {
  const r = check(H, lines('ignore-eos: true', 'save-detailed: "yes"', 'num-prompts: none'));
  assert.match(issueAt(r.issues, 'ignore-eos').message, /flag: write "ignore-eos: none"/);
  issueAt(r.issues, 'save-detailed');
  const np = r.errors.filter((e) => e.path[0] === 'num-prompts');
  assert.ok(np.some((e) => /no value/.test(e.message)), JSON.stringify(np));
});

test('cross-field: chat backend endpoint, ramp-up, metric lists', () => {
  issueAt(check(H, lines('backend: openai-chat')).issues, 'backend');
  assertClean(check(H, lines('backend: openai-chat', 'endpoint: /v1/chat/completions')));
  const ramp = check(H, lines('ramp-up-strategy: linear', 'request-rate: 3'));
  issueAt(ramp.issues, 'ramp-up-strategy');
  issueAt(ramp.issues, 'ramp-up-start-rps');
  const m = check(H, lines('percentile-metrics: "ttft,latency"', 'metric-percentiles: "0,99"'));
  assert.match(issueAt(m.issues, 'percentile-metrics').message, /"latency"/);
  assert.match(issueAt(m.issues, 'metric-percentiles').message, /"0"/);
});

test('several problems at once', () => {
  const r = check(H, lines('num-prompts: 0', 'dataset-name: csv', 'ignore-eos: 1', 'max-concurrency: x'));
  assert.deepEqual(r.errors.map((e) => `${e.path.join('.')}@${e.line}`).sort(), ['dataset-name@2', 'ignore-eos@3', 'max-concurrency@4', 'num-prompts@1']);
});

test('unknown keys are warnings with a hint', () => {
  const r = check(H, lines(...OK, 'num-prompt: 5', 'fancy: 1'));
  assert.equal(r.errors.length, 0);
  assert.match(issueAt(r.issues, 'num-prompt', 'warning').hint ?? '', /"num-prompts"/);
  assert.equal(issueAt(r.issues, 'fancy', 'warning').line, 13);
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines('model: m', 'num-prompts: [1', 'x: 2')), (e: { code?: string; location?: { line?: number } }) => e.code === 'E_PROFILE_YAML' && (e.location?.line ?? 0) >= 2);
});
