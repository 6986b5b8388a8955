/**
 * `--retries N` and `--resume` on Kubernetes, through the CLI against the fake API server:
 * a launcher pod that fails once is deleted and recreated with the same name, its partial
 * results moved aside on the PVC and locally (attempt-1), the second attempt (our in-pod
 * command, run for real against the simulator) counts, exit 0; `--resume` after a partial
 * `-j 3` run launches only the pod whose results are incomplete, copies back the ones complete
 * on the PVC (completing a cut copy), and moves the failed attempt aside.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { startEmbeddedSimulator, type EmbeddedSim } from '../../../../src/sim/embedded.ts';
import { createLogger } from '../../../../src/util/logger.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { parseAllDocuments } from 'yaml';
import { cleanEnv, repoRoot, startCli } from '../../run/helpers.ts';
import { inPodProcess } from './pod-process.ts';

const MODEL = 'meta-llama/Llama-3.2-1B-Instruct';
let kube: FakeKube;
let sim: EmbeddedSim;
const tmpDirs: string[] = [];

before(async () => {
  sim = await startEmbeddedSimulator({ model: MODEL, log: createLogger('error'), config: { 'inter-token-latency': '2ms', 'inter-token-latency-std-dev': '0.2ms', 'prefill-overhead': '5ms' } });
  kube = await startFakeKube(['ns1']);
});
after(async () => {
  await kube?.stop();
  await sim?.stop();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  kube.kubelet.reset();
  kube.kubelet.script(/model-check/, { kind: 'complete', log: `{"data":[{"id":"${MODEL}"}]}\n` });
});

const env = (eid: string) => cleanEnv({ LLMDBENCH_RUN_EXPERIMENT_ID: eid, LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(), LLMDBENCH_HARNESS_START_BARRIER_S: '0', LLMDBENCH_CONTROL_WAIT_TIMEOUT: '20', LLMDBENCH_HARNESS_WAIT_TIMEOUT: '90' });
const workdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'k8s-attempts-'));
  tmpDirs.push(d);
  return d;
};
const launchersCreated = (from: number) =>
  kube.requests
    .slice(from)
    .filter((q) => q.method === 'POST' && q.body?.metadata?.labels?.function === 'load_generator')
    .map((q) => q.body!.metadata!.name!);
const pvc = () => join(kube.pvcRoot, 'workload-pvc');

test('--retries 1: the pod that failed is recreated with the same name; attempt 2 counts, attempt 1 kept aside on the PVC and locally; exit 0', async () => {
  let calls = 0;
  const real = inPodProcess(kube);
  kube.kubelet.script(/launcher/, {
    kind: 'process',
    run: async (p) => {
      if (++calls > 1) return real(p);
      // attempt 1: partial results, then the container dies
      const dir = p.hostPath(p.env.LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR!)!;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'partial.txt'), 'attempt 1 was here\n');
      writeFileSync(join(dir, 'run_metadata.yaml'), 'harness_rc: 1\n');
      return 1;
    },
  });
  const wd = workdir();
  const from = kube.requests.length;
  const r = await startCli(['run', '-p', 'ns1', '--endpoint', sim.url, '--retries', '1', '--workdir', wd, '-o', 'duration=2,rate=5'], { env: env('1711800001'), timeoutMs: 240_000 }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(launchersCreated(from), ['llmdbench-inference-perf-launcher-1-of-1', 'llmdbench-inference-perf-launcher-1-of-1']);
  // each pod is told which attempt it is
  const attemptEnv = kube.requests
    .slice(from)
    .filter((q) => q.method === 'POST' && q.body?.metadata?.labels?.function === 'load_generator')
    .map((q) => Object.fromEntries((q.body!.spec as { containers: Array<{ env: Array<{ name: string; value?: string }> }> }).containers[0]!.env.filter((e) => /_ATTEMPT/.test(e.name)).map((e) => [e.name, e.value])));
  assert.deepEqual(attemptEnv, [1, 2].map((k) => ({ LLMDBENCH_RUN_EXPERIMENT_ATTEMPT: String(k), LLMDBENCH_RUN_EXPERIMENT_ATTEMPTS_ALLOWED: '2' })));
  const [name] = readdirSync(join(wd, 'results'));
  assert.match(r.stderr, new RegExp(`${name}: attempt 1 of 2 failed: pod llmdbench-inference-perf-launcher-1-of-1 failed \\(Error, exit code 1\\); retrying; kept in .*attempts/${name}/attempt-1 and /requests/attempts/${name}/attempt-1 on PVC workload-pvc`));
  // attempt 2 is at the upstream name, complete; attempt 1 aside, whole, locally and on the PVC
  const res = join(wd, 'results', name!);
  assert.ok(!existsSync(join(res, 'partial.txt')), 'attempt 1 does not leak into attempt 2');
  assert.deepEqual(JSON.parse(readFileSync(join(res, 'llmdbench_complete.json'), 'utf8')), { complete: true, ok: true, attempt: 2, finished: JSON.parse(readFileSync(join(res, 'llmdbench_complete.json'), 'utf8')).finished });
  assert.match(readFileSync(join(res, 'run_metadata.yaml'), 'utf8'), /^attempt: 2\nattempts_allowed: 2\n/m);
  assert.equal(readFileSync(join(wd, 'attempts', name!, 'attempt-1', 'results', 'partial.txt'), 'utf8'), 'attempt 1 was here\n');
  assert.equal(readFileSync(join(pvc(), 'attempts', name!, 'attempt-1', 'partial.txt'), 'utf8'), 'attempt 1 was here\n');
  assert.ok(!existsSync(join(pvc(), name!, 'partial.txt')));
  const summary = JSON.parse(readFileSync(join(wd, 'analysis', name!, 'summary.json'), 'utf8')) as { attempt?: { number: number; failed_attempts: string[] }; requests: { succeeded: number } };
  assert.ok(summary.requests.succeeded > 0);
  assert.equal(summary.attempt?.number, 2);
  assert.deepEqual(summary.attempt?.failed_attempts, [join(wd, 'attempts', name!, 'attempt-1')]);
  assert.equal(kube.all('Pod', 'ns1').length, 0, 'nothing left running');
  // retrying needs nothing beyond deploy/kubernetes/rbac.yaml's runner Role
  const role = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'kubernetes', 'rbac.yaml'), 'utf8'))[0]!.toJS() as { rules: Array<{ resources: string[]; verbs: string[] }> };
  const granted = new Set(role.rules.flatMap((x) => x.resources.flatMap((res) => x.verbs.map((v) => `${v} ${res}`))));
  const used = new Set(kube.requests.slice(from).map((q) => q.rbac).filter((x): x is string => x !== undefined && x !== 'get namespaces'));
  assert.deepEqual([...used].filter((u) => !granted.has(u)), [], [...used].join(', '));
});

const ok = (extra: Record<string, string> = {}) => ({
  kind: 'complete' as const,
  runMs: 20,
  files: { 'stdout.log': 'ran\n', 'run_metadata.yaml': 'harness_rc: 0\n', 'llmdbench_complete.json': '{"complete":true,"ok":true,"attempt":1,"finished":"2026-12-02T08:00:00.000Z"}\n', ...extra },
});

test('--resume after a partial -j 4 run: only the incomplete pod is launched; complete results copied back from the PVC (a cut copy completed), or kept when the PVC no longer has them; the failed attempt moved aside', async () => {
  kube.kubelet.script(/launcher-1-of-4/, ok({ 'who.txt': 'first run, pod 1\n' }));
  kube.kubelet.script(/launcher-2-of-4/, ok({ 'who.txt': 'first run, pod 2\n' }));
  kube.kubelet.script(/launcher-4-of-4/, ok({ 'who.txt': 'first run, pod 4\n' }));
  kube.kubelet.script(/launcher-3-of-4/, { kind: 'complete', exitCode: 1, runMs: 20, files: { 'who.txt': 'first run, pod 3\n', 'run_metadata.yaml': 'harness_rc: 1\n' } });
  const wd = workdir();
  const first = await startCli(['run', '-p', 'ns1', '-j', '4', '--endpoint', sim.url, '--workdir', wd], { env: env('1711800002'), timeoutMs: 120_000 }).done;
  assert.equal(first.code, 1, first.stderr);
  const dirs = readdirSync(join(wd, 'results')).sort();
  assert.equal(dirs.length, 4);
  // pod 2's copy never made it home (as if the run was cut before its copy-back)
  rmSync(join(wd, 'results', dirs[1]!), { recursive: true });
  rmSync(join(wd, 'analysis', dirs[1]!), { recursive: true });
  // pod 1's copy was cut after its marker arrived: a file is missing locally
  rmSync(join(wd, 'results', dirs[0]!, 'who.txt'));
  // pod 4's directory is gone from the PVC (cleaned up): its local copy is what there is
  rmSync(join(pvc(), dirs[3]!), { recursive: true });

  kube.kubelet.reset();
  kube.kubelet.script(/model-check/, { kind: 'complete', log: `{"data":[{"id":"${MODEL}"}]}\n` });
  kube.kubelet.script(/launcher/, ok({ 'who.txt': 'resumed run\n' }));
  const from = kube.requests.length;
  const r = await startCli(['run', '--resume', wd], { env: env('1711800002'), timeoutMs: 120_000 }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(launchersCreated(from), ['llmdbench-inference-perf-launcher-3-of-4']);
  assert.match(r.stderr, new RegExp(`${dirs[0]}: complete from an earlier run \\(llmdbench_complete\\.json\\), not rerun; its copy is checked against PVC workload-pvc`));
  assert.match(r.stderr, new RegExp(`${dirs[1]}: complete on PVC workload-pvc from an earlier run, copied back, not rerun`));
  assert.match(r.stderr, new RegExp(`${dirs[3]}: complete from an earlier run \\(llmdbench_complete\\.json\\), not rerun\n`));
  assert.match(r.stderr, new RegExp(`${dirs[2]}: unfinished in an earlier run, running it again; kept in .*attempts/${dirs[2]}/attempt-1`));
  const who = (d: string) => readFileSync(join(wd, 'results', d, 'who.txt'), 'utf8');
  assert.equal(who(dirs[0]!), 'first run, pod 1\n');
  assert.equal(who(dirs[1]!), 'first run, pod 2\n');
  assert.equal(who(dirs[2]!), 'resumed run\n');
  assert.equal(who(dirs[3]!), 'first run, pod 4\n');
  assert.equal(readFileSync(join(wd, 'attempts', dirs[2]!, 'attempt-1', 'results', 'who.txt'), 'utf8'), 'first run, pod 3\n');
  assert.equal(readFileSync(join(pvc(), 'attempts', dirs[2]!, 'attempt-1', 'who.txt'), 'utf8'), 'first run, pod 3\n');
  assert.equal(kube.all('Pod', 'ns1').length, 0, 'nothing left running');
});

test('--retries 2 with a pod that always fails: three attempts, the last at the upstream name, two kept aside, exit 1; -s 0 is never retried', async () => {
  kube.kubelet.script(/launcher/, { kind: 'complete', exitCode: 1, runMs: 20, files: { 'who.txt': 'a failing attempt\n', 'run_metadata.yaml': 'harness_rc: 1\n' } });
  const wd = workdir();
  const from = kube.requests.length;
  const r = await startCli(['run', '-p', 'ns1', '--endpoint', sim.url, '--retries', '2', '--workdir', wd], { env: env('1711800003'), timeoutMs: 120_000 }).done;
  assert.equal(r.code, 1, r.stderr);
  assert.equal(launchersCreated(from).length, 3);
  const [name] = readdirSync(join(wd, 'results'));
  assert.deepEqual(readdirSync(join(wd, 'attempts', name!)).sort(), ['attempt-1', 'attempt-2']);
  assert.deepEqual(readdirSync(join(pvc(), 'attempts', name!)).sort(), ['attempt-1', 'attempt-2']);
  assert.ok(existsSync(join(wd, 'results', name!, 'who.txt')), 'the last attempt is at the upstream name');
  assert.equal(kube.all('Pod', 'ns1').length, 0);
  // -s 0: launched and left running; nothing is waited for, so nothing is retried
  kube.kubelet.reset();
  kube.kubelet.script(/launcher/, { kind: 'run' });
  const from0 = kube.requests.length;
  const r0 = await startCli(['run', '-p', 'ns1', '--endpoint', sim.url, '--retries', '2', '-s', '0', '--workdir', workdir()], { env: env('1711800004'), timeoutMs: 120_000 }).done;
  assert.equal(r0.code, 0, r0.stderr);
  assert.equal(launchersCreated(from0).length, 1);
  for (const p of kube.all('Pod', 'ns1')) await fetch(`${kube.url}/api/v1/namespaces/ns1/pods/${p.metadata!.name}`, { method: 'DELETE' });
});
