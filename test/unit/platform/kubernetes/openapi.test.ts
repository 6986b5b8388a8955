/**
 * Every manifest the Kubernetes platform creates, validated against the Kubernetes OpenAPI
 * schemas (kubernetes-models): the PVC (both storage-class cases), the profiles ConfigMap, the
 * launcher pods (single, -j 3 with the barrier, -d debug, several harnesses mounted, a treatment),
 * the data-access pod, the model-check pod, and every document `-n` prints. A deliberately
 * broken manifest is refused (the check can fail).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { buildPlan } from '../../../../src/plan/build.ts';
import { formatDryRun } from '../../../../src/platform/kubernetes/dry-run.ts';
import { accessPod, launcherPod, profilesConfigMap, pvcManifest } from '../../../../src/platform/kubernetes/manifests.ts';
import { modelCheckPod } from '../../../../src/platform/kubernetes/model-check.ts';
import { kubeSettings } from '../../../../src/platform/kubernetes/settings.ts';
import { loadOpenApi, openApiProblems } from '../../../helpers/fake-kube/openapi.ts';
import { harnesses } from '../../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

before(loadOpenApi);

async function plan(flags: Record<string, string>, endpointUrl?: string) {
  const config = await resolveConfig({ flags: { LLMDBENCH_CONTROL_WORK_DIR: '/w', LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns1', ...flags }, env: {}, cwd: process.cwd(), nowS: 1711800000 });
  return buildPlan({ config, cwd: process.cwd(), workDir: '/w', ...(endpointUrl ? { endpointUrl } : {}) });
}

function assertValid(obj: { kind?: string; metadata?: { name?: string } }): void {
  assert.ok(obj.kind, 'has a kind');
  assert.deepEqual(openApiProblems(obj), [], `${obj.kind} ${obj.metadata?.name}`);
}

test('PVC (default and named storage class), ConfigMap, access pod, model-check pod', async () => {
  for (const flags of <Array<Record<string, string>>>[{}, { LLMDBENCH_VLLM_COMMON_PVC_STORAGE_CLASS: 'fast-rwx', LLMDBENCH_VLLM_COMMON_PVC_ACCESS_MODE: 'ReadWriteOnce', LLMDBENCH_HARNESS_PVC_SIZE: '1500Mi' }]) {
    const p = await plan(flags);
    const s = kubeSettings(p.units[0]!.config);
    assertValid(pvcManifest(s));
    assertValid(profilesConfigMap(s, 'inference-perf', { 'sanity_random.yaml': p.units[0]!.profileText }));
    assertValid(accessPod(s));
    assertValid(modelCheckPod(s, 'http://vllm-standalone-x.ns1.svc.cluster.local:80'));
  }
});

test('launcher pods: single, -j 3 with the start barrier, -d debug, several harnesses, a service account and priority class', async () => {
  const variants: Array<Record<string, string>> = [
    {},
    { LLMDBENCH_HARNESS_LOAD_PARALLELISM: '3' },
    { LLMDBENCH_HARNESS_DEBUG: '1' },
    { LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT: 'bench-sa', LLMDBENCH_VLLM_COMMON_PRIORITY_CLASS_NAME: 'high', LLMDBENCH_HARNESS_CPU_NR: '500m', LLMDBENCH_HARNESS_CPU_MEM: '1.5Gi', LLMDBENCH_HARNESS_ENVVARS_TO_YAML: 'LLMDBENCH_VLLM_COMMON_FQDN' },
    { LLMDBENCH_HARNESS_NAME: 'nop' },
  ];
  for (const flags of variants) {
    const p = await plan(flags, 'http://stack.ns1.svc.cluster.local:80');
    for (const unit of p.units) {
      const s = kubeSettings(unit.config);
      const n = unit.resultsDirs.length;
      for (let i = 1; i <= n; i++) {
        assertValid(launcherPod({ settings: s, unit, index: i, of: n, endpointUrl: 'http://e:80', harnesses: ['inference-perf', 'guidellm', 'nop'], ...(n > 1 ? { startBarrier: '/requests/.llmdbench-start-x' } : {}) }));
      }
    }
  }
});

test('-n: every printed document is valid against its kind schema', async () => {
  for (const flags of <Array<Record<string, string>>>[{ LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2' }, { LLMDBENCH_HARNESS_DEBUG: '1' }, { LLMDBENCH_HARNESS_NAME: 'nop' }]) {
    const docs = parseAllDocuments(formatDryRun(await plan(flags))).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } });
    assert.ok(docs.length >= 4, `${docs.length} documents`);
    assert.deepEqual([...new Set(docs.map((d) => d.kind))].sort(), ['ConfigMap', 'PersistentVolumeClaim', 'Pod']);
    for (const d of docs) assertValid(d);
  }
});

test('the check can fail: a wrong type or a missing required field is reported with its path', async () => {
  const p = await plan({});
  const s = kubeSettings(p.units[0]!.config);
  const pod = accessPod(s) as unknown as { spec: { containers: Array<Record<string, unknown>> } };
  pod.spec.containers[0]!['ports'] = [{ containerPort: 'http' }];
  const problems = openApiProblems(pod as never);
  assert.ok(problems.some((x) => x.includes('containerPort')), problems.join('; '));
  const pvc = pvcManifest(s) as unknown as { spec: Record<string, unknown> };
  pvc.spec['accessModes'] = 'ReadWriteMany';
  assert.ok(openApiProblems(pvc as never).some((x) => x.includes('accessModes')));
  assert.ok(openApiProblems({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1 } } as never).length > 0);
});
