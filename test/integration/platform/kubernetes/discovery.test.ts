/** Endpoint discovery per method (llm-d-benchmark-run.md §1.5), through the real client. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, loadKubeConfig } from '../../../../src/platform/kubernetes/client.ts';
import type { Cluster } from '../../../../src/platform/kubernetes/cluster.ts';
import { discoverEndpoint } from '../../../../src/platform/kubernetes/discovery.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';

let kube: FakeKube;
let cluster: Cluster;
before(async () => {
  kube = await startFakeKube(['plain', 'gw-https', 'gw-host', 'other', 'bypod', 'empty']);
  cluster = connect(loadKubeConfig(kube.kubeconfigFile()));
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm-standalone-x', namespace: 'plain', labels: { 'stood-up-via': 'standalone' } }, spec: { ports: [{ name: 'http-launcher', port: 81 }, { name: 'http', port: 80 }] } });
  kube.seed({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'infra-gw', namespace: 'gw-https', labels: { 'stood-up-via': 'modelservice' } }, spec: { listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] } });
  kube.seed({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'infra-gw-istio', namespace: 'gw-host', labels: { 'stood-up-via': 'modelservice' } }, spec: { listeners: [{ name: 'default', port: 80, protocol: 'HTTP' }] }, status: { addresses: [{ type: 'Hostname', value: 'gw.example.com' }] } });
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-vllm-svc', namespace: 'other' }, spec: { ports: [{ name: 'metrics', port: 9000 }, { name: 'default', port: 8000 }] } });
  kube.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'my-vllm-0', namespace: 'bypod' },
    spec: { containers: [{ name: 'vllm', image: 'x', ports: [{ name: 'api', containerPort: 8200 }], livenessProbe: { httpGet: { path: '/health', port: 'api' } } }] },
    status: { phase: 'Running', podIP: '10.1.2.3' },
  });
});
after(async () => kube.stop());

test('standalone: the labelled Service, its http port (not a hard-coded 80 when another is named)', async () => {
  assert.deepEqual(await discoverEndpoint(cluster, 'standalone', 'plain'), { url: 'http://vllm-standalone-x.plain.svc.cluster.local:80', source: 'Service/vllm-standalone-x' });
});

test('modelservice: the labelled Gateway; https when its first listener is; a Hostname address wins', async () => {
  assert.equal((await discoverEndpoint(cluster, 'modelservice', 'gw-https')).url, 'https://infra-gw.gw-https.svc.cluster.local:443');
  assert.equal((await discoverEndpoint(cluster, 'modelservice', 'gw-host')).url, 'http://gw.example.com:80');
});

test('another string: a Service name match (port named default), else a Pod (IP, named probe port)', async () => {
  assert.equal((await discoverEndpoint(cluster, 'vllm', 'other')).url, 'http://my-vllm-svc.other.svc.cluster.local:8000');
  assert.deepEqual(await discoverEndpoint(cluster, 'vllm', 'bypod'), { url: 'http://10.1.2.3:8200', source: 'Pod/my-vllm-0' });
});

test('nothing found: a clear error pointing at --endpoint', async () => {
  await assert.rejects(discoverEndpoint(cluster, 'modelservice', 'empty'), (e: Error & { hint?: string }) => /no Gateway labelled stood-up-via=modelservice/.test(e.message) && /--endpoint/.test(e.hint ?? ''));
  await assert.rejects(discoverEndpoint(cluster, 'zzz', 'empty'), /no Service or Pod whose name contains "zzz"/);
});
