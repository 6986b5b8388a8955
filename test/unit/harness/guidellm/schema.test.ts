import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'guidellm';
const SPEC_OK = [
  'spec:',
  '  backend:',
  '    kind: openai_http',
  '    target: http://127.0.0.1:8000',
  '    request_format: /v1/completions',
  '  profile:',
  '    kind: concurrent',
  '    streams: 2',
  '  constraints:',
  '    - kind: max_duration',
  '      seconds: 30',
  '  data:',
  '    - kind: synthetic_text',
  '      prompt_tokens: 256',
  '      output_tokens: 128',
];
const LEGACY_OK = ['target: http://127.0.0.1:8000', 'model: m', 'request_type: text_completions', 'profile: constant', 'rate: [1, 2]', 'max_seconds: 30', 'data:', '  prompt_tokens: 50', '  output_tokens: 50'];

test('valid minimal v0.7 scenario: clean, dialect detected', () => {
  const r = check(H, lines(...SPEC_OK));
  assertClean(r);
  assert.equal(r.dialect, 'v0.7 scenario');
});

test('valid minimal legacy flat profile: clean, dialect detected', () => {
  const r = check(H, lines(...LEGACY_OK));
  assertClean(r);
  assert.equal(r.dialect, 'legacy flat form');
});

test('wrong types', () => {
  const r = check(H, lines(...SPEC_OK.map((l) => l.replace('streams: 2', 'streams: two').replace('seconds: 30', 'seconds: [30, x]'))));
  assert.equal(issueAt(r.issues, 'spec.profile.streams').line, 8);
  issueAt(r.issues, 'spec.constraints.0.seconds.1');
  const l = check(H, lines(...LEGACY_OK.map((x) => x.replace('max_seconds: 30', 'max_seconds: soon'))));
  assert.equal(issueAt(l.issues, 'max_seconds').line, 6);
});

test('missing required fields', () => {
  const r = check(H, lines(...SPEC_OK.slice(0, 11)));
  const d = issueAt(r.issues, 'spec.data');
  assert.equal(d.line, 1);
  const noPrompt = check(H, lines(...SPEC_OK.filter((l) => !l.includes('prompt_tokens'))));
  issueAt(noPrompt.issues, 'spec.data.0.prompt_tokens');
  const l = check(H, lines(...LEGACY_OK.slice(1)));
  issueAt(l.issues, 'target');
});

test('bad enum values with hints', () => {
  const r = check(H, lines(...SPEC_OK.map((l) => l.replace('kind: concurrent', 'kind: concurent').replace('/v1/completions', '/v1/completion'))));
  assert.match(issueAt(r.issues, 'spec.profile.kind').hint ?? '', /"concurrent"/);
  issueAt(r.issues, 'spec.backend.request_format');
  const l = check(H, lines(...LEGACY_OK.map((x) => x.replace('profile: constant', 'profile: constnt'))));
  assert.match(issueAt(l.issues, 'profile').hint ?? '', /"constant"/);
});

test('cross-field: profile kind fields, benchmarks supplying them', () => {
  const noStreams = SPEC_OK.filter((l) => !l.includes('streams'));
  issueAt(check(H, lines(...noStreams)).issues, 'spec.profile.streams');
  assertClean(check(H, lines(...noStreams, 'benchmarks:', '- profile.streams: 8', '- profile.streams: 4')));
  // one entry missing it is not enough
  issueAt(check(H, lines(...noStreams, 'benchmarks:', '- profile.streams: 8', '- constraints[0].seconds: 4')).issues, 'spec.profile.streams');
  const withRate = check(H, lines(...SPEC_OK.map((l) => l.replace('streams: 2', 'rate: 2'))));
  issueAt(withRate.issues, 'spec.profile.rate');
  issueAt(withRate.issues, 'spec.profile.streams');
});

