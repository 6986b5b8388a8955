import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadExperiment, parseExperiment, resolveExperimentPath } from '../../../src/experiments/load.ts';
import { throwsCode } from '../../helpers/throws-code.ts';
import { upstreamDir } from '../../helpers/upstream.ts';

const upstream = upstreamDir;


// Counts and names read by hand from each upstream file.
const expected: { file: string; format: 'shell' | 'head'; run: string[]; setup: number; firstAssign: string }[] = [
  { file: 'experiments-3045e869/inference-scheduling.yaml', format: 'shell', setup: 4, firstAssign: 'question_len=100 output_len=100',
    run: ['run_100_100', 'run_100_300', 'run_100_1000', 'run_300_100', 'run_300_300', 'run_300_1000', 'run_1000_100', 'run_1000_300', 'run_1000_1000'] },
  { file: 'experiments-3045e869/pd-disaggregation.yaml', format: 'shell', setup: 9, firstAssign: 'max-concurrency=1 num-prompts=10',
    run: ['run_1_10', 'run_8_80', 'run_32_320', 'run_64_640', 'run_128_1280', 'run_256_2560'] },
  { file: 'experiments-3045e869/precise-prefix-cache-aware.yaml', format: 'shell', setup: 3, firstAssign: 'streaming=true num_groups=40 system_prompt_len=8000',
    run: ['long', 'medium', 'short'] },
  { file: 'experiments-3045e869/tiered-prefix-cache.yaml', format: 'shell', setup: 4, firstAssign: 'streaming=true num_groups=40 system_prompt_len=8000',
    run: ['long', 'medium', 'short'] },
  { file: 'experiments-3045e869/tutorials-kubecon/pd-disaggregation.yaml', format: 'shell', setup: 9, firstAssign: 'max-concurrency=1 num-prompts=10',
    run: ['run_1_10', 'run_8_80', 'run_32_320', 'run_64_640', 'run_128_1280', 'run_256_2560'] },
  { file: 'experiments-3045e869/tutorials-kubecon/smoke.yaml', format: 'shell', setup: 3, firstAssign: 'prompt_tokens=2048 output_tokens=512',
    run: ['run_2048_512', 'run_1280_1280', 'run_512_2048'] },
  { file: 'experiments/concurrent-sessions-sweep.yaml', format: 'head', setup: 0, firstAssign: 'load.stages.0.concurrent_sessions=8',
    run: ['conc8', 'conc12', 'conc16', 'conc24', 'conc32', 'conc48', 'conc64', 'conc96', 'conc128'] },
  { file: 'experiments/max-concurrency-sweep.yaml', format: 'head', setup: 0, firstAssign: 'max-concurrency=8',
    run: ['conc8', 'conc16', 'conc24', 'conc32'] },
  { file: 'experiments/optimized-baseline.yaml', format: 'head', setup: 4, firstAssign: 'data.shared_prefix.question_len=100 data.shared_prefix.output_len=100',
    run: ['qlen100_olen100', 'qlen100_olen300', 'qlen100_olen1000', 'qlen300_olen100', 'qlen300_olen300', 'qlen300_olen1000', 'qlen1000_olen100', 'qlen1000_olen300', 'qlen1000_olen1000'] },
  { file: 'experiments/otel-session-rate-sweep.yaml', format: 'head', setup: 0, firstAssign: 'load.stages.0.session_rate=0.02',
    run: ['rate0p02', 'rate0p04', 'rate0p08', 'rate0p10', 'rate0p12'] },
  { file: 'experiments/pd-disaggregation.yaml', format: 'head', setup: 9, firstAssign: 'max-concurrency=1 num-prompts=10',
    run: ['conc1', 'conc8', 'conc32', 'conc64', 'conc128', 'conc256'] },
  { file: 'experiments/precise-prefix-cache-aware.yaml', format: 'head', setup: 3, firstAssign: 'data.shared_prefix.num_groups=40 data.shared_prefix.system_prompt_len=8000',
    run: ['grp40_splen8k', 'grp40_splen5k', 'grp40_splen1k', 'grp60_splen8k', 'grp60_splen5k', 'grp60_splen1k'] },
  { file: 'experiments/tiered-prefix-cache.yaml', format: 'head', setup: 4, firstAssign: 'data.shared_prefix.num_groups=40 data.shared_prefix.system_prompt_len=8000',
    run: ['grp40_splen8k', 'grp40_splen5k', 'grp40_splen1k', 'grp60_splen8k', 'grp60_splen5k', 'grp60_splen1k'] },
];

