/**
 * The pod contract, tested without a container engine: `llmdbench harness` run as a plain
 * process with the variables and directory layout the launcher pod spec gives it (profiles
 * mounted under <workspace>/profiles/<harness>, results under /requests/<dir>), against a
 * ground-truth server; checks its outputs, run_metadata.yaml, the analysis and the exit code.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { monoMs } from '../../../../src/util/clock.ts';
import { startTruthServer, type TruthServer } from '../../../helpers/truth-server.ts';
import { cleanEnv, repoRoot } from '../../run/helpers.ts';

let truth: TruthServer;
let dir: string;
before(async () => {
  truth = await startTruthServer({ ttftMs: 10, itlMs: 3, chunks: 4, tokensPerChunk: 1 });
  dir = mkdtempSync(join(tmpdir(), 'in-pod-'));
});
after(async () => {
  await truth.close();
  rmSync(dir, { recursive: true, force: true });
});

const PROFILE = `load:
  type: constant
  stages:
  - rate: 5
    duration: 1
  request_timeout: 20
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: truth-model
  base_url: URL
  ignore_eos: true
tokenizer:
  pretrained_model_name_or_path: meta-llama/Llama-3.2-1B-Instruct
data:
  type: random
  input_distribution: {min: 20, max: 40, mean: 30, std_dev: 5}
  output_distribution: {min: 4, max: 4, mean: 4, std_dev: 0}
report:
  request_lifecycle:
    summary: true
    per_stage: true
    per_request: true
`;

function runHarness(env: Record<string, string>, onStderr?: (all: string) => void): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'llmdbench.js'), 'harness'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    onStderr?.(stderr);
  });
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((r) => child.on('close', (code) => (clearTimeout(timer), r({ code, stderr }))));
}

function layout(name: string) {
  const workspace = join(dir, name, 'workspace');
  const requests = join(dir, name, 'requests');
  mkdirSync(join(workspace, 'profiles', 'inference-perf'), { recursive: true });
  mkdirSync(requests, { recursive: true });
  writeFileSync(join(workspace, 'profiles', 'inference-perf', 'sanity_random.yaml'), PROFILE.replace('URL', truth.url));
  const results = join(requests, 'inference-perf_1711800000_llm-d-1b-instruct_1');
  return {
    results,
    env: {
      LLMDBENCH_RUN_EXPERIMENT_LAUNCHER: '1',
      LLMDBENCH_MAGIC_ENVAR: 'harness_pod',
      LLMDBENCH_RUN_WORKSPACE_DIR: workspace,
      LLMDBENCH_CONTROL_WORK_DIR: results,
      LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR: results,
      LLMDBENCH_HARNESS_NAME: 'inference-perf',
      LLMDBENCH_HARNESS_NAMESPACE: 'ns1',
      LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: truth.url,
      LLMDBENCH_HARNESS_STACK_NAME: 'llm-d-1b-instruct',
      LLMDBENCH_DEPLOY_CURRENT_MODEL: 'truth-model',
      LLMDBENCH_DEPLOY_METHODS: 'modelservice',
      LLMDBENCH_RUN_EXPERIMENT_ID: '1711800000',
      LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME: 'sanity_random.yaml',
      LLMDBENCH_RUN_EXPERIMENT_RETRY_SLEEP_S: '0',
    },
  };
}

test('runs the mounted profile, writes native results, run_metadata.yaml and analysis/, exits 0', async () => {
  const l = layout('ok');
  const r = await runHarness(l.env);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['summary_lifecycle_metrics.json', 'records.jsonl', 'run_metadata.yaml', 'analysis/summary.json', 'analysis/summary.txt']) assert.ok(existsSync(join(l.results, f)), f);
  const meta = parse(readFileSync(join(l.results, 'run_metadata.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(meta.harness_rc, 0);
  assert.equal(meta.harness_name, 'inference-perf');
  assert.equal(meta.experiment_id, '1711800000');
  assert.equal(meta.endpoint_url, truth.url);
  assert.equal(meta.complete, true);
  const summary = JSON.parse(readFileSync(join(l.results, 'analysis', 'summary.json'), 'utf8')) as { requests: { succeeded: number } };
  assert.equal(summary.requests.succeeded, 5);
});

test('-j N start barrier: the load waits for the file and the time it holds', async () => {
  const l = layout('barrier');
  const barrier = join(dir, 'barrier', 'requests', '.llmdbench-start-x');
  const t0 = Date.now();
  let startAt = 0;
  let startAtMono = 0;
  const t0Mono = monoMs();
  const r = await runHarness({ ...l.env, LLMDBENCH_RUN_EXPERIMENT_START_BARRIER: barrier }, (err) => {
    if (startAt === 0 && err.includes('waiting for the start barrier')) {
      startAt = Date.now() + 700;
      startAtMono = monoMs() + 700;
      writeFileSync(barrier, String(startAt));
    }
  });
  assert.equal(r.code, 0, r.stderr);
  const mine = [...truth.log.values()].map((t) => t.receivedAtMs).filter((ms) => ms >= t0Mono);
  assert.equal(mine.length, 5);
  assert.ok(startAt > t0);
  assert.match(r.stderr, /start barrier: load starts at/);
  assert.ok(Math.min(...mine) >= startAtMono - 5, `first request ${Math.min(...mine)} before the barrier time ${startAtMono}`);
});

test('a missing profile or variable is a usage/environment error (non-zero), nothing half-written', async () => {
  const l = layout('bad');
  const r = await runHarness({ ...l.env, LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME: 'nope.yaml' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /profile .*nope\.yaml not found/);
  const r2 = await runHarness({ ...l.env, LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: '' });
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /LLMDBENCH_HARNESS_STACK_ENDPOINT_URL is not set/);
});
