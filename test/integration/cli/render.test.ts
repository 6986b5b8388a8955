import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { upstreamDir } from '../../helpers/upstream.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const upstream = upstreamDir;
const bin = path.join(repoRoot, 'bin', 'llmdbench.js');
let cwd = '';

before(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'llmdbench-render-'));
});
after(() => rmSync(cwd, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // A clean environment: no LLMDBENCH_* from the machine running the tests.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LLMDBENCH_')) env[k] = v;
  const r = spawnSync(process.execPath, [bin, 'render', ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('render prints the default profile to stdout with its header comment', () => {
  const r = run(['--endpoint', 'http://127.0.0.1:8000']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# inference-perf\/sanity_random\.yaml\n/);
  const doc = parse(r.stdout);
  assert.equal(doc.server.base_url, 'http://127.0.0.1:8000');
  assert.equal(doc.server.model_name, 'meta-llama/Llama-3.2-1B-Instruct');
  assert.equal(doc.load.stages[0].rate, 1);
});

test('-o changes the profile and the change count goes to stderr', () => {
  const r = run(['-o', 'min=20,load.stages[0].rate=5', '--endpoint=http://127.0.0.1:8000']);
  assert.equal(r.code, 0, r.stderr);
  const doc = parse(r.stdout);
  assert.equal(doc.data.input_distribution.min, 20);
  assert.equal(doc.data.output_distribution.min, 20);
  assert.equal(doc.load.stages[0].rate, 5);
  assert.match(r.stderr, /min → 2 places \(data\.input_distribution\.min, data\.output_distribution\.min\) \[-o\]/);
  const pairs = run(['-o', 'rate,5,min,20', '--endpoint=http://127.0.0.1:8000']);
  assert.equal(pairs.stdout, r.stdout);
});

test('-e renders one document per treatment, separated by ---', () => {
  const exp = path.join(upstream, 'experiments', 'max-concurrency-sweep.yaml');
  const r = run(['-l', 'vllm-benchmark', '-w', 'random_concurrent', '-e', exp]);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual(docs.map((d) => d['max-concurrency']), [8, 16, 24, 32]);
  assert.match(r.stdout, /# vllm-benchmark\/random_concurrent_treatment_conc24\.yaml/);
});

test('--out writes <dir>/<harness>/<profile>_treatment_<name>.yaml; setup treatments are noted', () => {
  const out = path.join(cwd, 'out');
  const exp = path.join(upstream, 'experiments-3045e869', 'pd-disaggregation.yaml');
  const r = run(['-l', 'vllm-benchmark', '-w', 'random_concurrent', '-e', exp, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(path.join(out, 'vllm-benchmark')).sort();
  assert.deepEqual(files, [
    'random_concurrent_treatment_run_128_1280.yaml',
    'random_concurrent_treatment_run_1_10.yaml',
    'random_concurrent_treatment_run_256_2560.yaml',
    'random_concurrent_treatment_run_32_320.yaml',
    'random_concurrent_treatment_run_64_640.yaml',
    'random_concurrent_treatment_run_8_80.yaml',
  ]);
  const doc = parse(readFileSync(path.join(out, 'vllm-benchmark', 'random_concurrent_treatment_run_32_320.yaml'), 'utf8'));
  assert.equal(doc['max-concurrency'], 32);
  assert.equal(doc['num-prompts'], 320);
  assert.match(r.stderr, /9 setup treatment\(s\).*not applicable to run/);
});

test('a bad -o exits non-zero with the error and the closest keys; a malformed -o names the entry', () => {
  const r = run(['-o', 'mni=20']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /error\[E_OVERRIDE_NO_MATCH\]/);
  assert.match(r.stderr, /closest existing keys: .*min/);
  const m = run(['-o', 'a=1,2']);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /error\[E_OVERRIDE_SYNTAX\].*entry "2" is not key=value/);
});

test('--all renders every profile of the harness; a template path works; --no-validate skips validation', async () => {
  const { listTemplates } = await import('../../../src/profiles/catalog.ts');
  const out = path.join(cwd, 'all');
  const r = run(['-l', 'vllm-benchmark', '--all', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const names = listTemplates('vllm-benchmark').map((t) => `${t.name}.yaml`).sort();
  assert.ok(names.length >= 4);
  assert.deepEqual(readdirSync(path.join(out, 'vllm-benchmark')).sort(), names);

  const tpl = path.join(cwd, 'mine.yaml.in');
  writeFileSync(tpl, 'model: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL\nbase-url: REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL\nnum-prompts: 5   # mine\nmax-concurrency: 1\n');
  const p = run(['-l', 'vllm-benchmark', tpl, '-o', 'num-prompts=7', '-m', 'facebook/opt-125m']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^# vllm-benchmark\/mine\.yaml\nmodel: facebook\/opt-125m\n/);
  assert.match(p.stdout, /num-prompts: 7 {3}# mine/);

  const bad = run(['-l', 'vllm-benchmark', tpl, '-o', 'num-prompts=lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /error\[E_PROFILE_INVALID\]/);
  assert.match(bad.stderr, /num-prompts/);
  const skipped = run(['-l', 'vllm-benchmark', tpl, '-o', 'num-prompts=lots', '--no-validate']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /num-prompts: lots/);
});
