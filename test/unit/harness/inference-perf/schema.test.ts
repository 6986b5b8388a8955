import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, check, issueAt, lines } from '../issues-helper.ts';

const H = 'inference-perf';
const SERVER = ['server:', '  base_url: http://127.0.0.1:8000'];

test('valid minimal profile: no issues', () => {
  assertClean(check(H, lines(...SERVER, 'load:', '  stages:', '    - rate: 1', '      duration: 10')));
});

test('the seed sanity profile is clean', () => {
  const r = check(
    H,
    lines(
      'load:', '  type: constant', '  stages:', '  - rate: 1', '    duration: 30',
      'api:', '  type: completion', '  streaming: true',
      'server:', '  type: vllm', '  model_name: m', '  base_url: http://x:80', '  ignore_eos: true',
      'tokenizer:', '  pretrained_model_name_or_path: m',
      'data:', '  type: random',
      '  input_distribution: {min: 10, max: 100, mean: 50, std_dev: 10, total_count: 100}',
      '  output_distribution: {min: 10, max: 100, mean: 50, std_dev: 10, total_count: 100}',
      'report:', '  request_lifecycle: {summary: true, per_stage: true, per_request: true}',
      'storage:', '  local_storage:', '    path: /workspace',
    ),
  );
  assertClean(r);
});

test('wrong type: error with path and line', () => {
  const r = check(H, lines(...SERVER, 'load:', '  stages:', '    - rate: fast', '      duration: 1.5', 'api:', '  streaming: "yes"'));
  const rate = issueAt(r.issues, 'load.stages.0.rate');
  assert.equal(rate.line, 5);
  assert.match(rate.message, /expected number, got "fast"/);
  assert.equal(issueAt(r.issues, 'load.stages.0.duration').line, 6);
  assert.equal(issueAt(r.issues, 'api.streaming').line, 8);
});

test('missing required: server.base_url, server', () => {
  const r = check(H, lines('server:', '  model_name: m', 'load:', '  stages: [{rate: 1, duration: 1}]'));
  const e = issueAt(r.issues, 'server.base_url');
  assert.equal(e.line, 1, 'points at the parent key');
  assert.match(e.message, /required/);
  const r2 = check(H, lines('load:', '  stages: [{rate: 1, duration: 1}]'));
  issueAt(r2.issues, 'server');
});

test('bad enum values, with the closest valid value as hint', () => {
  const r = check(H, lines(...SERVER, 'load:', '  type: constnt', '  stages: [{rate: 1, duration: 1}]', 'api:', '  type: completions', 'data:', '  type: sharegpt'));
  assert.match(issueAt(r.issues, 'load.type').hint ?? '', /"constant"/);
  assert.match(issueAt(r.issues, 'api.type').hint ?? '', /"completion"/);
  const d = issueAt(r.issues, 'data.type');
  assert.match(d.hint ?? '', /"shareGPT"/);
  assert.equal(d.line, 9);
});

test('cross-field: stage fields per load type', () => {
  const constant = check(H, lines(...SERVER, 'load:', '  type: constant', '  stages:', '    - rate: 1', '      num_requests: 5', '    - duration: 10'));
  assert.match(issueAt(constant.issues, 'load.stages.0.duration').message, /required for load.type constant/);
  assert.match(issueAt(constant.issues, 'load.stages.0.num_requests').message, /not allowed/);
  issueAt(constant.issues, 'load.stages.1.rate');
  // explicit nulls are tolerated (guide_pd-disaggregation_* writes them)
  assertClean(check(H, lines(...SERVER, 'load:', '  stages:', '    - {rate: 1, duration: 2, num_requests: null, concurrency_level: null}')));

  const conc = check(H, lines(...SERVER, 'load:', '  type: concurrent', '  stages:', '    - num_requests: 10', '      rate: 3'));
  issueAt(conc.issues, 'load.stages.0.concurrency_level');
  issueAt(conc.issues, 'load.stages.0.rate', 'warning');

  const tsr = check(H, lines(...SERVER, 'load:', '  type: trace_session_replay', '  stages:', '    - num_sessions: 4', '    - {concurrent_sessions: 2, session_rate: 3}'));
  issueAt(tsr.issues, 'load.stages.0.concurrent_sessions');
  issueAt(tsr.issues, 'load.stages.1.session_rate');
});

test('cross-field: stages or sweep; sweep not with concurrent', () => {
  issueAt(check(H, lines(...SERVER, 'load:', '  type: poisson')).issues, 'load');
  issueAt(check(H, lines(...SERVER, 'load:', '  stages: []')).issues, 'load.stages');
  assertClean(check(H, lines(...SERVER, 'load:', '  sweep: {type: linear}')));
  const r = check(H, lines(...SERVER, 'load:', '  type: concurrent', '  sweep: {type: geometric}', '  stages: [{num_requests: 1, concurrency_level: 1}]'));
  issueAt(r.issues, 'load.sweep');
});

