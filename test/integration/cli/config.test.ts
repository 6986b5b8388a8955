import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upstreamDir } from '../../helpers/upstream.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repoRoot, 'bin', 'llmdbench.js');
const upstreamScenarios = `${upstreamDir}/scenarios`;

const HF = 'hf_SECRETsecretSECRET9876';
const API = 'sk-scenario-api-key-abcd';

function llmdbench(args: string[], extraEnv: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'llmdbench-cli-config-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home, NO_COLOR: '1', ...extraEnv };
  const r = spawnSync(process.execPath, [bin, 'config', ...args], { cwd: home, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, home };
}

function scenarioFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-cli-scn-'));
  const f = join(dir, 'secret.sh');
  mkdirSync(dir, { recursive: true });
  writeFileSync(f, `export LLMDBENCH_MY_API_KEY=${API}\nexport LLMDBENCH_HARNESS_NAME=guidellm\nexport LLMDBENCH_PW_PASSWORD=abc\n`);
  return f;
}

test('config prints every value with its source; secrets masked in text output', () => {
  const f = scenarioFile();
  const r = llmdbench(['-c', f, '-m', 'facebook/opt-125m', '-p=stack,harness'], { LLMDBENCH_HF_TOKEN: HF, LLMDBENCH_HARNESS_CPU_NR: '3' });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.ok(!out.includes(HF) && !out.includes(API) && !out.includes('abc\n'), 'a secret leaked');
  assert.match(out, /^LLMDBENCH_HF_TOKEN\s+env\s+\*\*\*\*9876$/m);
  assert.match(out, /^LLMDBENCH_MY_API_KEY\s+scenario\s+\*\*\*\*abcd$/m);
  assert.match(out, /^LLMDBENCH_PW_PASSWORD\s+scenario\s+\*\*\*\*$/m);
  assert.match(out, new RegExp(`^scenario: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.match(out, /^LLMDBENCH_DEPLOY_MODEL_LIST\s+flag\s+facebook\/opt-125m$/m);
  assert.match(out, /^LLMDBENCH_HARNESS_NAME\s+scenario\s+guidellm$/m);
  assert.match(out, /^LLMDBENCH_HARNESS_CPU_NR\s+env\s+3$/m);
  assert.match(out, /^LLMDBENCH_HARNESS_NAMESPACE\s+flag\s+harness$/m);
  assert.match(out, /^LLMDBENCH_WVA_NAMESPACE\s+flag\s+stack$/m);
  assert.match(out, /^LLMDBENCH_HARNESS_PVC_NAME\s+default\s+workload-pvc$/m);
  assert.match(out, /^LLMDBENCH_HARNESS_STACK_NAME\s+derived\s+llm-d-125m-opt$/m);
  assert.match(out, /unknown to llmdbench[^\n]*\n(.*\n)*LLMDBENCH_MY_API_KEY/);
  // Values line up in columns.
  const cols = out.split('\n').filter((l) => /^LLMDBENCH_\w+\s+(flag|scenario|env|default|derived)\s/.test(l)).map((l) => l.search(/\s(flag|scenario|env|default|derived)\s/));
  assert.ok(cols.length > 30);
});

test('config --json: machine output, secrets masked too; --all adds empty values', () => {
  const f = scenarioFile();
  const r = llmdbench(['--json', '-c', f], { LLMDBENCH_HF_TOKEN: HF });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(HF) && !r.stdout.includes(API));
  const j = JSON.parse(r.stdout) as { scenario: string; values: Array<{ name: string; value: string; source: string; secret: boolean }>; unknown: Array<{ name: string; value: string }> };
  assert.equal(j.scenario, f);
  const hf = j.values.find((v) => v.name === 'LLMDBENCH_HF_TOKEN');
  assert.deepEqual([hf?.value, hf?.source, hf?.secret], ['****9876', 'env', true]);
  assert.equal(j.unknown.find((v) => v.name === 'LLMDBENCH_MY_API_KEY')?.value, '****abcd');
  assert.equal(j.values.find((v) => v.name === 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'), undefined);
  const all = llmdbench(['--json', '--all']);
  const ja = JSON.parse(all.stdout) as { values: Array<{ name: string; value: string }> };
  assert.equal(ja.values.find((v) => v.name === 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL')?.value, '');
});

test('config errors: unknown flag with suggestion, missing scenario with closest names, bash error naming the file', () => {
  const unknown = llmdbench(['--harnes', 'nop']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /error\[E_UNKNOWN_FLAG\]: unknown flag --harnes \(did you mean --harness\?\)/);
  const missing = llmdbench(['-c', 'kind_sim'], { LLMDBENCH_SCENARIOS_DIR: upstreamScenarios });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /E_SCENARIO_NOT_FOUND/);
  assert.match(missing.stderr, /kind_sim_fb/);
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-cli-bad-'));
  const bad = join(dir, 'bad.sh');
  writeFileSync(bad, 'export LLMDBENCH_A=1\nexport LLMDBENCH_B="unterminated\n');
  const r = llmdbench(['-c', bad]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`error[E_SCENARIO_BASH] ${bad}:`), r.stderr);
});
