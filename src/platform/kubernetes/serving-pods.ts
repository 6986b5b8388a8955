/**
 * `-f` on Kubernetes: the stack's serving pods behind the endpoint, found from the user's
 * machine with `list pods` / `list services` in the stack namespace (no pods/proxy, no
 * cluster-wide right). A Service endpoint (discovered, or named by the endpoint's host or
 * ClusterIP) gives its selector, and the selector the pods; a Pod endpoint is itself; a
 * Gateway (modelservice) gives the pods its namespace's InferencePools select (when the
 * Inference Extension CRD is there and may be listed); else, or for anything else, upstream's
 * collect_metrics.sh order:
 * `llm-d.ai/inferenceServing=true`, then `stood-up-via=standalone`, then a name containing
 * LLMDBENCH_METRICS_POD_PATTERN (default `decode`). Only Running pods with an IP count. The
 * metrics port of each pod: LLMDBENCH_VLLM_COMMON_METRICS_PORT when set (upstream), else its
 * container port named `metrics`, else the Service's targetPort, else its first container
 * port, else LLMDBENCH_VLLM_COMMON_INFERENCE_PORT (8000).
 */
import { isIP } from 'node:net';
import type { Cluster, KubeObject } from './cluster.ts';

export interface ServingPod {
  name: string;
  namespace: string;
  ip: string;
  /** Port of its Prometheus metrics. */
  metricsPort: number;
  containers: string[];
}

export interface ServingPodQuery {
  /** Stack namespace. */
  namespace: string;
  endpointUrl: string;
  /** discovery.ts's `source` (`Service/x`, `Pod/y`, `Gateway/z`), when discovered. */
  endpointSource?: string;
  /** LLMDBENCH_VLLM_COMMON_METRICS_PORT, when set. */
  metricsPort?: number;
  /** LLMDBENCH_VLLM_COMMON_INFERENCE_PORT (default 8000). */
  inferencePort: number;
  /** LLMDBENCH_METRICS_POD_PATTERN (default `decode`). */
  podPattern: string;
}

type ContainerPort = { name?: string; containerPort?: number };
type PodSpec = { containers?: Array<{ name: string; ports?: ContainerPort[] }> };
type ServiceSpec = { clusterIP?: string; selector?: Record<string, string>; ports?: Array<{ name?: string; port?: number; targetPort?: number | string }> };

const running = (p: KubeObject): boolean => (p.status as { phase?: string; podIP?: string } | undefined)?.phase === 'Running' && Boolean((p.status as { podIP?: string }).podIP);

function containerPorts(p: KubeObject): ContainerPort[] {
  return ((p.spec as PodSpec | undefined)?.containers ?? []).flatMap((c) => c.ports ?? []);
}

/** The Service port the endpoint URL names (by port number), else the Service's first. */
function targetPortOf(svc: KubeObject | undefined, endpointUrl: string): number | string | undefined {
  const ports = (svc?.spec as ServiceSpec | undefined)?.ports ?? [];
  let port: number | undefined;
  try {
    port = Number(new URL(endpointUrl).port) || undefined;
  } catch {
    port = undefined;
  }
  const p = ports.find((x) => x.port === port) ?? ports[0];
  return p?.targetPort ?? p?.port;
}

function metricsPortOf(pod: KubeObject, q: ServingPodQuery, target: number | string | undefined): number {
  if (q.metricsPort) return q.metricsPort;
  const ports = containerPorts(pod);
  const named = ports.find((p) => p.name === 'metrics')?.containerPort;
  if (named) return named;
  if (typeof target === 'number') return target;
  if (typeof target === 'string') {
    const byName = /^\d+$/.test(target) ? Number(target) : ports.find((p) => p.name === target)?.containerPort;
    if (byName) return byName;
  }
  return ports[0]?.containerPort ?? q.inferencePort;
}

function toServing(pods: KubeObject[], q: ServingPodQuery, target?: number | string): ServingPod[] {
  return pods.filter(running).map((p) => ({
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? q.namespace,
    ip: (p.status as { podIP: string }).podIP,
    metricsPort: metricsPortOf(p, q, target),
    containers: ((p.spec as PodSpec | undefined)?.containers ?? []).map((c) => c.name),
  }));
}