test('every upstream experiment file expands to the right treatments', async (t) => {
  for (const e of expected) {
    await t.test(e.file, () => {
      const x = loadExperiment(path.join(upstream, e.file));
      assert.equal(x.format, e.format);
      assert.deepEqual(x.run.map((r) => r.name), e.run);
      assert.equal(x.setup.length, e.setup);
      const first = x.run[0]?.assignments.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(' ');
      assert.equal(first, e.firstAssign);
      if (e.setup > 0) assert.ok(x.notes.some((n) => /setup treatment\(s\).*not applicable to run/.test(n)), x.notes.join('\n'));
    });
  }
});

test('the list covers every upstream experiment file', async () => {
  const { readdirSync } = await import('node:fs');
  const all = ['experiments', 'experiments-3045e869', 'experiments-3045e869/tutorials-kubecon'].flatMap((d) =>
    readdirSync(path.join(upstream, d)).filter((f) => f.endsWith('.yaml')).map((f) => `${d}/${f}`),
  );
  assert.deepEqual(all.sort(), expected.map((e) => e.file).sort());
});

test('SHELL: values typed as YAML scalars, quotes removed, REPLACE_COMMA restored, NA skipped', () => {
  const x = parseExperiment(
    ['run:', '  factors: [a, b.c, d]', '  treatments:', `    - "'x'REPLACE_COMMAy, 0.5, NA"`, '    - "2,true,3"', ''].join('\n'),
    'e.yaml',
  );
  assert.deepEqual(x.run.map((r) => r.name), ['run_x_REPLACE_COMMAy_0_5_NA', 'run_2_true_3']);
  assert.deepEqual(x.run[0]?.assignments.map((a) => [a.key, a.value]), [['a', 'x,y'], ['b.c', 0.5]]);
  assert.deepEqual(x.run[1]?.assignments.map((a) => a.value), [2, true, 3]);
  assert.ok(x.notes.some((n) => /NA values leave the profile unchanged: run_x_REPLACE_COMMAy_0_5_NA: d/.test(n)), x.notes.join('\n'));
  assert.equal(x.run[0]?.assignments[1]?.bare, false);
  assert.equal(x.run[0]?.line, 4);
  assert.match(x.run[0]?.assignments[0]?.source ?? '', /experiment e\.yaml:4, treatment run_x/);
});

test('SHELL: map treatments use their key; constants ("k: v" or {k: v}) come first in every treatment', () => {
  const x = parseExperiment(
    ['run:', '  constants:', '    - "ignore_eos: false"', '    - streaming: true', '  factors: [rate]', '  treatments:', '    my-fast: "10"', '    slow: "1"'].join('\n'),
    'e.yaml',
  );
  assert.deepEqual(x.run.map((r) => [r.name, r.label]), [['my_fast', 'my-fast'], ['slow', 'slow']]);
  assert.deepEqual(x.run[0]?.assignments.map((a) => [a.key, a.value]), [['ignore_eos', false], ['streaming', true], ['rate', 10]]);
});

test('HEAD: per-treatment profile, constants merged first, dotted keys', () => {
  const x = parseExperiment(
    ['constants:', '  api.streaming: true', 'treatments:', '  - name: a-1', '    profile: random_concurrent', '    load.stages.0.rate: 3', '  - name: b', '    min: 2', ''].join('\n'),
    'h.yaml',
  );
  assert.equal(x.format, 'head');
  assert.deepEqual(x.run.map((r) => [r.name, r.profile]), [['a_1', 'random_concurrent'], ['b', undefined]]);
  assert.deepEqual(x.run[0]?.assignments.map((a) => [a.key, a.value, a.bare]), [['api.streaming', true, false], ['load.stages.0.rate', 3, false]]);
  assert.equal(x.run[1]?.assignments[1]?.bare, true);
});

