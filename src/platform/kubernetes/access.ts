/**
 * The short-lived data-access pod: created when the run needs the PVC (start barrier, copy
 * back, -z), waited for by watch, deleted at the end of the run. Reused if one from an earlier
 * run is still running; replaced if it is finished or stuck.
 */
import { LlmdbenchError } from '../../util/errors.ts';
import type { Cluster } from './cluster.ts';
import { diagnosePod } from './diagnose.ts';
import { accessPod } from './manifests.ts';
import { podState } from './pod-state.ts';
import type { KubeSettings } from './settings.ts';
import { waitForPods } from './wait.ts';

export interface AccessPod {
  name: string;
  container: string;
  release(): Promise<void>;
}

export async function openAccessPod(cluster: Cluster, s: KubeSettings, signal?: AbortSignal): Promise<AccessPod> {
  const manifest = accessPod(s);
  const name = manifest.metadata!.name!;
  const existing = await cluster.get('Pod', s.namespace, name);
  if (existing && podState(existing).kind !== 'running') {
    await cluster.delete('Pod', s.namespace, name);
    existing.metadata = undefined;
  }
  if (!existing?.metadata) {
    // A deleted pod may linger while terminating: retry the create briefly on 409.
    for (let i = 0; ; i++) {
      try {
        await cluster.create(manifest);
        break;
      } catch (e) {
        if (!(e instanceof Error && 'status' in e && (e as { status: number }).status === 409) || i >= 20) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  const release = async () => {
    await cluster.delete('Pod', s.namespace, name).catch(() => false);
  };
  const w = await waitForPods(cluster, {
    namespace: s.namespace,
    labelSelector: `role=${manifest.metadata!.labels!.role}`,
    names: [name],
    until: 'started',
    timeoutMs: s.readyTimeoutS * 1000,
    ...(signal ? { signal } : {}),
  });
  const st = w.states.get(name)!;
  if (w.outcome !== 'done' || st.kind !== 'running') {
    const why = await diagnosePod(cluster, s.namespace, name, st);
    await release();
    throw new LlmdbenchError('E_K8S_ACCESS_POD', `the data-access pod ${name} did not start (${w.outcome})`, {
      kind: 'environment',
      details: why,
      hint: `it mounts PVC ${s.pvcName} and runs image ${s.image}; check both`,
    });
  }
  return { name, container: manifest.spec!.containers[0]!.name, release };
}
