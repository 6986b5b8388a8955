/**
 * The Cluster interface over the official @kubernetes/client-node 1.4.0 (exact pin; its `Cp`
 * helper is broken, so copies use exec, see collect.ts): from a kubeconfig file and context,
 * the default chain ($KUBECONFIG, ~/.kube/config), or in-cluster. Every refused call becomes a
 * KubeApiError naming the verb and resource (a 403 names the missing permission).
 */
import type { Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { LlmdbenchError } from '../../util/errors.ts';
import { KubeApiError, type Cluster, type ExecResult, type KubeKind, type KubeObject, type Watcher, type WatchEventType } from './cluster.ts';

const RESOURCE: Record<KubeKind, string> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  ConfigMap: 'configmaps',
  Service: 'services',
  Event: 'events',
  Gateway: 'gateways.gateway.networking.k8s.io',
  Deployment: 'deployments.apps',
  InferencePool: 'inferencepools.inference.networking.k8s.io',
};

function toApiError(e: unknown, verb: string, resource: string, namespace: string): Error {
  if (e instanceof LlmdbenchError) return e;
  if (e instanceof k8s.ApiException) {
    let reason = '';
    let message = String(e.message).split('\n')[0] ?? '';
    try {
      const body = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as { reason?: string; message?: string };
      reason = body.reason ?? '';
      message = body.message ?? message;
    } catch {
      /* not a Status body */
    }
    return new KubeApiError(e.code, reason, verb, resource, namespace, message);
  }
  return new KubeApiError(0, '', verb, resource, namespace, e instanceof Error ? e.message : String(e));
}