test('validation: factor count, empty treatments, duplicates, missing name — errors with file, line and key path', () => {
  const e = throwsCode(() => parseExperiment('run:\n  factors: [a, b]\n  treatments:\n    - "1,2"\n    - "1,2,3"\n    - "4"\n', 'bad.yaml'), 'E_EXPERIMENT_INVALID');
  assert.equal(e.location?.file, 'bad.yaml');
  assert.equal(e.location?.line, 5);
  assert.equal(e.location?.keyPath, 'run.treatments[1]');
  assert.match(e.message, /3 value\(s\) but there are 2 factor\(s\)/);
  assert.equal(e.details.length, 1);
  assert.match(e.details[0] ?? '', /bad\.yaml:6/);
  throwsCode(() => parseExperiment('run:\n  factors: [a]\n  treatments: []\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
  throwsCode(() => parseExperiment('treatments: []\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
  throwsCode(() => parseExperiment('run:\n  treatments: ["1"]\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
  const d = throwsCode(() => parseExperiment('treatments:\n  - name: a\n    x: 1\n  - name: a\n    x: 2\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
  assert.match(d.message, /two run treatments are named "a"/);
  assert.equal(d.location?.line, 4);
  const n = throwsCode(() => parseExperiment('treatments:\n  - x: 1\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
  assert.equal(n.location?.keyPath, 'treatments[0].name');
  throwsCode(() => parseExperiment('foo: 1\n', 'x.yaml'), 'E_EXPERIMENT_INVALID');
});

test('bad YAML: E_EXPERIMENT_YAML with the line', () => {
  const e = throwsCode(() => parseExperiment('run:\n  factors: [a\n  treatments:\n', 'y.yaml'), 'E_EXPERIMENT_YAML');
  assert.equal(e.location?.file, 'y.yaml');
  assert.equal(typeof e.location?.line, 'number');
});

test('unknown keys and unsupported HEAD options are warnings with file:line', () => {
  const x = parseExperiment('treatmnts: 1\ntreatments:\n  - name: a\n    x: 1\nreset_caches: true\n', 'w.yaml');
  assert.ok(x.warnings.some((w) => /^w\.yaml:1: unknown top-level key "treatmnts".*did you mean "treatments"/.test(w)), x.warnings.join('\n'));
  assert.ok(x.warnings.some((w) => /^w\.yaml:5: "reset_caches"/.test(w)));
  const s = parseExperiment('run:\n  factors: [a]\n  levls: {}\n  treatments: ["1"]\n', 's.yaml');
  assert.ok(s.warnings.some((w) => /s\.yaml:3: unknown key "run\.levls"/.test(w)), s.warnings.join('\n'));
});

test('a file with only setup treatments: no run treatments, a note', () => {
  const x = parseExperiment('setup:\n  factors: [A]\n  treatments: ["1", "2"]\n', 'only-setup.yaml');
  assert.equal(x.run.length, 0);
  assert.deepEqual(x.setup.map((s) => s.name), ['setup_1', 'setup_2']);
  assert.ok(x.notes.some((n) => /no run treatments/.test(n)));
});

test('resolve by name under <cwd>/experiments (.yaml optional), by path, and a not-found error with suggestions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmdbench-exp-'));
  try {
    mkdirSync(path.join(dir, 'experiments'));
    writeFileSync(path.join(dir, 'experiments', 'sweep.yaml'), 'run:\n  factors: [rate]\n  treatments: ["1", "2"]\n');
    const byName = loadExperiment('sweep', { cwd: dir });
    assert.equal(byName.file, path.join(dir, 'experiments', 'sweep.yaml'));
    assert.equal(byName.run.length, 2);
    assert.equal(resolveExperimentPath('sweep.yaml', { cwd: dir }), byName.file);
    assert.equal(resolveExperimentPath('experiments/sweep.yaml', { cwd: dir }), byName.file);
    const e = throwsCode(() => loadExperiment('sweeep', { cwd: dir }), 'E_EXPERIMENT_NOT_FOUND');
    assert.ok(e.details.some((d) => /did you mean: sweep/.test(d)), e.details.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SHELL: a constant that is also a factor is a warning; the factor wins (applied after)', () => {
  const x = parseExperiment('run:\n  constants: ["rate: 1"]\n  factors: [rate]\n  treatments: ["5"]\n', 'c.yaml');
  assert.ok(x.warnings.some((w) => /also set factor\(s\) rate/.test(w)), x.warnings.join('\n'));
  assert.deepEqual(x.run[0]?.assignments.map((a) => a.value), [1, 5]);
});