test('cross-field: constraint values, benchmarks entries', () => {
  const maxReq = SPEC_OK.map((l) => l.replace('kind: max_duration', 'kind: max_requests')).filter((l) => !l.includes('seconds'));
  issueAt(check(H, lines(...maxReq)).issues, 'spec.constraints.0.count');
  assertClean(check(H, lines(...maxReq, 'benchmarks:', '- constraints[0].count: 320', '- constraints[0].count: 640')));
  const bad = check(H, lines(...SPEC_OK, 'benchmarks:', '- constraints[2].count: 5', '- profil.streams: 3', '- profile.streams: 0', '- data_loader.samples: 5', '- data_loader.samples: 6'));
  assert.match(issueAt(bad.issues, 'benchmarks.0.constraints[2].count').message, /does not exist/);
  issueAt(bad.issues, 'benchmarks.1.profil.streams');
  issueAt(bad.issues, 'benchmarks.2.profile.streams');
  assert.match(issueAt(bad.issues, 'benchmarks.4.data_loader.samples').message, /differs/);
});

test('cross-field: legacy rate per profile', () => {
  issueAt(check(H, lines(...LEGACY_OK.filter((l) => !l.startsWith('rate')))).issues, 'rate');
  const c = check(H, lines(...LEGACY_OK.map((l) => l.replace('profile: constant', 'profile: concurrent').replace('rate: [1, 2]', 'rate: [1, 2.5]'))));
  issueAt(c.issues, 'rate.1');
  const mm = check(H, lines(...LEGACY_OK.map((l) => l.replace('  prompt_tokens: 50', '  prompt_tokens: 50\n  prompt_tokens_min: 90\n  prompt_tokens_max: 60'))));
  issueAt(mm.issues, 'data.prompt_tokens_min');
});

test('legacy data may be a list of sources (v0.5/0.6) or a string', () => {
  const base = LEGACY_OK.slice(0, 6);
  assertClean(check(H, lines(...base, 'data:', '  - {prompt_tokens: 10, output_tokens: 5}', '  - "prompt_tokens=5,output_tokens=5"')));
  assertClean(check(H, lines(...base, 'data: "prompt_tokens=256,output_tokens=128"')));
  issueAt(check(H, lines(...base, 'data:', '  - {output_tokens: 5}')).issues, 'data.0.prompt_tokens');
});

test('a scenario mixing legacy flat keys is an error per key', () => {
  const r = check(H, lines(...SPEC_OK, 'target: http://x', 'max_seconds: 3'));
  assert.equal(r.dialect, 'v0.7 scenario');
  assert.equal(issueAt(r.issues, 'target').line, 16);
  issueAt(r.issues, 'max_seconds');
  assert.equal(r.warnings.length, 0);
});

test('several problems at once', () => {
  const r = check(H, lines('spec:', '  backend: {kind: grpc}', '  profile: {kind: constant}', '  data: []', '  data_loader: {samples: -5}'));
  assert.deepEqual(r.errors.map((e) => e.path.join('.')).sort(), ['spec.backend.kind', 'spec.data', 'spec.data_loader.samples', 'spec.profile.rate']);
});

test('unknown keys are warnings; hyphenated spellings accepted', () => {
  const r = check(H, lines(...SPEC_OK.map((l) => l.replace('request_format', 'request-format')), '  extra_thing: 1', 'metadata:', '  labels: {name: x}', '  owner: me'));
  assert.equal(r.errors.length, 0);
  issueAt(r.issues, 'spec.extra_thing', 'warning');
  assert.equal(r.warnings.length, 1, 'metadata accepts extra keys; request-format is known');
  const l = check(H, lines(...LEGACY_OK, 'bogus: 1'));
  assert.equal(l.errors.length, 0);
  assert.equal(issueAt(l.issues, 'bogus', 'warning').line, 10);
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines('spec:', '  data: [', '  - a')), (e: { code?: string; location?: { line?: number } }) => e.code === 'E_PROFILE_YAML' && (e.location?.line ?? 0) >= 2);
});
