/** The objects the Kubernetes executor creates, as pure functions of configuration and plan. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { V1Pod } from '@kubernetes/client-node';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { buildPlan } from '../../../../src/plan/build.ts';
import { dryRunManifests, formatDryRun } from '../../../../src/platform/kubernetes/dry-run.ts';
import { accessPod, launcherName, launcherPod, pvcManifest } from '../../../../src/platform/kubernetes/manifests.ts';
import { kubeSettings, launcherImage } from '../../../../src/platform/kubernetes/settings.ts';
import { validate } from '../../../helpers/fake-kube/validate.ts';
import { harnesses } from '../../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

async function plan(flags: Record<string, string>, env: Record<string, string> = {}) {
  const config = await resolveConfig({ flags: { LLMDBENCH_CONTROL_WORK_DIR: '/w', ...flags }, env, cwd: process.cwd(), nowS: 1711800000 });
  return buildPlan({ config, cwd: process.cwd(), workDir: '/w', endpointUrl: 'http://stack.ns1.svc.cluster.local:80' });
}

test('launcher pods: names, labels, restart policy, resources, mounts, results dir, service account', async () => {
  const p = await plan({
    LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns1',
    LLMDBENCH_HARNESS_NAMESPACE: 'ns1',
    LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2',
    LLMDBENCH_HARNESS_CPU_NR: '3',
    LLMDBENCH_HARNESS_CPU_MEM: '7Gi',
    LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT: 'bench-sa',
    LLMDBENCH_HARNESS_PVC_NAME: 'my-pvc',
  });
  const unit = p.units[0]!;
  const s = kubeSettings(unit.config);
  const pod = launcherPod({ settings: s, unit, index: 2, of: 2, endpointUrl: 'http://e:80', harnesses: ['inference-perf'] });
  assert.equal(pod.metadata?.name, 'llmdbench-inference-perf-launcher-2-of-2');
  assert.deepEqual(pod.metadata?.labels, { app: 'llmdbench-harness-launcher', function: 'load_generator' });
  assert.equal(pod.spec?.restartPolicy, 'Never');
  assert.equal(pod.spec?.serviceAccountName, 'bench-sa');
  const c = pod.spec!.containers[0]!;
  assert.deepEqual(c.resources, { requests: { cpu: '3', memory: '7Gi' }, limits: { cpu: '3', memory: '7Gi' } });
  assert.deepEqual(c.volumeMounts, [
    { name: 'results', mountPath: '/requests' },
    { name: 'inference-perf-profiles', mountPath: '/workspace/profiles/inference-perf', readOnly: true },
  ]);
  assert.deepEqual(pod.spec?.volumes?.[0], { name: 'results', persistentVolumeClaim: { claimName: 'my-pvc' } });
  assert.deepEqual(pod.spec?.volumes?.[1], { name: 'inference-perf-profiles', configMap: { name: 'inference-perf-profiles' } });
  const env = new Map(c.env!.map((e) => [e.name, e]));
  const eid = unit.experimentId;
  assert.equal(env.get('LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR')?.value, `/requests/inference-perf_${eid}_${unit.stackName}_2`);
  assert.equal(env.get('LLMDBENCH_CONTROL_WORK_DIR')?.value, `/requests/inference-perf_${eid}_${unit.stackName}_2`);
  assert.equal(env.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL')?.value, 'http://e:80');
  assert.equal(env.get('LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME')?.value, 'sanity_random.yaml');
  assert.equal(env.get('LLMDBENCH_MAGIC_ENVAR')?.value, 'harness_pod');
  assert.deepEqual(env.get('HUGGING_FACE_HUB_TOKEN')?.valueFrom, { secretKeyRef: { name: 'llm-d-hf-token', key: 'HF_TOKEN', optional: true } });
  assert.deepEqual(validate(pod as never), []);
});

test('no secret value is ever inline; catalog secrets are not passed', async () => {
  const p = await plan({ LLMDBENCH_HARNESS_NAMESPACE: 'ns1' }, { LLMDBENCH_HF_TOKEN: 'hf_supersecretvalue123', LLMDBENCH_HARNESS_API_KEY: 'sk-verysecret-999' });
  const text = formatDryRun(p);
  assert.doesNotMatch(text, /supersecretvalue|verysecret/);
  assert.match(text, /secretKeyRef/);
});

test('PVC: size, access mode, storage class only when not "default"; access pod mounts it', async () => {
  const p = await plan({ LLMDBENCH_HARNESS_PVC_NAME: 'res', LLMDBENCH_HARNESS_PVC_SIZE: '5Gi' });
  const s = kubeSettings(p.units[0]!.config);
  assert.deepEqual(pvcManifest(s).spec, { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } });
  assert.equal(pvcManifest({ ...s, storageClass: 'fast' }).spec?.storageClassName, 'fast');
  const a = accessPod(s);
  assert.equal(a.metadata?.name, 'access-to-harness-data-res');
  assert.equal(a.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName, 'res');
  assert.deepEqual(validate(pvcManifest(s) as never), []);
});

test('image from LLMDBENCH_IMAGE_*; debug names and sleep', async () => {
  const p = await plan({ LLMDBENCH_HARNESS_DEBUG: '1' }, { LLMDBENCH_IMAGE_REGISTRY: 'quay.io', LLMDBENCH_IMAGE_REPO: 'me', LLMDBENCH_IMAGE_NAME: 'llmdbench', LLMDBENCH_IMAGE_TAG: 'v1' });
  const unit = p.units[0]!;
  assert.equal(launcherImage(unit.config), 'quay.io/me/llmdbench:v1');
  const s = kubeSettings(unit.config);
  const pod = launcherPod({ settings: s, unit, index: 1, of: 1, endpointUrl: 'http://e', harnesses: ['inference-perf'] });
  assert.equal(pod.metadata?.name, launcherName('inference-perf', 1, 1, true));
  assert.equal(pod.metadata?.name, 'llmdbench-harness-launcher-1-of-1');
  assert.deepEqual(pod.spec?.containers[0]?.args, ['sleep infinity']);
});

test('dry-run: PVC, ConfigMap with the rendered profile, N pods with the barrier, access pod; valid YAML', async () => {
  const p = await plan({ LLMDBENCH_HARNESS_LOAD_PARALLELISM: '3' });
  const docs = parseAllDocuments(formatDryRun(p)).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> });
  assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), [
    'PersistentVolumeClaim/workload-pvc',
    'ConfigMap/inference-perf-profiles',
    'Pod/llmdbench-inference-perf-launcher-1-of-3',
    'Pod/llmdbench-inference-perf-launcher-2-of-3',
    'Pod/llmdbench-inference-perf-launcher-3-of-3',
    'Pod/access-to-harness-data-workload-pvc',
  ]);
  assert.equal(docs[1]!.data!['sanity_random.yaml'], p.units[0]!.profileText);
  const pods = dryRunManifests(p).filter((d) => (d as V1Pod).kind === 'Pod') as V1Pod[];
  const barriers = new Set(pods.slice(0, 3).map((x) => x.spec!.containers[0]!.env!.find((e) => e.name === 'LLMDBENCH_RUN_EXPERIMENT_START_BARRIER')?.value));
  assert.equal(barriers.size, 1);
  assert.ok([...barriers][0]?.startsWith('/requests/.llmdbench-start-'));
  for (const d of dryRunManifests(p)) assert.deepEqual(validate(d as never), []);
});
