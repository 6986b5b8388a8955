/**
 * Kubernetes run options against the fake API server: `-r s3://…|gs://…` uploads with the cloud
 * CLI found on PATH (fake `aws` / `gsutil` scripts recording their arguments) and refuses before
 * anything starts when it is missing; `--no-cleanup` keeps the launcher pods; `-m auto` adopts
 * the model the stack serves (asked from inside the cluster). (`--retries` / `--resume`:
 * attempts.test.ts.)
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { cleanEnv, startCli } from '../../run/helpers.ts';
import { runOnFake } from './helpers.ts';

let kube: FakeKube;
let dir: string;
before(async () => {
  kube = await startFakeKube(['ns1']);
  dir = mkdtempSync(join(tmpdir(), 'k8s-options-'));
});
after(async () => {
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A directory holding fake CLIs that append their argv (one line per call) to `<name>.calls`. */
function fakeBin(name: string, ...tools: string[]): { bin: string; calls: (tool: string) => string[][] } {
  const bin = join(dir, name);
  mkdirSync(bin, { recursive: true });
  for (const t of tools) {
    const p = join(bin, t);
    writeFileSync(p, `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> "${join(bin, `${t}.calls`)}"\necho >> "${join(bin, `${t}.calls`)}"\n`);
    chmodSync(p, 0o755);
  }
  return {
    bin,
    calls: (t) => {
      const f = join(bin, `${t}.calls`);
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t').filter(Boolean)) : [];
    },
  };
}

const env = (extra: Record<string, string>) =>
  cleanEnv({ LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(), LLMDBENCH_HARNESS_START_BARRIER_S: '0', LLMDBENCH_CONTROL_WAIT_TIMEOUT: '20', LLMDBENCH_HARNESS_WAIT_TIMEOUT: '30', ...extra });

test('-r s3://bucket/prefix with aws on PATH: every results and analysis directory uploaded; --no-cleanup keeps the launcher pods', async () => {
  kube.kubelet.reset();
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'summary_lifecycle_metrics.json': '{}', 'analysis/summary.txt': 'pod analysis\n' }, runMs: 50 });
  kube.kubelet.script(/model-check/, { kind: 'complete', log: '{"data":[{"id":"meta-llama/Llama-3.2-1B-Instruct"}]}\n' });
  const fake = fakeBin('bin-aws', 'aws');
  const wd = mkdtempSync(join(tmpdir(), 'k8s-upload-'));
  try {
    const r = await startCli(['run', '-p', 'ns1', '-j', '2', '--endpoint', 'http://stack.ns1.svc.cluster.local:80', '--workdir', wd, '-r', 's3://bench-bucket/runs/', '--no-cleanup'], {
      env: env({ PATH: `${fake.bin}:${process.env['PATH'] ?? ''}` }),
      timeoutMs: 120_000,
    }).done;
    assert.equal(r.code, 0, r.stderr);
    const names = readdirSync(join(wd, 'results')).sort();
    assert.equal(names.length, 2);
    const calls = fake.calls('aws');
    const expected = names.flatMap((n) => [
      ['s3', 'cp', '--recursive', '--only-show-errors', join(wd, 'results', n), `s3://bench-bucket/runs/${n}/`],
      ['s3', 'cp', '--recursive', '--only-show-errors', join(wd, 'analysis', n), `s3://bench-bucket/runs/analysis/${n}/`],
    ]);
    assert.deepEqual(calls, expected);
    assert.match(r.stderr, /uploaded .* \(aws s3\)/);
    const left = kube.all('Pod', 'ns1').map((p) => p.metadata?.name).sort();
    assert.deepEqual(left, ['llmdbench-inference-perf-launcher-1-of-2', 'llmdbench-inference-perf-launcher-2-of-2'], '--no-cleanup: launcher pods kept, access pod released');
  } finally {
    rmSync(wd, { recursive: true, force: true });
  }
});

