/**
 * The CLI with the Kubernetes executor: `run -p ns1 -j 2 -n` prints the pods (labels, restart
 * policy, mounts, resources, no secret inline); `run -p ns1 -j 2` against the fake API server
 * creates the objects, copies the results back and cleans up (the CLI in a child process, the
 * fake in this one, over loopback).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { cleanEnv, startCli } from '../../run/helpers.ts';

let kube: FakeKube;
before(async () => {
  kube = await startFakeKube(['ns1']);
});
after(async () => kube.stop());

test('run -p ns1 -j 2 -n prints both launcher pods as described, no secret inline, contacts nothing', async () => {
  const r = await startCli(['run', '-p', 'ns1', '-j', '2', '-n'], { env: cleanEnv({ LLMDBENCH_HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz', LLMDBENCH_KUBECONFIG: kube.kubeconfigFile() }) }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /hf_abcdefghijklmnop/);
  const yamlPart = r.stdout.slice(r.stdout.indexOf('apiVersion:'));
  const docs = parseAllDocuments(yamlPart).map((d) => d.toJS() as { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: { restartPolicy?: string; containers?: Array<{ resources: object; volumeMounts: Array<{ mountPath: string }> }> } });
  const pods = docs.filter((d) => d.kind === 'Pod' && d.metadata.name.includes('launcher'));
  assert.deepEqual(pods.map((p) => p.metadata.name), ['llmdbench-inference-perf-launcher-1-of-2', 'llmdbench-inference-perf-launcher-2-of-2']);
  for (const p of pods) {
    assert.deepEqual(p.metadata.labels, { app: 'llmdbench-harness-launcher', function: 'load_generator' });
    assert.equal(p.spec!.restartPolicy, 'Never');
    assert.deepEqual(p.spec!.containers![0]!.resources, { requests: { cpu: '16', memory: '32Gi' }, limits: { cpu: '16', memory: '32Gi' } });
    assert.deepEqual(p.spec!.containers![0]!.volumeMounts.map((m) => m.mountPath), ['/requests', '/workspace/profiles/inference-perf']);
  }
  assert.equal(kube.requests.length, 0, 'the dry run contacted nothing');
});

test('run -p ns1 -j 2 --endpoint against the fake cluster: objects, copy-back, cleanup, exit 0', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'summary_lifecycle_metrics.json': '{}', 'analysis/summary.txt': 'pod analysis\n' }, runMs: 50 });
  kube.kubelet.script(/model-check/, { kind: 'complete', log: '{"data":[{"id":"meta-llama/Llama-3.2-1B-Instruct"}]}\n' });
  const wd = mkdtempSync(join(tmpdir(), 'k8s-cli-'));
  const r = await startCli(['run', '-p', 'ns1', '-j', '2', '--endpoint', 'http://stack.ns1.svc.cluster.local:80', '--workdir', wd], {
    env: cleanEnv({ LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(), LLMDBENCH_HARNESS_START_BARRIER_S: '0', LLMDBENCH_CONTROL_WAIT_TIMEOUT: '20', LLMDBENCH_HARNESS_WAIT_TIMEOUT: '30' }),
    timeoutMs: 120_000,
  }).done;
  assert.equal(r.code, 0, r.stderr);
  const created = kube.requests.filter((q) => q.method === 'POST').map((q) => q.body?.metadata?.name ?? '').filter((n) => !n.startsWith('llmdbench-model-check-'));
  assert.deepEqual(created, ['workload-pvc', 'inference-perf-profiles', 'access-to-harness-data-workload-pvc', 'llmdbench-inference-perf-launcher-1-of-2', 'llmdbench-inference-perf-launcher-2-of-2']);
  const results = join(wd, 'results');
  const dirs = readdirSync(results).sort();
  assert.deepEqual(dirs.map((d) => d.slice(-2)), ['_1', '_2']);
  assert.equal(dirs.length, 2);
  for (const d of dirs) {
    assert.ok(existsSync(join(results, d, 'summary_lifecycle_metrics.json')), d);
    assert.equal(readFileSync(join(wd, 'analysis', d, 'summary.txt'), 'utf8'), 'pod analysis\n');
  }
  assert.equal(kube.all('Pod', 'ns1').length, 0, 'nothing left running');
});
