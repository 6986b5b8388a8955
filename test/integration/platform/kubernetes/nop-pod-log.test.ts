/**
 * The nop harness on Kubernetes: the launcher pod finds the vLLM pod behind the stack endpoint
 * (Service -> Deployment app selector -> pod, spec §5.2; by ClusterIP, §5.8) through the real
 * client against the fake API server, reads its log (a fixture vLLM log), and reports the same
 * metrics and phases as from the file source.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runHarness } from '../../../../src/harness/common/run-harness.ts';
import { nop } from '../../../../src/harness/nop/index.ts';
import { fileLogReader } from '../../../../src/harness/server-log.ts';
import { connect, loadKubeConfig } from '../../../../src/platform/kubernetes/client.ts';
import { vllmPodLogAccess } from '../../../../src/platform/kubernetes/vllm-pod.ts';
import { createLogger } from '../../../../src/util/logger.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { cleanEnv, repoRoot } from '../../run/helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/vllm-logs/v1-0.10-debug-ms-compile.log', import.meta.url));
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let kube: FakeKube;
let dir: string;
let closedUrl: string;

function seedStack(k: FakeKube, opts: { deployment?: boolean; clusterIP?: string } = {}): void {
  const name = 'vllm-standalone-qwen3-0-6b';
  k.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'stack', labels: { 'stood-up-via': 'standalone' } }, spec: { clusterIP: opts.clusterIP ?? '10.96.0.10', selector: { app: `${name}-svc` }, ports: [{ name: 'http', port: 80 }] } });
  if (opts.deployment !== false) k.seed({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'stack' }, spec: { selector: { matchLabels: { app: name } } } });
  const app = opts.deployment !== false ? name : `${name}-svc`;
  k.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other-pod', namespace: 'stack', labels: { app: 'other' } }, spec: { containers: [{ name: 'x', image: 'x' }] }, status: { phase: 'Running' } });
  k.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-7c9d-abcde`, namespace: 'stack', labels: { app } }, spec: { containers: [{ name: 'vllm-standalone', image: 'vllm/vllm-openai:v0.10.1.1' }] }, status: { phase: 'Running' } });
  k.setPodLog('stack', `${name}-7c9d-abcde`, readFileSync(FIXTURE, 'utf8'));
  k.setPodLog('stack', 'other-pod', 'not the vLLM log\n');
}

before(async () => {
  kube = await startFakeKube(['ns1', 'stack']);
  dir = mkdtempSync(join(tmpdir(), 'nop-pod-'));
  // An endpoint nothing listens on: /version and /v1/models fail fast (the log gives the model).
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((r) => s.close(() => r()));
});
after(async () => {
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('findVllmPod: service name from the host -> Deployment selector -> the pod; by ClusterIP; Service selector without a Deployment', async () => {
  const k = await startFakeKube(['stack']);
  try {
    seedStack(k);
    const access = vllmPodLogAccess(connect(loadKubeConfig(k.kubeconfigFile())), 'stack');
    const want = { namespace: 'stack', pod: 'vllm-standalone-qwen3-0-6b-7c9d-abcde', container: 'vllm-standalone', image: 'vllm/vllm-openai:v0.10.1.1' };
    assert.deepEqual(await access.findVllmPod('http://vllm-standalone-qwen3-0-6b.stack.svc.cluster.local:80'), want);
    assert.deepEqual(await access.findVllmPod('http://10.96.0.10:80'), want);
    assert.equal(await access.findVllmPod('http://10.96.0.99:80'), undefined, 'no Service has that ClusterIP');
    assert.equal(await access.findVllmPod('http://nothing-here.stack.svc.cluster.local:80'), undefined);
    const log = await access.readPodLog('stack', want.pod, want.container);
    assert.equal(log.toString('utf8'), readFileSync(FIXTURE, 'utf8'));
    assert.ok(k.requests.some((r) => r.rbac === 'get deployments'), 'the Deployment was read');
  } finally {
    await k.stop();
  }
  const k2 = await startFakeKube(['stack']);
  try {
    seedStack(k2, { deployment: false });
    const access = vllmPodLogAccess(connect(loadKubeConfig(k2.kubeconfigFile())), 'stack');
    assert.equal((await access.findVllmPod('http://vllm-standalone-qwen3-0-6b.stack.svc.cluster.local:80'))?.pod, 'vllm-standalone-qwen3-0-6b-7c9d-abcde');
  } finally {
    await k2.stop();
  }
});

function runInPodProcess(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'llmdbench.js'), 'harness'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((r) => child.on('close', (code) => (clearTimeout(timer), r({ code, stderr }))));
}

/** result.yaml without what legitimately differs between two runs (times, the source's name). */
function comparable(resultsDir: string): Obj {
  const r = parse(readFileSync(join(resultsDir, 'result.yaml'), 'utf8')) as Obj;
  delete r['time'];
  for (const m of r['metrics'] as Obj[]) delete m['llmdbench']['source'];
  return r;
}

