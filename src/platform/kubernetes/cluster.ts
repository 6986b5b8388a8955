/**
 * The one seam between the Kubernetes flow and a cluster: create, get, list, watch, delete,
 * logs and exec, for the few kinds we use. `client.ts` implements it over the official
 * @kubernetes/client-node; tests run that real implementation against a fake API server on
 * loopback (test/helpers/fake-kube), never a fake of this interface.
 */
import type { Writable } from 'node:stream';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { LlmdbenchError } from '../../util/errors.ts';

export type KubeKind = 'Namespace' | 'Pod' | 'PersistentVolumeClaim' | 'ConfigMap' | 'Service' | 'Event' | 'Gateway' | 'Deployment' | 'InferencePool';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface Watcher {
  stop(): void;
  /** Settles when the server ends the stream (undefined) or it fails (the error). */
  readonly done: Promise<Error | undefined>;
}

export interface ExecResult {
  /** 0 on success; the command's exit code, or -1 when the server gave none. */
  exitCode: number;
  stderr: string;
}

export interface Cluster {
  /** A description for messages: `context <name> (<server>)`. */
  readonly describe: string;
  create<T extends { kind?: string; metadata?: V1ObjectMeta }>(obj: T): Promise<T>;
  get(kind: KubeKind, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(kind: KubeKind, namespace: string, opts?: { labelSelector?: string; fieldSelector?: string }): Promise<KubeObject[]>;
  /** True when something was deleted, false when it was not there. */
  delete(kind: KubeKind, namespace: string, name: string): Promise<boolean>;
  watchPods(namespace: string, labelSelector: string, onEvent: (type: WatchEventType, pod: KubeObject) => void): Promise<Watcher>;
  logs(namespace: string, pod: string, opts?: { tailLines?: number; container?: string; limitBytes?: number }): Promise<string>;
  /** Runs argv in the container; stdout is streamed into `stdout` (ended by the caller). */
  exec(namespace: string, pod: string, container: string, argv: readonly string[], stdout: Writable): Promise<ExecResult>;
}

/** An API call the server refused: HTTP status, Kubernetes reason, and what was asked. */
export class KubeApiError extends LlmdbenchError {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, verb: string, resource: string, namespace: string, serverMessage: string) {
    const where = namespace ? ` in namespace "${namespace}"` : '';
    const forbidden = status === 403;
    super(
      `E_K8S_${status === 0 ? 'UNREACHABLE' : status}`,
      forbidden
        ? `forbidden: the Kubernetes user may not "${verb}" ${resource}${where} (missing RBAC permission: verb ${verb} on ${resource})`
        : `Kubernetes ${verb} ${resource}${where} failed${status ? ` (${status}${reason ? ` ${reason}` : ''})` : ''}: ${serverMessage}`,
      {
        kind: 'environment',
        ...(forbidden
          ? { hint: `grant it with a Role (deploy/kubernetes/rbac.yaml lists every permission the executor needs; see docs/kubernetes.md): kubectl auth can-i ${verb} ${resource} -n ${namespace || '<ns>'}` }
          : status === 0
            ? { hint: 'check the kubeconfig/context (LLMDBENCH_KUBECONFIG, LLMDBENCH_KUBECONTEXT) and that the cluster is reachable' }
            : {}),
      },
    );
    this.status = status;
    this.reason = reason;
  }
}