/** The Service the endpoint names: discovery's source, else the host (`svc.ns.svc…`), else its ClusterIP. */
async function endpointService(cluster: Cluster, q: ServingPodQuery): Promise<KubeObject | undefined> {
  let host = '';
  try {
    host = new URL(q.endpointUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  const fromSource = q.endpointSource?.startsWith('Service/') ? q.endpointSource.slice('Service/'.length) : undefined;
  const parts = host.split('.');
  const ns = !fromSource && !isIP(host) && parts.length > 1 && parts[1] !== 'svc' ? parts[1]! : q.namespace;
  const services = await cluster.list('Service', ns);
  if (fromSource) return services.find((s) => s.metadata?.name === fromSource);
  if (isIP(host)) return services.find((s) => (s.spec as ServiceSpec | undefined)?.clusterIP === host);
  return services.find((s) => s.metadata?.name === parts[0]);
}

export interface ServingPods {
  pods: ServingPod[];
  /** How they were found, for the log. */
  via: string;
}

type PoolSpec = { selector?: { matchLabels?: Record<string, string> } | Record<string, string>; targetPorts?: Array<{ number?: number }>; targetPortNumber?: number };

/**
 * A Gateway's backing pods: the InferencePools of the namespace (Gateway API Inference
 * Extension, v1 `spec.selector.matchLabels` / v1alpha2 `spec.selector`) and the pods they
 * select. Undefined when there is no pool, the CRD is absent or listing it is not allowed.
 */
async function poolPods(cluster: Cluster, q: ServingPodQuery): Promise<ServingPods | undefined> {
  let pools: KubeObject[];
  try {
    pools = await cluster.list('InferencePool', q.namespace);
  } catch {
    return undefined;
  }
  const pods: ServingPod[] = [];
  const names: string[] = [];
  for (const pool of pools) {
    const spec = (pool.spec ?? {}) as PoolSpec;
    const sel = spec.selector && 'matchLabels' in spec.selector && typeof spec.selector.matchLabels === 'object' ? spec.selector.matchLabels : (spec.selector as Record<string, string> | undefined);
    if (!sel || Object.keys(sel).length === 0) continue;
    const labelSelector = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
    const port = spec.targetPorts?.[0]?.number ?? spec.targetPortNumber;
    for (const p of toServing(await cluster.list('Pod', q.namespace, { labelSelector }), q, port)) if (!pods.some((x) => x.name === p.name)) pods.push(p);
    names.push(`InferencePool/${pool.metadata?.name} selector ${labelSelector}`);
  }
  return pods.length > 0 ? { pods, via: names.join(', ') } : undefined;
}

export async function findServingPods(cluster: Cluster, q: ServingPodQuery): Promise<ServingPods> {
  if (q.endpointSource?.startsWith('Pod/')) {
    const name = q.endpointSource.slice('Pod/'.length);
    const pods = toServing((await cluster.list('Pod', q.namespace)).filter((p) => p.metadata?.name === name), q);
    if (pods.length) return { pods, via: q.endpointSource };
  }
  if (!q.endpointSource?.startsWith('Gateway/')) {
    const svc = await endpointService(cluster, q);
    const selector = (svc?.spec as ServiceSpec | undefined)?.selector;
    if (svc && selector && Object.keys(selector).length > 0) {
      const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      const pods = toServing(await cluster.list('Pod', svc.metadata?.namespace ?? q.namespace, { labelSelector }), q, targetPortOf(svc, q.endpointUrl));
      if (pods.length) return { pods, via: `Service/${svc.metadata?.name} selector ${labelSelector}` };
    }
  }
  if (q.endpointSource?.startsWith('Gateway/')) {
    const fromPools = await poolPods(cluster, q);
    if (fromPools) return fromPools;
  }
  for (const labelSelector of ['llm-d.ai/inferenceServing=true', 'stood-up-via=standalone']) {
    const pods = toServing(await cluster.list('Pod', q.namespace, { labelSelector }), q);
    if (pods.length) return { pods, via: `label ${labelSelector}` };
  }
  const byName = toServing((await cluster.list('Pod', q.namespace)).filter((p) => (p.metadata?.name ?? '').includes(q.podPattern)), q);
  return { pods: byName, via: `name contains "${q.podPattern}"` };
}