test('llmdbench harness (nop, in the launcher pod): the vLLM pod log via the API gives the metrics and phases of the file source', async () => {
  seedStack(kube, { clusterIP: '127.0.0.1' });
  const workspace = join(dir, 'workspace');
  mkdirSync(join(workspace, 'profiles', 'nop'), { recursive: true });
  writeFileSync(join(workspace, 'profiles', 'nop', 'nop.yaml'), 'model_name: "Qwen/Qwen3-0.6B"\npvc_name: "workload-pvc"\n');
  const results = join(dir, 'requests', 'nop_1711800000_vllm-standalone_1');
  // The endpoint as HEAD gives it: the Service's ClusterIP (here loopback, where nothing listens).
  const endpoint = closedUrl;
  const r = await runInPodProcess({
    LLMDBENCH_RUN_EXPERIMENT_LAUNCHER: '1',
    LLMDBENCH_RUN_WORKSPACE_DIR: workspace,
    LLMDBENCH_CONTROL_WORK_DIR: results,
    LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR: results,
    LLMDBENCH_HARNESS_NAME: 'nop',
    LLMDBENCH_HARNESS_NAMESPACE: 'ns1',
    LLMDBENCH_VLLM_COMMON_NAMESPACE: 'stack',
    LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: endpoint,
    LLMDBENCH_DEPLOY_CURRENT_MODEL: 'Qwen/Qwen3-0.6B',
    LLMDBENCH_DEPLOY_METHODS: 'standalone',
    LLMDBENCH_RUN_EXPERIMENT_ID: '1711800000',
    LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME: 'nop.yaml',
    LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES: '1',
    LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /vLLM log: pod stack\/vllm-standalone-qwen3-0-6b-7c9d-abcde container vllm-standalone/);
  const viaPod = comparable(results);
  assert.equal((parse(readFileSync(join(results, 'result.yaml'), 'utf8')) as Obj)['metrics'][0]['llmdbench']['source'], 'pod stack/vllm-standalone-qwen3-0-6b-7c9d-abcde container vllm-standalone');
  assert.equal(readFileSync(join(results, 'vLLM_Standalone', 'vllm.log'), 'utf8'), readFileSync(FIXTURE, 'utf8'));
  assert.ok(kube.requests.some((q) => q.rbac === 'get pods/log' && q.path.includes('vllm-standalone-qwen3-0-6b-7c9d-abcde')));
  // least privilege: every call the launcher pod made is granted by rbac.yaml's nop log-reader Role.
  const roles = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'kubernetes', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Array<{ resources: string[]; verbs: string[] }> });
  const role = roles.find((r) => r.kind === 'Role' && r.metadata.name === 'llmdbench-nop-log-reader')!;
  const granted = new Set(role.rules!.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`))));
  const used = new Set(kube.requests.map((q) => q.rbac).filter((x): x is string => x !== undefined));
  assert.deepEqual([...used].filter((u) => !granted.has(u)), [], `used: ${[...used].join(', ')}`);

  // The same log from the file source, in process.
  const fileResults = join(dir, 'file-results');
  const config = { get: (n: string) => ({ LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT: undefined } as Record<string, string | undefined>)[n], entries: () => [] };
  const outcome = await runHarness(nop, {
    profile: { model_name: 'Qwen/Qwen3-0.6B' },
    profileText: 'model_name: Qwen/Qwen3-0.6B\n',
    profileName: 'nop.yaml',
    endpointUrl: endpoint,
    model: 'Qwen/Qwen3-0.6B',
    resultsDir: fileResults,
    config,
    env: { hfHubOffline: true },
    signal: new AbortController().signal,
    log: createLogger('warn', () => {}),
    serverLog: fileLogReader(FIXTURE),
  });
  assert.equal(outcome.complete, true);
  const viaFile = comparable(fileResults);
  assert.deepEqual(viaPod['metrics'], viaFile['metrics']);
  assert.deepEqual(viaPod['scenario'], viaFile['scenario']);
  const m = viaPod['metrics'][0] as Obj;
  assert.ok(JSON.stringify(m).includes('Model Loading'), 'phases present');
  assert.equal(readFileSync(join(results, 'vLLM_Standalone', 'categories.log'), 'utf8'), readFileSync(join(fileResults, 'vLLM_Standalone', 'categories.log'), 'utf8'));
});

test('llmdbench harness (nop): no vLLM pod behind the endpoint -> a clear error, exit non-zero', async () => {
  const workspace = join(dir, 'ws2');
  mkdirSync(join(workspace, 'profiles', 'nop'), { recursive: true });
  writeFileSync(join(workspace, 'profiles', 'nop', 'nop.yaml'), 'model_name: "m"\npvc_name: "workload-pvc"\n');
  const results = join(dir, 'requests2', 'nop_1_x_1');
  const r = await runInPodProcess({
    LLMDBENCH_RUN_WORKSPACE_DIR: workspace,
    LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR: results,
    LLMDBENCH_HARNESS_NAME: 'nop',
    LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns1',
    LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://nothing.ns1.svc.cluster.local:80',
    LLMDBENCH_DEPLOY_CURRENT_MODEL: 'm',
    LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME: 'nop.yaml',
    LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES: '1',
    LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(),
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no vLLM pod found behind http:\/\/nothing\.ns1\.svc\.cluster\.local/);
  assert.match(r.stderr, /E_NOP_LOG|vLLM server log/);
});