test('-r gs://… uses gcloud storage when present, else gsutil; a missing CLI is exit 2 naming what to install, nothing contacted', async () => {
  const before = kube.requests.length;
  const empty = fakeBin('bin-empty');
  const r = await startCli(['run', '-p', 'ns1', '--endpoint', 'http://stack.ns1.svc.cluster.local:80', '-r', 'gs://bench-bucket'], { env: env({ PATH: empty.bin }) }).done;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /E_OUTPUT_TOOL.*gcloud CLI \(gcloud storage\) or gsutil/);
  assert.match(r.stderr, /install the Google Cloud CLI/);
  const r3 = await startCli(['run', '-p', 'ns1', '--endpoint', 'http://stack.ns1.svc.cluster.local:80', '-r', 's3://b'], { env: env({ PATH: empty.bin }) }).done;
  assert.equal(r3.code, 2, r3.stderr);
  assert.match(r3.stderr, /AWS CLI \(aws\)/);
  const r4 = await startCli(['run', '-p', 'ns1', '--endpoint', 'http://stack.ns1.svc.cluster.local:80', '-r', 'ftp://b'], { env: env({ PATH: empty.bin }) }).done;
  assert.equal(r4.code, 2, r4.stderr);
  assert.match(r4.stderr, /expected local, gs:\/\/<bucket>/);
  assert.equal(kube.requests.length, before, 'the cluster was not contacted');

  // The choice and the argv, through the module (the CLI path is the same).
  const { uploaderFor } = await import('../../../../src/platform/kubernetes/upload.ts');
  const gs = fakeBin('bin-gs', 'gsutil', 'gcloud');
  const both = uploaderFor('gs://b/p', { PATH: gs.bin })!;
  assert.equal(both.tool, 'gcloud storage');
  assert.deepEqual(both.args('/w/results/x', 'gs://b/p/x/'), ['storage', 'rsync', '--recursive', '/w/results/x', 'gs://b/p/x/']);
  rmSync(join(gs.bin, 'gcloud'));
  const only = uploaderFor('gs://b/p', { PATH: gs.bin })!;
  assert.equal(only.tool, 'gsutil');
  assert.equal(only.executable, join(gs.bin, 'gsutil'));
  assert.equal(uploaderFor('local', { PATH: '' }), undefined);
});

test('-m auto: the model the stack serves is adopted (profile, pod env, stack name, result directories)', async () => {
  const k = await startFakeKube(['ns1']);
  try {
    k.kubelet.script(/model-check/, { kind: 'complete', log: '{"object":"list","data":[{"id":"Qwen/Qwen3-0.6B"},{"id":"lora-x"}]}\n' });
    k.kubelet.script(/launcher/, { kind: 'complete', files: { 'summary_lifecycle_metrics.json': '{}' }, runMs: 20 });
    const run = await runOnFake(k, { LLMDBENCH_DEPLOY_MODEL_LIST: 'auto', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack.ns1.svc.cluster.local:80' });
    assert.equal(run.error, undefined, run.lines.join('\n'));
    assert.ok(run.lines.some((l) => /-m auto: .*serves Qwen\/Qwen3-0\.6B, lora-x; adopting the first, Qwen\/Qwen3-0\.6B/.test(l)), run.lines.join('\n'));
    assert.deepEqual(run.out!.units.map((u) => u.unit.model), ['Qwen/Qwen3-0.6B']);
    const pod = k.requests.find((q) => q.method === 'POST' && q.body?.metadata?.name?.includes('launcher'))!.body as { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } };
    const podEnv = new Map(pod.spec.containers[0]!.env.map((e) => [e.name, e.value]));
    assert.equal(podEnv.get('LLMDBENCH_DEPLOY_CURRENT_MODEL'), 'Qwen/Qwen3-0.6B');
    const stack = podEnv.get('LLMDBENCH_HARNESS_STACK_NAME')!;
    assert.ok(stack && !stack.includes('auto'), stack);
    const cm = k.requests.find((q) => q.method === 'POST' && q.body?.kind === 'ConfigMap')!.body as { data: Record<string, string> };
    assert.match(Object.values(cm.data)[0]!, /Qwen\/Qwen3-0\.6B/);
    assert.ok(run.out!.units[0]!.resultsDir.includes(stack), run.out!.units[0]!.resultsDir);
    assert.ok(existsSync(join(run.out!.units[0]!.resultsDir, 'summary_lifecycle_metrics.json')));
  } finally {
    await k.stop();
  }
});

test('-m auto with no answer from /v1/models: a clear error, no launcher pod created', async () => {
  const k = await startFakeKube(['ns1']);
  try {
    k.kubelet.script(/model-check/, { kind: 'complete', exitCode: 7 });
    const run = await runOnFake(k, { LLMDBENCH_DEPLOY_MODEL_LIST: 'auto', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack.ns1.svc.cluster.local:80' });
    assert.match(run.error?.message ?? '', /-m auto: .* did not answer from inside the cluster/);
    assert.equal(k.requests.filter((q) => q.method === 'POST' && q.body?.metadata?.name?.includes('launcher')).length, 0);
  } finally {
    await k.stop();
  }
});
