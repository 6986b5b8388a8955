/**
 * `-f` on Kubernetes, end to end with the real client against the fake API server: the serving
 * pods found behind the endpoint (ClusterIP Service → selector → Running pods), their metrics
 * URLs passed to the launcher pod, the launcher (our in-pod command, run for real in this
 * process) scraping the simulator standing for both pods, the snapshots copied back from the
 * PVC and analysed into the summary and the v0.2 report's observability; the stack's, the
 * EPP's and the launcher's logs captured, secrets masked; only namespace-scoped reads in the
 * stack namespace (no pods/proxy); a refused pods/log is a warning naming the permission.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { startEmbeddedSimulator, type EmbeddedSim } from '../../../../src/sim/embedded.ts';
import { createLogger } from '../../../../src/util/logger.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { repoRoot } from '../../run/helpers.ts';
import { runOnFake } from './helpers.ts';
import { inPodProcess } from './pod-process.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MODEL = 'meta-llama/Llama-3.2-1B-Instruct';
const HF = 'hf_abcdefghijklmnopqrstuvwx';
let kube: FakeKube;
let sim: EmbeddedSim;
let port: number;

const servingPod = (name: string, labels: Record<string, string>, container = 'vllm') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'stack', labels },
  spec: { containers: [{ name: container, image: 'vllm/vllm-openai:latest', ports: [{ name: 'http', containerPort: port }] }] },
  status: { phase: 'Running', podIP: '127.0.0.1' },
});

before(async () => {
  sim = await startEmbeddedSimulator({ model: MODEL, log: createLogger('error'), config: { 'inter-token-latency': '2ms', 'inter-token-latency-std-dev': '0.2ms', 'prefill-overhead': '5ms' } });
  port = Number(new URL(sim.url).port);
  kube = await startFakeKube(['ns1', 'stack']);
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm-sim', namespace: 'stack' }, spec: { clusterIP: '127.0.0.1', selector: { app: 'vllm-sim' }, ports: [{ name: 'http', port, targetPort: 'http' }] } });
  for (const n of ['vllm-sim-decode-0', 'vllm-sim-decode-1']) {
    kube.seed(servingPod(n, { app: 'vllm-sim' }));
    kube.setPodLog('stack', n, `INFO starting ${n}\nINFO token=${HF} should not leak\nINFO Authorization: Bearer sk-secretsecret123\n`);
  }
  kube.seed(servingPod('unrelated-decode-9', { app: 'other' }));
  kube.seed(servingPod('gaie-epp-0', { inferencepool: 'x-gaie-epp' }, 'epp'));
  kube.setPodLog('stack', 'gaie-epp-0', 'epp picked vllm-sim-decode-0\n');
});
after(async () => {
  await kube?.stop();
  await sim?.stop();
});
beforeEach(() => kube.kubelet.reset());

const flags = (more: Record<string, string> = {}) => ({
  LLMDBENCH_VLLM_COMMON_NAMESPACE: 'stack',
  LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: sim.url,
  LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true',
  LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1',
  LLMDBENCH_HF_TOKEN: 'hf_configuredtokenvalue1234',
  LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'duration=3,rate=10',
  ...more,
});

test('-f: serving pods scraped from the launcher pod, copied back, analysed into summary and v0.2 observability; stack and launcher logs captured, secrets masked', async () => {
  kube.kubelet.script(/launcher/, { kind: 'process', run: inPodProcess(kube) });
  kube.kubelet.script(/llmdbench-model-check-/, { kind: 'complete', log: `{"object":"list","data":[{"id":"${MODEL}"}]}\n` });
  const first = kube.requests.length;
  const r = await runOnFake(kube, flags(), {});
  assert.equal(r.error, undefined, `${r.error?.stack}\n${r.lines.join('\n')}`);
  const log = r.lines.join('\n');
  assert.match(log, /-f: scraping vllm-sim-decode-0 \(127\.0\.0\.1:\d+\), vllm-sim-decode-1 \(127\.0\.0\.1:\d+\) every 1 s from the launcher pod \(found by Service\/vllm-sim selector app=vllm-sim\)/);
  // the pod spec: the targets by env, the scrape switched on whatever the method's variable list passes
  const podBody = kube.requests.find((q) => q.method === 'POST' && q.body?.metadata?.name === 'llmdbench-inference-perf-launcher-1-of-1')!.body!;
  const env = new Map((podBody.spec as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]!.env.map((e) => [e.name, e.value]));
  assert.equal(env.get('LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS'), `vllm-sim-decode-0=http://127.0.0.1:${port}/metrics,vllm-sim-decode-1=http://127.0.0.1:${port}/metrics`);
  assert.equal(env.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED'), 'true');
  assert.equal(env.get('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL'), '1');
  assert.ok(![...env.values()].some((v) => v?.includes('hf_configured')), 'no secret inline');

  const u = r.out!.units[0]!;
  assert.equal(u.complete, true, u.error);
  assert.equal(u.rc, 0);
  // snapshots written in the pod, copied back from the PVC: per pod, named by pod
  const raw = readdirSync(join(u.resultsDir, 'metrics', 'raw'));
  for (const pod of ['vllm-sim-decode-0', 'vllm-sim-decode-1']) {
    const mine = raw.filter((f) => f.startsWith(`${pod}_`));
    // a first snapshot before the load, one a second during ~3 s, a last one after
    assert.ok(mine.length >= 4, `${pod}: ${raw.join(' ')}`);
    assert.match(readFileSync(join(u.resultsDir, 'metrics', 'raw', mine[0]!), 'utf8'), new RegExp(`^# Timestamp: .*\\n# Pod: ${pod}\\n# PodIP: 127\\.0\\.0\\.1\\n# Source: prometheus_metrics\\n`));
  }
  assert.ok(!raw.some((f) => f.startsWith('unrelated')), 'pods outside the selector are not scraped');
  // the analysis on the user's machine: both targets in the summary and the v0.2 report
  const s = u.summary!;
  assert.equal(s.monitoring?.targets, 2);
  assert.equal(s.monitoring?.snapshots, raw.length);
  assert.deepEqual(s.monitoring?.warnings, []);
  const mon: J = JSON.parse(readFileSync(join(u.resultsDir, 'metrics', 'processed', 'monitoring_summary.json'), 'utf8'));
  // both "pods" are the same simulator: each saw every request of the run
  for (const t of mon.targets) assert.equal(t.metrics['vllm:request_success_total'].increase, s.requests.succeeded, t.target);
  const v02 = readdirSync(u.analysisDir).filter((f) => f.startsWith('benchmark_report_v0.2,_'));
  assert.ok(v02.length > 0, readdirSync(u.analysisDir).join(' '));
  const rep: J = parse(readFileSync(join(u.analysisDir, v02[0]!), 'utf8'));
  assert.deepEqual(rep.results.observability.components.map((c: J) => c.replica_id).sort(), ['vllm-sim-decode-0', 'vllm-sim-decode-1']);

  // logs: the serving pods, the EPP, the launcher; pod status; no secret
  const serving = readFileSync(join(u.resultsDir, 'logs', 'modelserving_pods.log'), 'utf8');
  assert.match(serving, /^\[pod\/vllm-sim-decode-0\/vllm\] INFO starting vllm-sim-decode-0$/m);
  assert.match(serving, /^\[pod\/vllm-sim-decode-1\/vllm\] INFO starting vllm-sim-decode-1$/m);
  assert.doesNotMatch(serving, /unrelated/);
  assert.match(readFileSync(join(u.resultsDir, 'logs', 'epp_pods.log'), 'utf8'), /^\[pod\/gaie-epp-0\/epp\] epp picked vllm-sim-decode-0$/m);
  assert.match(readFileSync(join(u.resultsDir, 'logs', 'launcher.log'), 'utf8'), /\[pod\/llmdbench-inference-perf-launcher-1-of-1\/harness\] monitoring: scraping vllm-sim-decode-0, vllm-sim-decode-1/);
  assert.match(readFileSync(join(u.resultsDir, 'pod_status.txt'), 'utf8'), /^vllm-sim-decode-0\s+0\/1\s+Running\s+0\s+127\.0\.0\.1/m);
  assert.ok(!existsSync(join(u.resultsDir, 'logs', 'igw_pods.log')), 'no gateway pod, no file');
  for (const f of ['modelserving_pods.log', 'epp_pods.log', 'launcher.log']) {
    const text = readFileSync(join(u.resultsDir, 'logs', f), 'utf8');
    assert.doesNotMatch(text, /hf_abcdefgh|sk-secretsecret123|hf_configured/, f);
  }
  assert.match(serving, /token=\*\*\* should not leak/);
  // least privilege: in the stack namespace only list pods/services and get pods/log; never a proxy;
  // every call granted by deploy/kubernetes/rbac.yaml (the runner Role in ns1, the stack-reader Role in the stack namespace)
  const made = kube.requests.slice(first);
  const stackRbac = new Set(made.filter((q) => q.path.includes('/namespaces/stack/')).map((q) => q.rbac));
  assert.deepEqual([...stackRbac].sort(), ['get pods/log', 'list pods', 'list services']);
  assert.ok(!kube.requests.some((q) => q.path.includes('/proxy')));
  const roles = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'kubernetes', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Array<{ resources: string[]; verbs: string[] }> });
  const granted = (name: string) => new Set(roles.find((x) => x.kind === 'Role' && x.metadata.name === name)!.rules!.flatMap((x) => x.resources.flatMap((res) => x.verbs.map((v) => `${v} ${res}`))));
  const notGranted = (ns: string, role: string) => [...new Set(made.filter((q) => q.path.includes(`/namespaces/${ns}/`) && q.rbac !== undefined).map((q) => q.rbac!))].filter((x) => !granted(role).has(x));
  assert.deepEqual(notGranted('stack', 'llmdbench-stack-reader'), []);
  assert.deepEqual(notGranted('ns1', 'llmdbench-runner'), []);
  // the launcher pod was deleted after its log was read
  assert.equal(kube.all('Pod', 'ns1').filter((p) => p.metadata?.labels?.function === 'load_generator').length, 0);
});

test('-f without pods/log in the stack namespace: the run completes, a warning names the permission; no serving pod: the endpoint is scraped', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', files: { 'stdout.log': 'ran\n' } });
  kube.kubelet.script(/llmdbench-model-check-/, { kind: 'complete', log: `{"object":"list","data":[{"id":"${MODEL}"}]}\n` });
  kube.forbid('get', 'pods/log', 'stack');
  try {
    const r = await runOnFake(kube, flags({ LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://10.9.9.9:8000', LLMDBENCH_METRICS_POD_PATTERN: 'no-such-pod' }));
    assert.equal(r.error, undefined, `${r.error?.stack}\n${r.lines.join('\n')}`);
    const log = r.lines.join('\n');
    assert.match(log, /warning: -f: no running serving pod found behind http:\/\/10\.9\.9\.9:8000 in namespace stack; the launcher scrapes the endpoint's own \/metrics instead/);
    assert.match(log, /warning: -f: log of pod stack\/.* not captured: forbidden: .*"get" pods\/log in namespace "stack" \(missing RBAC permission: verb get on pods\/log\)/);
    const podBody = kube.requests.findLast((q) => q.method === 'POST' && q.body?.metadata?.name === 'llmdbench-inference-perf-launcher-1-of-1')!.body!;
    const names = (podBody.spec as { containers: Array<{ env: Array<{ name: string }> }> }).containers[0]!.env.map((e) => e.name);
    assert.ok(names.includes('LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED'));
    assert.ok(!names.includes('LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS'));
    const u = r.out!.units[0]!;
    assert.match(readFileSync(join(u.resultsDir, 'pod_status.txt'), 'utf8'), /^NAME\s+READY\s+STATUS/);
  } finally {
    kube.unforbid('get', 'pods/log', 'stack');
  }
});
