/**
 * The nop harness's log source on Kubernetes (the harness defines the interface,
 * KubernetesPodLogAccess in src/harness/nop/sources.ts; the platform implements it over the
 * same Cluster seam as the executor). As upstream's nop (llm-d-benchmark-run.md §5.2, §5.8), run
 * in the launcher pod with its service account: the stack endpoint's host names the Service
 * (`<svc>.<ns>.svc…`, §5.2) or is its ClusterIP (HEAD, §5.8); the Deployment of the Service's
 * name gives `spec.selector.matchLabels.app` (else the Service's own `app` selector); the first
 * pod with `app=<that>` and its first container are the vLLM server whose log is read.
 */
import { isIP } from 'node:net';
import type { KubernetesPodLogAccess } from '../../harness/nop/sources.ts';
import type { Cluster, KubeObject } from './cluster.ts';

export type VllmPod = NonNullable<Awaited<ReturnType<KubernetesPodLogAccess['findVllmPod']>>>;

interface ServiceSpec {
  clusterIP?: string;
  selector?: Record<string, string>;
}

/** Service name and namespace named by a cluster DNS host (`svc.ns.svc.cluster.local`, `svc.ns`, `svc`). */
function serviceFromHost(host: string, defaultNs: string): { name: string; namespace: string } {
  const parts = host.split('.');
  return { name: parts[0]!, namespace: parts.length > 1 && parts[1] !== 'svc' ? parts[1]! : defaultNs };
}

async function serviceByClusterIp(cluster: Cluster, ip: string, namespace: string): Promise<KubeObject | undefined> {
  const services = await cluster.list('Service', namespace);
  return services.find((s) => (s.spec as ServiceSpec | undefined)?.clusterIP === ip);
}

/** The `app` label the vLLM pods carry: the same-named Deployment's selector, else the Service's. */
async function appLabel(cluster: Cluster, namespace: string, name: string, service: KubeObject | undefined): Promise<string | undefined> {
  const dep = await cluster.get('Deployment', namespace, name);
  const fromDeployment = (dep?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels?.['app'];
  if (fromDeployment) return fromDeployment;
  const svc = service ?? (await cluster.get('Service', namespace, name));
  return (svc?.spec as ServiceSpec | undefined)?.selector?.['app'];
}

/**
 * The access nop needs, over `cluster`. `defaultNamespace` is the stack namespace, used when the
 * endpoint host is an IP or a bare service name.
 */
export function vllmPodLogAccess(cluster: Cluster, defaultNamespace: string): KubernetesPodLogAccess {
  return {
    async findVllmPod(endpointUrl) {
      let host: string;
      try {
        host = new URL(endpointUrl).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return undefined;
      }
      let namespace = defaultNamespace;
      let name: string;
      let service: KubeObject | undefined;
      if (isIP(host)) {
        service = await serviceByClusterIp(cluster, host, namespace);
        if (!service) return undefined;
        name = service.metadata?.name ?? '';
      } else ({ name, namespace } = serviceFromHost(host, defaultNamespace));
      const app = await appLabel(cluster, namespace, name, service);
      if (!app) return undefined;
      const pods = await cluster.list('Pod', namespace, { labelSelector: `app=${app}` });
      const pod = pods.find((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ?? pods[0];
      const container = (pod?.spec as { containers?: Array<{ name: string; image?: string }> } | undefined)?.containers?.[0];
      if (!pod?.metadata?.name || !container) return undefined;
      return { namespace, pod: pod.metadata.name, container: container.name, image: container.image ?? '' };
    },
    async readPodLog(namespace, pod, container) {
      return Buffer.from(await cluster.logs(namespace, pod, { container }), 'utf8');
    },
  };
}
