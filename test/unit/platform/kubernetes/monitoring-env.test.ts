/**
 * -f's pure parts: the scrape targets handed to the launcher pod and read back there, the
 * masking of secrets in captured logs, the pod status table, what -n shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { buildPlan } from '../../../../src/plan/build.ts';
import { dryRunManifests } from '../../../../src/platform/kubernetes/dry-run.ts';
import { monitoringEnv, parseMetricsTargets } from '../../../../src/platform/kubernetes/metrics-targets.ts';
import { podStatusTable, redactor } from '../../../../src/platform/kubernetes/stack-logs.ts';
import { harnesses } from '../../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

test('targets: pod=url pairs round-trip (IPv6 bracketed, path normalised); malformed entries are set apart', () => {
  const env = monitoringEnv(
    [
      { name: 'decode-0', namespace: 's', ip: '10.1.2.3', metricsPort: 8200, containers: ['vllm'] },
      { name: 'decode-1', namespace: 's', ip: 'fd00::7', metricsPort: 8000, containers: ['vllm'] },
    ],
    'metrics',
    '5',
  );
  assert.deepEqual(env, {
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true',
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '5',
    LLMDBENCH_VLLM_MONITORING_METRICS_PATH: '/metrics',
    LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS: 'decode-0=http://10.1.2.3:8200/metrics,decode-1=http://[fd00::7]:8000/metrics',
  });
  assert.deepEqual(parseMetricsTargets(env.LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS), {
    targets: [
      { name: 'decode-0', url: 'http://10.1.2.3:8200/metrics' },
      { name: 'decode-1', url: 'http://[fd00::7]:8000/metrics' },
    ],
    bad: [],
  });
  assert.deepEqual(parseMetricsTargets('x=ftp://h/m, =http://h/m,nourl, ok=http://h:1/m'), { targets: [{ name: 'ok', url: 'http://h:1/m' }], bad: ['x=ftp://h/m', '=http://h/m', 'nourl'] });
  assert.equal(monitoringEnv([], '/m', '15').LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS, undefined);
});

test('logs: configured secret values, hf_ tokens, bearer tokens and token=… are masked; the rest is untouched', async () => {
  const config = await resolveConfig({ flags: { LLMDBENCH_HF_TOKEN: 'my-very-own-secret-value' }, env: {}, cwd: process.cwd(), nowS: 1711800000 });
  const r = redactor(config);
  const text = 'a my-very-own-secret-value b\nhf_ABCDEFGHIJKLMNOP c\nAuthorization: Bearer abcdefgh.ijkl\napi_key="0123456789abcdef"\nINFO 200 OK tokens=12\n';
  assert.equal(r(text), 'a *** b\n*** c\nAuthorization: Bearer ***\napi_key="***"\nINFO 200 OK tokens=12\n');
});

test('pod status: kubectl get pods -o wide columns (ready, waiting reason, restarts, IP, node)', () => {
  const t = podStatusTable([
    { metadata: { name: 'vllm-0' }, spec: { nodeName: 'n1', containers: [{}] }, status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ ready: true, restartCount: 2, state: { running: {} } }] } },
    { metadata: { name: 'epp' }, spec: { containers: [{}, {}] }, status: { phase: 'Pending', containerStatuses: [{ ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] } },
  ]);
  assert.deepEqual(t.split('\n').map((l) => l.split(/\s+/)), [
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE'],
    ['vllm-0', '1/1', 'Running', '2', '10.0.0.1', 'n1'],
    ['epp', '0/1', 'ImagePullBackOff', '0', '<none>', '<none>'],
    [''],
  ]);
});

test('-n with -f: each launcher pod shows the scrape switch, interval and path (targets are found at run time); without -f no targets', async () => {
  const envOf = async (flags: Record<string, string>) => {
    const config = await resolveConfig({ flags: { LLMDBENCH_CONTROL_WORK_DIR: '/w', LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns1', ...flags }, env: {}, cwd: process.cwd(), nowS: 1711800000 });
    const plan = buildPlan({ config, cwd: process.cwd(), workDir: '/w', endpointUrl: 'http://stack.ns1.svc.cluster.local:80' });
    const pods = dryRunManifests(plan).filter((d) => (d as V1Pod).metadata?.labels?.function === 'load_generator') as V1Pod[];
    return pods.map((p) => Object.fromEntries((p.spec!.containers[0]!.env ?? []).filter((e) => /METRICS|MONITORING/.test(e.name)).map((e) => [e.name, e.value])));
  };
  assert.deepEqual(await envOf({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true', LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '5', LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2' }), [1, 2].map(() => ({
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true',
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '5',
    LLMDBENCH_VLLM_MONITORING_METRICS_PATH: '/metrics',
  })));
  // without -f: whatever the method's variable list passes (standalone: the switch, off), never targets
  const off = await envOf({ LLMDBENCH_DEPLOY_METHODS: 'standalone' });
  assert.equal(off.length, 1);
  assert.equal(off[0]!.LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED, 'false');
  assert.equal(off[0]!.LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS, undefined);
});
