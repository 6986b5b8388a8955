/**
 * -f's serving pods, with the real client against the fake API server: per endpoint kind (a
 * Service by discovery, host name or ClusterIP; a Pod; a Gateway → its InferencePools, else
 * upstream's label order; the name pattern last), Running pods with an IP only, and the metrics port's precedence.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, loadKubeConfig } from '../../../../src/platform/kubernetes/client.ts';
import type { Cluster } from '../../../../src/platform/kubernetes/cluster.ts';
import { findServingPods, type ServingPodQuery } from '../../../../src/platform/kubernetes/serving-pods.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';

let kube: FakeKube;
let cluster: Cluster;

const pod = (ns: string, name: string, labels: Record<string, string>, ports: Array<{ name?: string; containerPort: number }>, phase = 'Running', ip: string | undefined = '10.0.0.9') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'vllm', image: 'i', ports }] },
  status: { phase, ...(ip ? { podIP: ip } : {}) },
});

before(async () => {
  kube = await startFakeKube(['s1', 's2', 's3']);
  cluster = connect(loadKubeConfig(kube.kubeconfigFile()));
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'standalone', namespace: 's1' }, spec: { clusterIP: '10.96.0.5', selector: { app: 'sa' }, ports: [{ name: 'http', port: 80, targetPort: 8000 }] } });
  kube.seed(pod('s1', 'sa-0', { app: 'sa' }, [{ containerPort: 8000 }]));
  kube.seed(pod('s1', 'sa-1', { app: 'sa' }, [{ containerPort: 8000 }], 'Pending', undefined));
  kube.seed(pod('s1', 'ms-decode-0', { 'llm-d.ai/inferenceServing': 'true' }, [{ name: 'http', containerPort: 8000 }, { name: 'metrics', containerPort: 8200 }]));
  kube.seed(pod('s1', 'ms-prefill-0', { 'llm-d.ai/inferenceServing': 'true' }, [{ containerPort: 8000 }], 'Succeeded'));
  kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 's2' }, spec: { selector: { app: 'o' }, ports: [{ name: 'default', port: 81, targetPort: 'serve' }] } });
  kube.seed(pod('s2', 'o-0', { app: 'o' }, [{ name: 'serve', containerPort: 9000 }]));
  kube.seed(pod('s2', 'some-decode-x', {}, [{ containerPort: 7000 }]));
  // modelservice with the Inference Extension: two pools (v1 and v1alpha2 shapes), a labelled pod outside them
  kube.seed({ apiVersion: 'inference.networking.k8s.io/v1', kind: 'InferencePool', metadata: { name: 'pool-a', namespace: 's3' }, spec: { selector: { matchLabels: { app: 'pool-a' } }, targetPorts: [{ number: 8000 }] } });
  kube.seed({ apiVersion: 'inference.networking.k8s.io/v1', kind: 'InferencePool', metadata: { name: 'pool-b', namespace: 's3' }, spec: { selector: { app: 'pool-b' }, targetPortNumber: 8100 } });
  kube.seed(pod('s3', 'pa-0', { app: 'pool-a' }, []));
  kube.seed(pod('s3', 'pb-0', { app: 'pool-b' }, []));
  kube.seed(pod('s3', 'other-0', { 'llm-d.ai/inferenceServing': 'true' }, [{ containerPort: 8000 }]));
});
after(async () => kube.stop());

const q = (o: Partial<ServingPodQuery>): ServingPodQuery => ({ namespace: 's1', endpointUrl: 'http://x', inferencePort: 8000, podPattern: 'decode', ...o });
const brief = async (o: Partial<ServingPodQuery>) => {
  const r = await findServingPods(cluster, q(o));
  return { via: r.via, pods: r.pods.map((p) => `${p.namespace}/${p.name}@${p.ip}:${p.metricsPort}`) };
};

test('a Service endpoint: its selector, Running pods only, the targetPort', async () => {
  assert.deepEqual(await brief({ endpointUrl: 'http://standalone.s1.svc.cluster.local:80', endpointSource: 'Service/standalone' }), { via: 'Service/standalone selector app=sa', pods: ['s1/sa-0@10.0.0.9:8000'] });
  // by ClusterIP (an explicit endpoint), and by host name in another namespace (a named targetPort)
  assert.deepEqual((await brief({ endpointUrl: 'http://10.96.0.5:80' })).pods, ['s1/sa-0@10.0.0.9:8000']);
  assert.deepEqual(await brief({ endpointUrl: 'http://other.s2.svc.cluster.local:81' }), { via: 'Service/other selector app=o', pods: ['s2/o-0@10.0.0.9:9000'] });
  // LLMDBENCH_VLLM_COMMON_METRICS_PORT wins
  assert.deepEqual((await brief({ endpointUrl: 'http://10.96.0.5:80', metricsPort: 9090 })).pods, ['s1/sa-0@10.0.0.9:9090']);
});

test('a Gateway (modelservice): the pods its InferencePools select (v1 and v1alpha2 selectors, their target ports); without pools, or without the right to list them, the labels', async () => {
  const gw = { namespace: 's3', endpointUrl: 'http://gw.s3.svc.cluster.local:80', endpointSource: 'Gateway/gw' };
  assert.deepEqual(await brief(gw), { via: 'InferencePool/pool-a selector app=pool-a, InferencePool/pool-b selector app=pool-b', pods: ['s3/pa-0@10.0.0.9:8000', 's3/pb-0@10.0.0.9:8100'] });
  kube.forbid('list', 'inferencepools', 's3');
  try {
    assert.deepEqual(await brief(gw), { via: 'label llm-d.ai/inferenceServing=true', pods: ['s3/other-0@10.0.0.9:8000'] });
  } finally {
    kube.unforbid('list', 'inferencepools', 's3');
  }
});

test('a Gateway (modelservice): llm-d.ai/inferenceServing=true, the port named metrics; a Pod endpoint: that pod; else the name pattern', async () => {
  assert.deepEqual(await brief({ endpointUrl: 'http://gw.s1.svc.cluster.local:80', endpointSource: 'Gateway/gw' }), { via: 'label llm-d.ai/inferenceServing=true', pods: ['s1/ms-decode-0@10.0.0.9:8200'] });
  assert.deepEqual(await brief({ endpointUrl: 'http://10.0.0.9:8000', endpointSource: 'Pod/sa-0' }), { via: 'Pod/sa-0', pods: ['s1/sa-0@10.0.0.9:8000'] });
  assert.deepEqual(await brief({ namespace: 's2', endpointUrl: 'http://10.1.1.1:8000' }), { via: 'name contains "decode"', pods: ['s2/some-decode-x@10.0.0.9:7000'] });
  assert.deepEqual((await brief({ namespace: 's2', endpointUrl: 'http://10.1.1.1:8000', podPattern: 'nothing' })).pods, []);
});
