/**
 * The real client-node (through our Cluster implementation) against the fake API server:
 * status mapping (404/409/422/403), watch, logs, exec streaming a real tar.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PassThrough } from 'node:stream';
import { connect, loadKubeConfig } from '../../../../src/platform/kubernetes/client.ts';
import { KubeApiError, type Cluster, type KubeObject } from '../../../../src/platform/kubernetes/cluster.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';

let kube: FakeKube;
let cluster: Cluster;
before(async () => {
  kube = await startFakeKube(['ns1']);
  cluster = connect(loadKubeConfig(kube.kubeconfigFile(), 'fake'));
});
after(async () => kube.stop());

const pod = (name: string, extra: object = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns1', labels: { app: 't' } },
  spec: {
    restartPolicy: 'Never',
    containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'], volumeMounts: [{ name: 'r', mountPath: '/requests' }] }],
    volumes: [{ name: 'r', persistentVolumeClaim: { claimName: 'pvc1' } }],
    ...extra,
  },
});

test('create, get, 409 on a duplicate, 404 as undefined, delete', async () => {
  const created = await cluster.create(pod('p1'));
  assert.equal(created.metadata?.name, 'p1');
  await assert.rejects(cluster.create(pod('p1')), (e: unknown) => e instanceof KubeApiError && e.status === 409 && e.reason === 'AlreadyExists');
  assert.equal((await cluster.get('Pod', 'ns1', 'p1'))?.metadata?.name, 'p1');
  assert.equal(await cluster.get('Pod', 'ns1', 'nope'), undefined);
  assert.equal(await cluster.delete('Pod', 'ns1', 'p1'), true);
  assert.equal(await cluster.delete('Pod', 'ns1', 'p1'), false);
});

test('422 names the invalid field; 403 names the missing permission', async () => {
  await assert.rejects(cluster.create(pod('Bad_Name')), (e: unknown) => e instanceof KubeApiError && e.status === 422 && /metadata\.name/.test(e.message));
  // The OpenAPI schema (kubernetes-models): a port given as a string where an integer is required.
  await assert.rejects(
    cluster.create(pod('p-bad-port', { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 'http' }] }] })),
    (e: unknown) => e instanceof KubeApiError && e.status === 422 && e.reason === 'Invalid' && /containerPort/.test(e.message),
  );
  assert.equal(await cluster.get('Pod', 'ns1', 'p-bad-port'), undefined, 'nothing created');
  kube.forbid('create', 'configmaps');
  await assert.rejects(
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns1' }, data: {} }),
    (e: unknown) => e instanceof KubeApiError && e.status === 403 && /"create" configmaps in namespace "ns1"/.test(e.message) && /rbac\.yaml/.test(e.hint ?? ''),
  );
});

test('watch sees the kubelet move a pod to Running; exec streams a tar of the PVC directory', async () => {
  const dir = join(kube.pvcDir('pvc1'), 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'hello');
  const phases: string[] = [];
  let running!: () => void;
  const isRunning = new Promise<void>((r) => (running = r));
  const w = await cluster.watchPods('ns1', 'app=t', (type, p) => {
    const ph = (p.status as { phase?: string } | undefined)?.phase ?? '';
    phases.push(`${type}:${ph}`);
    if (ph === 'Running') running();
  });
  await cluster.create(pod('p2'));
  await isRunning;
  w.stop();
  assert.ok(phases.includes('MODIFIED:Running'), phases.join(' '));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const r = await cluster.exec('ns1', 'p2', 'c', ['tar', 'cf', '-', '-C', '/requests/out', '.'], out);
  assert.equal(r.exitCode, 0, r.stderr);
  const tar = Buffer.concat(chunks);
  assert.ok(tar.includes(Buffer.from('hello')));
  const bad = await cluster.exec('ns1', 'p2', 'c', ['tar', 'cf', '-', '-C', '/requests/missing', '.'], new PassThrough());
  assert.notEqual(bad.exitCode, 0);
  assert.match(bad.stderr, /missing/);
  assert.equal(await cluster.logs('ns1', 'p2', { tailLines: 5 }), '');
});