test('cross-field: normal distribution min <= mean <= max, defaults included', () => {
  const r = check(
    H,
    lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1}]', 'data:', '  type: random',
      '  input_distribution: {min: 10, max: 100, mean: 500}',
      '  output_distribution: {mean: 2000}'),
  );
  assert.match(issueAt(r.issues, 'data.input_distribution.mean').message, /within \[min, max\] = \[10, 100\]/);
  assert.match(issueAt(r.issues, 'data.output_distribution.mean').message, /1024 \(default\)/);
  // uniform has no mean constraint; min > max always is an error
  const u = check(H, lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1}]', 'data:', '  type: random',
    '  input_distribution: {type: uniform, min: 10, max: 100, mean: 500}', '  output_distribution: {min: 50, max: 20, mean: 30}'));
  assert.equal(u.errors.filter((e) => e.path.join('.').startsWith('data.input')).length, 0);
  issueAt(u.issues, 'data.output_distribution.min');
});

test('cross-field: data types', () => {
  const rnd = check(H, lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1}]', 'data:', '  type: random'));
  issueAt(rnd.issues, 'data.input_distribution');
  issueAt(rnd.issues, 'data.output_distribution');
  const otel = check(H, lines(...SERVER, 'api: {type: chat}', 'load:', '  stages: [{rate: 1, duration: 1}]', 'data:', '  type: otel_trace_replay', '  otel_trace_replay: {include_errors: false}'));
  assert.match(issueAt(otel.issues, 'data.type').message, /trace_session_replay/);
  issueAt(otel.issues, 'data.otel_trace_replay');
  const noSub = check(H, lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1}]', 'data:', '  type: shared_prefix'));
  issueAt(noSub.issues, 'data.shared_prefix');
  issueAt(check(H, lines(...SERVER, 'load:', '  stages: [{num_requests: 1, concurrency_level: 1}]', '  type: concurrent', 'data: {type: conversation_replay}')).issues, 'data.conversation_replay');
  const lora = check(H, lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1}]', '  lora_traffic_split: [{name: a, split: 0.5}, {name: b, split: 0.4}]'));
  assert.match(issueAt(lora.issues, 'load.lora_traffic_split').message, /sum to 0.9/);
});

test('cross-field: api.type must be one the data generator supports', () => {
  const stage = ['load:', '  stages: [{rate: 1, duration: 1}]'];
  const dist = ['  input_distribution: {min: 1, max: 9, mean: 5}', '  output_distribution: {min: 1, max: 9, mean: 5}'];
  const chatRandom = check(H, lines(...SERVER, ...stage, 'api:', '  type: chat', 'data:', '  type: random', ...dist));
  assert.match(issueAt(chatRandom.issues, 'api.type').message, /supports api.type completion, not chat/);
  assertClean(check(H, lines(...SERVER, ...stage, 'api:', '  type: chat', 'data:', '  type: shared_prefix', '  shared_prefix: {num_groups: 2}')));
  const otelDefault = check(H, lines(...SERVER, 'load:', '  type: trace_session_replay', '  stages: [{concurrent_sessions: 1}]', 'data:', '  type: otel_trace_replay', '  otel_trace_replay: {trace_directory: /t}'));
  assert.match(issueAt(otelDefault.issues, 'data.type').message, /not completion \(the default\)/);
  const sp = check(H, lines(...SERVER, ...stage, 'data:', '  type: random', ...dist, '  shared_prefix: {num_groups: 2}'));
  issueAt(sp.issues, 'data.shared_prefix');
});

test('several problems at once: all reported, each with its own line', () => {
  const r = check(H, lines('server:', '  base_url: 5', 'load:', '  type: concurrent', '  stages:', '    - num_requests: -1', 'api:', '  type: grpc', 'report:', '  request_lifecycle:', '    summary: maybe'));
  const paths = r.errors.map((e) => `${e.path.join('.')}@${e.line}`).sort();
  assert.deepEqual(paths, ['api.type@8', 'load.stages.0.concurrency_level@6', 'load.stages.0.num_requests@6', 'report.request_lifecycle.summary@11', 'server.base_url@2']);
});

test('unknown keys are warnings, not errors', () => {
  const r = check(H, lines(...SERVER, 'load:', '  stages: [{rate: 1, duration: 1, rat: 2}]', '  flavour: x', 'circuit_breakers: []'));
  assert.equal(r.errors.length, 0);
  assert.match(issueAt(r.issues, 'load.stages.0.rat', 'warning').hint ?? '', /"rate"/);
  issueAt(r.issues, 'load.flavour', 'warning');
  assert.equal(issueAt(r.issues, 'circuit_breakers', 'warning').line, 6);
});

test('YAML syntax error names the line', () => {
  assert.throws(() => check(H, lines(...SERVER, 'load:', '  stages:', '  - rate: 1', '   duration: 2')), (e: { code?: string; location?: { line?: number } }) => e.code === 'E_PROFILE_YAML' && e.location?.line === 6);
});
