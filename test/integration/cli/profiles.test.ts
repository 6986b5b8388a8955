import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(repoRoot, 'bin', 'llmdbench.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'llmdbench-profiles-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const baseEnv = { ...process.env };
  delete baseEnv.LLMDBENCH_HARNESS_PROFILES_DIR;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...baseEnv, ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = path.join(tmp, 'profiles');
for (const [rel, text] of [
  ['inference-perf/alpha.yaml.in', '# description: first one\nload: {}\n'],
  ['inference-perf/beta_long_name.yaml.in', '# description: second one\nload: {}\n'],
  ['nop/nop.yaml.in', 'model_name: x\n'],
] as const) {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

test('profiles lists one aligned line per profile from LLMDBENCH_HARNESS_PROFILES_DIR', () => {
  const r = cli(['profiles'], { LLMDBENCH_HARNESS_PROFILES_DIR: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'inference-perf/alpha           first one',
      'inference-perf/beta_long_name  second one',
      'nop/nop                        (no description)',
      '',
    ].join('\n'),
  );
});

test('profiles <harness> filters; --profiles-dir overrides the environment', () => {
  const r = cli(['profiles', 'nop', '--profiles-dir', dir], { LLMDBENCH_HARNESS_PROFILES_DIR: '/does/not/exist' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'nop/nop  (no description)\n');
});

test('profiles --json prints harness, name, path and description', () => {
  const r = cli(['profiles', 'inference-perf', '--json'], { LLMDBENCH_HARNESS_PROFILES_DIR: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [
    { harness: 'inference-perf', name: 'alpha', path: path.join(dir, 'inference-perf', 'alpha.yaml.in'), description: 'first one' },
    { harness: 'inference-perf', name: 'beta_long_name', path: path.join(dir, 'inference-perf', 'beta_long_name.yaml.in'), description: 'second one' },
  ]);
});

test('the built-in catalog lists every harness with descriptions', () => {
  const r = cli(['profiles']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 40, `${lines.length} lines`);
  for (const h of ['fmperf', 'guidellm', 'inference-perf', 'inferencemax', 'nop', 'vllm-benchmark']) {
    assert.ok(lines.some((l) => l.startsWith(`${h}/`)), h);
  }
  assert.match(r.stdout, /^inference-perf\/sanity_random +Sanity check: constant 1 req\/s for 30 s/m);
  assert.doesNotMatch(r.stdout, /\(no description\)/);
});

test('an unknown harness is an error with the closest name and a non-zero exit', () => {
  const r = cli(['profiles', 'inference_perf']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /error\[E_UNKNOWN_HARNESS\]: unknown harness "inference_perf"/);
  assert.match(r.stderr, /did you mean "inference-perf"/);
});

test('profiles --harnesses: one line per harness with its profile count and description', () => {
  const r = cli(['profiles', '--harnesses', '--profiles-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^inference-perf +2 profiles +inference-perf \(default\)/);
  assert.match(lines[1] ?? '', /^nop +1 profile +no load/);
});

test('profiles --help describes the arguments and options', () => {
  const r = cli(['profiles', '--help']);
  assert.equal(r.code, 0);
  for (const s of ['[harness]', '--json', '--harnesses', '--profiles-dir', '<harness>/<name>']) assert.ok(r.stdout.includes(s), s);
});