/** Load the kubeconfig: a file (with an optional context), else the default chain, which ends in-cluster. */
export function loadKubeConfig(file?: string, context?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
    if (context) kc.setCurrentContext(context);
  } catch (e) {
    throw new LlmdbenchError('E_K8S_KUBECONFIG', `cannot load the kubeconfig${file ? ` ${file}` : ''}: ${(e as Error).message}`, {
      kind: 'environment',
      hint: 'set LLMDBENCH_KUBECONFIG (a file) and LLMDBENCH_KUBECONTEXT, or KUBECONFIG',
    });
  }
  if (context && !kc.getContexts().some((c) => c.name === context)) {
    throw new LlmdbenchError('E_K8S_CONTEXT', `kubeconfig has no context "${context}"`, {
      kind: 'usage',
      hint: `contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new LlmdbenchError('E_K8S_KUBECONFIG', 'no Kubernetes cluster configured (no kubeconfig found and not running in a cluster)', {
      kind: 'environment',
      hint: 'set KUBECONFIG or LLMDBENCH_KUBECONFIG, or run in a pod with a service account',
    });
  }
  return kc;
}

/** Drains a stream into a string (stderr of exec), bounded to the last 64 KiB. */
function collector(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new WritableStream({
    write(chunk: Buffer, _enc, cb) {
      buf = (buf + chunk.toString('utf8')).slice(-65536);
      cb();
    },
  });
  return { stream, text: () => buf };
}

export function connect(kc: k8s.KubeConfig): Cluster {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const server = kc.getCurrentCluster()?.server ?? '?';
  const gw = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways' };
  // Gateway API Inference Extension, GA group (v1); -f reads a pool's selector (serving-pods.ts).
  const pool = { group: 'inference.networking.k8s.io', version: 'v1', plural: 'inferencepools' };

  const call = async <T>(verb: string, kind: KubeKind, namespace: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw toApiError(e, verb, RESOURCE[kind], namespace);
    }
  };
  const notFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;

  return {
    describe: `context ${kc.getCurrentContext() || '(in-cluster)'} (${server})`,

    async create<T extends { kind?: string; metadata?: k8s.V1ObjectMeta }>(obj: T): Promise<T> {
      const namespace = obj.metadata?.namespace ?? '';
      const kind = obj.kind as KubeKind;
      const body = obj as never;
      return call('create', kind, namespace, async () => {
        switch (kind) {
          case 'Pod':
            return (await core.createNamespacedPod({ namespace, body })) as unknown as T;
          case 'PersistentVolumeClaim':
            return (await core.createNamespacedPersistentVolumeClaim({ namespace, body })) as unknown as T;
          case 'ConfigMap':
            return (await core.createNamespacedConfigMap({ namespace, body })) as unknown as T;
          default:
            throw new LlmdbenchError('E_K8S_KIND', `llmdbench does not create ${kind} objects`, { kind: 'internal' });
        }
      });
    },

    async get(kind, namespace, name) {
      try {
        return await call('get', kind, kind === 'Namespace' ? '' : namespace, async (): Promise<KubeObject> => {
          switch (kind) {
            case 'Namespace':
              return (await core.readNamespace({ name })) as KubeObject;
            case 'Pod':
              return (await core.readNamespacedPod({ name, namespace })) as KubeObject;
            case 'PersistentVolumeClaim':
              return (await core.readNamespacedPersistentVolumeClaim({ name, namespace })) as KubeObject;
            case 'ConfigMap':
              return (await core.readNamespacedConfigMap({ name, namespace })) as KubeObject;
            case 'Service':
              return (await core.readNamespacedService({ name, namespace })) as KubeObject;
            case 'Gateway':
              return (await custom.getNamespacedCustomObject({ ...gw, namespace, name })) as KubeObject;
            case 'Deployment':
              return (await apps.readNamespacedDeployment({ name, namespace })) as KubeObject;
            default:
              throw new LlmdbenchError('E_K8S_KIND', `llmdbench does not read single ${kind} objects`, { kind: 'internal' });
          }
        });
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },

    async list(kind, namespace, opts = {}) {
      const q = { namespace, ...opts };
      return call('list', kind, namespace, async (): Promise<KubeObject[]> => {
        switch (kind) {
          case 'Pod':
            return (await core.listNamespacedPod(q)).items as KubeObject[];
          case 'Service':
            return (await core.listNamespacedService(q)).items as KubeObject[];
          case 'Event':
            return (await core.listNamespacedEvent(q)).items as unknown as KubeObject[];
          case 'ConfigMap':
            return (await core.listNamespacedConfigMap(q)).items as KubeObject[];
          case 'PersistentVolumeClaim':
            return (await core.listNamespacedPersistentVolumeClaim(q)).items as KubeObject[];
          case 'Gateway':
            return ((await custom.listNamespacedCustomObject({ ...gw, ...q })) as { items?: KubeObject[] }).items ?? [];
          case 'InferencePool':
            return ((await custom.listNamespacedCustomObject({ ...pool, ...q })) as { items?: KubeObject[] }).items ?? [];
          default:
            throw new LlmdbenchError('E_K8S_KIND', `llmdbench does not list ${kind} objects`, { kind: 'internal' });
        }
      });
    },

    async delete(kind, namespace, name) {
      try {
        await call('delete', kind, namespace, async () => {
          switch (kind) {
            case 'Pod':
              return core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
            case 'ConfigMap':
              return core.deleteNamespacedConfigMap({ name, namespace });
            case 'PersistentVolumeClaim':
              return core.deleteNamespacedPersistentVolumeClaim({ name, namespace });
            default:
              throw new LlmdbenchError('E_K8S_KIND', `llmdbench does not delete ${kind} objects`, { kind: 'internal' });
          }
        });
        return true;
      } catch (e) {
        if (notFound(e)) return false;
        throw e;
      }
    },

    async watchPods(namespace, labelSelector, onEvent): Promise<Watcher> {
      let settle: (e: Error | undefined) => void = () => {};
      const done = new Promise<Error | undefined>((r) => (settle = r));
      const w = new k8s.Watch(kc);
      const ctl = await call('watch', 'Pod', namespace, () =>
        w.watch(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { labelSelector }, (type, obj) => onEvent(type as WatchEventType, obj as KubeObject), (err) => {
          settle(err ? toApiError(err, 'watch', 'pods', namespace) : undefined);
        }),
      );
      return { stop: () => ctl.abort(), done };
    },

    async logs(namespace, pod, opts = {}) {
      return call('get', 'Pod', namespace, () =>
        core.readNamespacedPodLog({ name: pod, namespace, ...(opts.container ? { container: opts.container } : {}), ...(opts.tailLines ? { tailLines: opts.tailLines } : {}), ...(opts.limitBytes ? { limitBytes: opts.limitBytes } : {}) }),
      ).catch((e: unknown) => {
        if (e instanceof KubeApiError && e.status === 403) throw new KubeApiError(403, e.reason, 'get', 'pods/log', namespace, '');
        throw e;
      });
    },

    async exec(namespace, pod, container, argv, stdout): Promise<ExecResult> {
      const err = collector();
      let status: k8s.V1Status | undefined;
      const ws = await call('create', 'Pod', namespace, () =>
        new k8s.Exec(kc).exec(namespace, pod, container, [...argv], stdout, err.stream, null, false, (s) => {
          status = s;
        }),
      ).catch((e: unknown) => {
        if (e instanceof KubeApiError) throw new KubeApiError(e.status, e.reason, 'create', 'pods/exec', namespace, e.message);
        throw e;
      });
      await new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) resolve();
        else ws.once('close', () => resolve());
      });
      if (!status) return { exitCode: -1, stderr: err.text() || 'the exec stream closed without a status' };
      if (status.status === 'Success') return { exitCode: 0, stderr: err.text() };
      const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
      return { exitCode: Number.isInteger(code) ? code : -1, stderr: err.text() || status.message || '' };
    },
  };
}
