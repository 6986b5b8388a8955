/**
 * The whole Kubernetes flow against the fake API server with the real client: objects created
 * as described, watch-based waiting, byte-identical verified copy-back, cleanup, crash states
 * and API faults with clear messages and no orphaned pods.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../run/helpers.ts';
import { basename, join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { runOnFake, tree } from './helpers.ts';

let kube: FakeKube;
before(async () => {
  kube = await startFakeKube(['ns1']);
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm-standalone-llama', namespace: 'ns1', labels: { 'stood-up-via': 'standalone' } }, spec: { ports: [{ name: 'http', port: 8080 }] } });
});
after(async () => kube.stop());
beforeEach(() => kube.kubelet.reset());

const big = randomBytes(200_000);
const podFiles = (i: number) => ({
  'summary_lifecycle_metrics.json': `{"pod":${i}}`,
  'stdout.log': `line\n`.repeat(100),
  'blob.bin': big,
  'nested/deep/x.txt': `x${i}`,
  'analysis/summary.txt': `analysis of ${i}\n`,
  'run_metadata.yaml': 'harness_rc: 0\n',
});

const launchers = () => kube.all('Pod', 'ns1').filter((p) => p.metadata?.labels?.function === 'load_generator');

test('-j 2 -t standalone: discovery, PVC, ConfigMap, pods as described, barrier, byte-identical copy, cleanup', async () => {
  kube.kubelet.script(/launcher-1-of-2/, { kind: 'complete', files: podFiles(1), runMs: 60 });
  kube.kubelet.script(/launcher-2-of-2/, { kind: 'complete', files: podFiles(2), runMs: 80 });
  kube.kubelet.script(/llmdbench-model-check-/, { kind: 'complete', log: '{"object":"list","data":[{"id":"other/model"}]}\n' });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2', LLMDBENCH_DEPLOY_METHODS: 'standalone', LLMDBENCH_HARNESS_CPU_NR: '2', LLMDBENCH_HARNESS_CPU_MEM: '4Gi' });
  assert.equal(r.error, undefined, `${r.error?.stack}\n${r.lines.join('\n')}`);
  assert.match(r.lines.join('\n'), /endpoint for standalone: http:\/\/vllm-standalone-llama\.ns1\.svc\.cluster\.local:8080 \(from Service\/vllm-standalone-llama\)/);
  // the served model, asked from inside the cluster: a mismatch is a warning, as in a local run
  assert.match(r.lines.join('\n'), /warning: http:\/\/vllm-standalone-llama\.ns1\.svc\.cluster\.local:8080 serves other\/model, not meta-llama\/Llama-3\.2-1B-Instruct/);
  const check = kube.requests.find((q) => q.method === 'POST' && q.body?.metadata?.name?.startsWith('llmdbench-model-check-'));
  assert.ok(check, 'model-check pod created');
  assert.deepEqual((check.body!.spec as { containers: Array<{ command: string[] }> }).containers[0]!.command.at(-1), 'http://vllm-standalone-llama.ns1.svc.cluster.local:8080/v1/models');
  const created = kube.requests.filter((q) => q.method === 'POST' && !q.body?.metadata?.name?.startsWith('llmdbench-model-check-')).map((q) => `${q.body?.kind}/${q.body?.metadata?.name}`);
  assert.deepEqual(created, [
    'PersistentVolumeClaim/workload-pvc',
    'ConfigMap/inference-perf-profiles',
    'Pod/access-to-harness-data-workload-pvc',
    'Pod/llmdbench-inference-perf-launcher-1-of-2',
    'Pod/llmdbench-inference-perf-launcher-2-of-2',
  ]);
  const podBody = kube.requests.find((q) => q.method === 'POST' && q.body?.metadata?.name === 'llmdbench-inference-perf-launcher-1-of-2')!.body!;
  const spec = podBody.spec as { restartPolicy: string; containers: Array<{ resources: object; env: Array<{ name: string; value?: string }> }> };
  assert.equal(spec.restartPolicy, 'Never');
  assert.deepEqual(spec.containers[0]!.resources, { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
  const env = new Map(spec.containers[0]!.env.map((e) => [e.name, e.value]));
  assert.equal(env.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'), 'http://vllm-standalone-llama.ns1.svc.cluster.local:8080');
  const cm = kube.getObject('ConfigMap', 'ns1', 'inference-perf-profiles')!;
  assert.match(String((cm.data as Record<string, string>)['sanity_random.yaml']), /vllm-standalone-llama\.ns1\.svc\.cluster\.local:8080/);
  // the barrier: written once both pods ran, through the access pod
  const barrier = kube.execs.find((e) => e.argv.join(' ').includes('.llmdbench-start-'));
  assert.ok(barrier, 'start barrier written');
  assert.equal(barrier.pod, 'access-to-harness-data-workload-pvc');
  // copy-back: byte-identical, analysis/ routed to the analysis folder
  assert.equal(r.out!.units.length, 2);
  for (const [i, u] of r.out!.units.entries()) {
    const onPvc = tree(join(kube.pvcRoot, 'workload-pvc', basename(u.resultsDir)));
    const local = tree(u.resultsDir);
    const localAnalysis = tree(u.analysisDir);
    for (const [rel, data] of onPvc) {
      if (rel.startsWith('analysis/')) assert.deepEqual(localAnalysis.get(rel.slice('analysis/'.length)), data, rel);
      else assert.deepEqual(local.get(rel), data, rel);
    }
    assert.equal(u.rc, 0);
    assert.equal(u.complete, true, u.error);
    assert.match(basename(u.resultsDir), new RegExp(`_${i + 1}$`));
  }
  assert.match(r.lines.join('\n'), /copied 6 files \(\d+ bytes\), verified/);
  assert.deepEqual(launchers(), [], 'launcher pods deleted');
  assert.equal(kube.getObject('Pod', 'ns1', 'access-to-harness-data-workload-pvc'), undefined, 'access pod deleted');
  // least privilege: every call the run made is granted by deploy/kubernetes/rbac.yaml's Role
  const role = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'kubernetes', 'rbac.yaml'), 'utf8'))[0]!.toJS() as { rules: Array<{ resources: string[]; verbs: string[] }> };
  const granted = new Set(role.rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))));
  const used = new Set(kube.requests.map((q) => q.rbac).filter((x): x is string => x !== undefined && x !== 'get namespaces'));
  assert.deepEqual([...used].filter((u) => !granted.has(u)), [], `used: ${[...used].join(', ')}`);
});

for (const reason of ['ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff']) {
  test(`${reason}: detected early, events and logs shown, nothing left behind`, async () => {
    kube.kubelet.script(/launcher/, { kind: 'waiting', reason, message: 'pull access denied for ghcr.io/x', log: 'boom: last words\n' });
    const t0 = Date.now();
    const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
    assert.ok(r.error, 'the run fails');
    assert.equal((r.error as { code?: string }).code, 'E_K8S_POD_START');
    assert.match(r.error.message, new RegExp(reason));
    const details = (r.error as unknown as { details: string[] }).details.join('\n');
    assert.match(details, reason === 'CrashLoopBackOff' ? /BackOff/ : /Failed to pull image/);
    if (reason === 'CrashLoopBackOff') assert.match(details, /boom: last words/);
    assert.ok(Date.now() - t0 < 5000, 'long before the 10 s ready timeout');
    assert.deepEqual(launchers(), []);
  });
}

test('Unschedulable: the scheduler message and a resources hint', async () => {
  kube.kubelet.script(/launcher/, { kind: 'unschedulable' });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  assert.match(r.error?.message ?? '', /Unschedulable/);
  assert.match((r.error as unknown as { details: string[] }).details.join('\n'), /Insufficient cpu/);
  assert.match((r.error as unknown as { hint: string }).hint, /LLMDBENCH_HARNESS_CPU_NR/);
  assert.deepEqual(launchers(), []);
});

test('a pod OOMKilled among -j 2: its results are collected too, the error names the reason', async () => {
  kube.kubelet.script(/launcher-1-of-2/, { kind: 'complete', files: podFiles(1) });
  kube.kubelet.script(/launcher-2-of-2/, { kind: 'complete', exitCode: 137, reason: 'OOMKilled', files: { 'partial.json': '{"partial":true}' }, log: 'Killed\n' });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  assert.equal(r.error, undefined, r.error?.stack);
  const [a, b] = r.out!.units;
  assert.equal(a!.complete, true);
  assert.equal(b!.complete, false);
  assert.match(b!.error ?? '', /OOMKilled, exit code 137/);
  assert.equal(b!.rc, 137);
  assert.ok(existsSync(join(b!.resultsDir, 'partial.json')));
  assert.match(r.lines.join('\n'), /error:.*launcher-2-of-2: failed \(OOMKilled exit code 137\)/);
  assert.deepEqual(launchers(), []);
});

test('API fault while creating the second pod: clear error, the first pod is not orphaned', async () => {
  kube.fault({ method: 'POST', path: '/pods', name: 'llmdbench-inference-perf-launcher-2-of-2', status: 500, message: 'etcdserver: request timed out' });
  const r0 = await runOnFake(kube, { LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  assert.match(r0.error?.message ?? '', /create pods in namespace "ns1" failed \(500/);
  assert.match(r0.error?.message ?? '', /etcdserver: request timed out/);
  assert.ok(kube.requests.some((q) => q.method === 'DELETE' && q.path.endsWith('/pods/llmdbench-inference-perf-launcher-1-of-2')), 'the first pod was deleted');
  assert.equal(kube.all('Pod', 'ns1').length, 0, 'no pod of ours is left (launchers, access pod)');
});

test('403 on creating pods names the missing permission', async () => {
  const k = await startFakeKube(['ns1']);
  try {
    k.forbid('create', 'pods');
    const r = await runOnFake(k, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
    assert.match(r.error?.message ?? '', /forbidden: the Kubernetes user may not "create" pods in namespace "ns1"/);
    assert.match((r.error as { hint?: string }).hint ?? '', /rbac\.yaml/);
  } finally {
    await k.stop();
  }
});

test('a copy cut mid-stream is resumed and verified', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: podFiles(1) });
  kube.execFault({ cutAfterBytes: 50_000, times: 1, command: 'tar' });
  const execsBefore = kube.execs.length;
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  assert.equal(r.error, undefined, r.error?.stack);
  const u = r.out!.units[0]!;
  assert.equal(u.complete, true, u.error);
  assert.deepEqual(tree(u.resultsDir).get('blob.bin'), big);
  const tars = kube.execs.slice(execsBefore).filter((e) => e.argv[0] === 'tar');
  assert.equal(tars[0]!.exitCode, null, 'the first copy was cut');
  assert.ok(tars.length >= 2, 'a second tar fetched what was missing');
  assert.ok(tars[1]!.argv.includes('--'), 'only the missing files');
});

test('-s 1 with a pod still running: timed out, pods stopped, partial results collected', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'early.txt': 'so far' }, runMs: 60_000 });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_WAIT_TIMEOUT: '1' });
  assert.equal(r.error, undefined, r.error?.stack);
  const u = r.out!.units[0]!;
  assert.match(u.error ?? '', /timed out after -s 1 s/);
  assert.ok(existsSync(join(u.resultsDir, 'early.txt')));
  assert.deepEqual(launchers(), []);
});

test('-s 0 launches and returns (pods kept); -z then collects what is on the PVC', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: podFiles(3), runMs: 30 });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_WAIT_TIMEOUT: '0' });
  assert.equal(r.error, undefined, r.error?.stack);
  assert.match(r.lines.join("\n"), /kubectl -n ns1 exec -it llmdbench-inference-perf-launcher-1-of-1 -- sh/);
  assert.match(r.lines.join("\n"), /collect later: LLMDBENCH_RUN_EXPERIMENT_ID=1711800000 llmdbench run <same flags> -z/);
  assert.equal(launchers().length, 1, 'the pod is left running');
  await new Promise((res) => setTimeout(res, 200));
  const posts = kube.requests.filter((q) => q.method === 'POST').length;
  const z = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_SKIP_RUN: '1' }, { workDir: r.workDir });
  assert.equal(z.error, undefined, z.error?.stack);
  const created = kube.requests.slice(0).filter((q) => q.method === 'POST').slice(posts).map((q) => q.body?.metadata?.name);
  assert.deepEqual(created, ['access-to-harness-data-workload-pvc'], '-z launches nothing');
  assert.ok(readdirSync(z.out!.units[0]!.resultsDir).includes('blob.bin'));
  assert.ok(existsSync(join(z.out!.units[0]!.analysisDir, 'summary.txt')));
  for (const p of launchers()) await fetch(`${kube.url}/api/v1/namespaces/ns1/pods/${p.metadata!.name}`, { method: 'DELETE' });
});

test('-d: pods sleep, how to exec in is printed, nothing is collected', async () => {
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_DEBUG: '1' });
  assert.equal(r.error, undefined, r.error?.stack);
  assert.match(r.lines.join('\n'), /kubectl -n ns1 exec -it llmdbench-harness-launcher-1-of-1 -- sh/);
  assert.match(r.lines.join('\n'), /then run: llm-d-benchmark\.sh/);
  const pods = launchers();
  assert.equal(pods.length, 1);
  assert.deepEqual((pods[0]!.spec as { containers: Array<{ args: string[] }> }).containers[0]!.args, ['sleep infinity']);
  for (const p of pods) await fetch(`${kube.url}/api/v1/namespaces/ns1/pods/${p.metadata!.name}`, { method: 'DELETE' });
});

test('missing namespace: a clear error before anything is created', async () => {
  const before = kube.requests.filter((q) => q.method === 'POST').length;
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_NAMESPACE: 'nope', LLMDBENCH_VLLM_COMMON_NAMESPACE: 'nope', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  assert.match(r.error?.message ?? '', /harness namespace "nope" does not exist/);
  assert.equal(kube.requests.filter((q) => q.method === 'POST').length, before);
});

test('-j 3: three pods, one barrier after all three run, three verified result folders', async () => {
  for (const i of [1, 2, 3]) kube.kubelet.script(new RegExp(`launcher-${i}-of-3`), { kind: 'complete', files: podFiles(i), runMs: 50 });
  const startedBefore = kube.kubelet.started.length;
  const execsBefore = kube.execs.length;
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_LOAD_PARALLELISM: '3' });
  assert.equal(r.error, undefined, r.error?.stack);
  assert.deepEqual(r.out!.units.map((u) => [basename(u.resultsDir).slice(-2), u.complete]), [['_1', true], ['_2', true], ['_3', true]]);
  const started = kube.kubelet.started.slice(startedBefore).filter((n) => n.includes('launcher'));
  assert.equal(started.length, 3);
  const barriers = kube.execs.slice(execsBefore).filter((e) => e.argv.join(' ').includes('.llmdbench-start-'));
  assert.equal(barriers.length, 1);
  for (const [i, u] of r.out!.units.entries()) assert.equal(tree(u.resultsDir).get('summary_lifecycle_metrics.json')?.toString(), `{"pod":${i + 1}}`);
  assert.deepEqual(launchers(), []);
});

test('Ctrl-C while the pods run: pods stopped, what they wrote collected, the run marked interrupted', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'partial.txt': 'half' }, runMs: 60_000 });
  const ac = new AbortController();
  const timer = setInterval(() => {
    if (launchers().some((p) => (p.status as { phase?: string }).phase === 'Running')) {
      clearInterval(timer);
      setTimeout(() => ac.abort(), 100);
    }
  }, 20);
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' }, { signal: ac.signal });
  clearInterval(timer);
  assert.equal(r.error, undefined, r.error?.stack);
  assert.equal(r.out!.interrupted, true);
  const u = r.out!.units[0]!;
  assert.equal(u.complete, false);
  assert.match(u.error ?? '', /interrupted/);
  assert.ok(existsSync(join(u.resultsDir, 'partial.txt')));
  assert.deepEqual(launchers(), []);
  assert.equal(kube.all('Pod', 'ns1').length, 0);
});

test('the server ends the watch mid-run: the wait re-watches and still sees the pod finish', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'a.txt': 'a' }, runMs: 600 });
  let dropped = 0;
  const timer = setInterval(() => {
    if (launchers().some((p) => (p.status as { phase?: string }).phase === 'Running')) dropped += kube.dropWatches();
  }, 100);
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80' });
  clearInterval(timer);
  assert.equal(r.error, undefined, r.error?.stack);
  assert.ok(dropped >= 1, 'a watch was dropped while the pod ran');
  assert.equal(r.out!.units[0]!.complete, true, r.out!.units[0]!.error);
  const watches = kube.requests.filter((q) => q.query.includes('watch=true') && q.query.includes('load_generator'));
  assert.ok(watches.length >= 3, `re-watched (${watches.length} watch requests)`);
});
