/**
 * Which models the stack serves, asked from inside the cluster as upstream does (a short-lived
 * pod fetching `<endpoint>/v1/models`; the endpoint is usually a cluster DNS name the laptop
 * cannot reach). The pod tries curl, wget, node and python3, so it works with our launcher
 * image and with upstream's. Best effort: undefined when it cannot tell; the pod is always
 * deleted.
 */
import { randomBytes } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';
import type { KubeSettings } from './settings.ts';
import { waitForPods } from './wait.ts';

export const MODEL_CHECK_LABEL = 'llmdbench-model-check';

const SCRIPT = [
  'curl -sk --max-time 20 "$1" 2>/dev/null',
  'wget -qO- --no-check-certificate -T 20 "$1" 2>/dev/null',
  `node -e 'fetch(process.argv[1]).then(r=>r.text()).then(t=>process.stdout.write(t)).catch(()=>process.exit(1))' "$1" 2>/dev/null`,
  `python3 -c 'import sys,ssl,urllib.request;print(urllib.request.urlopen(sys.argv[1],context=ssl._create_unverified_context(),timeout=20).read().decode())' "$1"`,
].join(' || ');

export function modelCheckPod(s: KubeSettings, endpointUrl: string, suffix = randomBytes(3).toString('hex')): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${MODEL_CHECK_LABEL}-${suffix}`, namespace: s.namespace, labels: { app: MODEL_CHECK_LABEL } },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: s.serviceAccount,
      activeDeadlineSeconds: 120,
      containers: [
        {
          name: 'check',
          image: s.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', SCRIPT, 'sh', `${endpointUrl}/v1/models`],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
      ],
    },
  };
}

/** The ids in a `/v1/models` answer, undefined when it is not one. */
export function parseModels(text: string): string[] | undefined {
  try {
    const body = JSON.parse(text.trim()) as { data?: Array<{ id?: unknown }> };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}

export async function servedModelsInCluster(cluster: Cluster, s: KubeSettings, endpointUrl: string, signal?: AbortSignal): Promise<string[] | undefined> {
  const pod = modelCheckPod(s, endpointUrl);
  const name = pod.metadata!.name!;
  await cluster.create(pod);
  try {
    const w = await waitForPods(cluster, { namespace: s.namespace, labelSelector: `app=${MODEL_CHECK_LABEL}`, names: [name], until: 'finished', timeoutMs: 120_000, ...(signal ? { signal } : {}) });
    if (w.states.get(name)?.kind !== 'succeeded') return undefined;
    return parseModels(await cluster.logs(s.namespace, name));
  } finally {
    await cluster.delete('Pod', s.namespace, name).catch(() => false);
  }
}
