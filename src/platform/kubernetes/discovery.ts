/**
 * Finding the stack's endpoint in the cluster (llm-d-benchmark-run.md §1.5), per method:
 * `standalone` — the Service labelled stood-up-via=standalone; `modelservice` — the Gateway
 * labelled stood-up-via=modelservice (https when its first listener is); any other string — a
 * Service whose name contains it, else a Pod (its IP; the port from named ports or probes).
 * An explicit LLMDBENCH_HARNESS_STACK_ENDPOINT_URL skips all of this. Unlike upstream, a
 * Service's port is read from the Service (named http/default/https, else its first port)
 * instead of assuming 80.
 */
import { LlmdbenchError } from '../../util/errors.ts';
import type { Cluster, KubeObject } from './cluster.ts';

export interface Endpoint {
  url: string;
  /** What it was found from, for the log: `Service/x`, `Gateway/y`, `Pod/z`, `LLMDBENCH_HARNESS_STACK_ENDPOINT_URL`. */
  source: string;
}

type Port = { name?: string; port?: number; containerPort?: number };

function servicePort(svc: KubeObject): { port: number; https: boolean } {
  const ports = ((svc.spec as { ports?: Port[] } | undefined)?.ports ?? []) as Port[];
  for (const n of ['default', 'http', 'https']) {
    const p = ports.find((x) => x.name === n);
    if (p?.port) return { port: p.port, https: n === 'https' };
  }
  return { port: ports[0]?.port ?? 80, https: ports[0]?.port === 443 };
}

function serviceUrl(svc: KubeObject, ns: string, fqdn: string): string {
  const { port, https } = servicePort(svc);
  return `${https ? 'https' : 'http'}://${svc.metadata?.name}.${ns}${fqdn}:${port}`;
}

type Container = {
  ports?: Port[];
  livenessProbe?: { httpGet?: { port?: number | string } };
  readinessProbe?: { httpGet?: { port?: number | string } };
};

/** Liveness probe port, then readiness, then the port named `metrics`; a named probe port is resolved. */
export function podPort(pod: KubeObject): number | undefined {
  const c = ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? [])[0];
  if (!c) return undefined;
  const resolve = (p: number | string | undefined): number | undefined => {
    if (typeof p === 'number') return p;
    if (typeof p === 'string') return /^\d+$/.test(p) ? Number(p) : c.ports?.find((x) => x.name === p)?.containerPort;
    return undefined;
  };
  return resolve(c.livenessProbe?.httpGet?.port) ?? resolve(c.readinessProbe?.httpGet?.port) ?? c.ports?.find((x) => x.name === 'metrics')?.containerPort;
}

export async function discoverEndpoint(cluster: Cluster, method: string, ns: string, fqdn = '.svc.cluster.local'): Promise<Endpoint> {
  const notFound = (what: string) =>
    new LlmdbenchError('E_K8S_ENDPOINT', `no stack endpoint for method "${method}" in namespace "${ns}": ${what}`, {
      kind: 'environment',
      hint: 'check -t and -p, or give the endpoint with --endpoint / LLMDBENCH_HARNESS_STACK_ENDPOINT_URL (skips discovery)',
    });
  if (method === 'standalone') {
    const svc = (await cluster.list('Service', ns, { labelSelector: 'stood-up-via=standalone' }))[0];
    if (!svc) throw notFound('no Service labelled stood-up-via=standalone');
    return { url: serviceUrl(svc, ns, fqdn), source: `Service/${svc.metadata?.name}` };
  }
  if (method === 'modelservice') {
    const gw = (await cluster.list('Gateway', ns, { labelSelector: 'stood-up-via=modelservice' }))[0];
    if (!gw) throw notFound('no Gateway labelled stood-up-via=modelservice');
    const addr = ((gw.status as { addresses?: Array<{ type?: string; value?: string }> } | undefined)?.addresses ?? [])[0];
    const host = addr?.type === 'Hostname' && addr.value ? addr.value : `${gw.metadata?.name}.${ns}${fqdn}`;
    const listener = ((gw.spec as { listeners?: Array<{ name?: string; port?: number; protocol?: string }> } | undefined)?.listeners ?? [])[0];
    const https = listener?.name === 'https' || listener?.protocol === 'HTTPS';
    const port = listener?.port ?? (https ? 443 : 80);
    return { url: `${https ? 'https' : 'http'}://${host}:${port}`, source: `Gateway/${gw.metadata?.name}` };
  }
  const svc = (await cluster.list('Service', ns)).find((s) => (s.metadata?.name ?? '').includes(method));
  if (svc) return { url: serviceUrl(svc, ns, fqdn), source: `Service/${svc.metadata?.name}` };
  const pod = (await cluster.list('Pod', ns)).find((p) => (p.metadata?.name ?? '').includes(method));
  if (!pod) throw notFound(`no Service or Pod whose name contains "${method}"`);
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  const port = podPort(pod);
  if (!ip || !port) throw notFound(`Pod/${pod.metadata?.name} has ${ip ? 'no port in its probes or a port named metrics' : 'no IP yet'}`);
  return { url: `http://${ip}:${port}`, source: `Pod/${pod.metadata?.name}` };
}
