/**
 * The objects the Kubernetes executor creates, as pure functions of the settings and the run
 * unit (llm-d-benchmark-run.md §2.1, §2.5.5, §2.7): the results PVC, the `<harness>-profiles`
 * ConfigMap, the launcher pods and the short-lived data-access pod used to copy results back.
 * Tested directly and printed by `-n`; the flow creates exactly these.
 */
import { basename } from 'node:path';
import type { V1ConfigMap, V1PersistentVolumeClaim, V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { RunUnit } from '../../plan/types.ts';
import { launcherEnv } from './pod-env.ts';
import type { KubeSettings } from './settings.ts';

export const LAUNCHER_FUNCTION = 'load_generator';
export const ACCESS_ROLE = 'llm-d-benchmark-data-access';
/** Where the access pod and the launchers mount the PVC. */
export const PVC_MOUNT = '/requests';

export function launcherBaseName(harness: string, debug: boolean): string {
  return debug ? 'llmdbench-harness-launcher' : `llmdbench-${harness}-launcher`;
}

/** `llmdbench-<harness>-launcher-<i>-of-<N>` (i is 1-based). */
export function launcherName(harness: string, i: number, n: number, debug = false): string {
  return `${launcherBaseName(harness, debug)}-${i}-of-${n}`;
}

export function profilesConfigMapName(harness: string): string {
  return `${harness}-profiles`;
}

/** `access-to-harness-data-<pvc>` (upstream's data-access pod name). */
export function accessPodName(pvc: string): string {
  return `access-to-harness-data-${pvc}`.slice(0, 63).replace(/-+$/, '');
}

export function pvcManifest(s: KubeSettings): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: s.pvcName, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'llmdbench' } },
    spec: {
      accessModes: [s.accessMode],
      resources: { requests: { storage: s.pvcSize } },
      ...(s.storageClass !== 'default' ? { storageClassName: s.storageClass } : {}),
    },
  };
}

/** One key per rendered profile file (name → text). */
export function profilesConfigMap(s: KubeSettings, harness: string, files: Readonly<Record<string, string>>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: profilesConfigMapName(harness), namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'llmdbench' } },
    data: { ...files },
  };
}

export interface LauncherPodInput {
  settings: KubeSettings;
  unit: RunUnit;
  /** 1-based index and count (-j N). */
  index: number;
  of: number;
  /** The stack's base URL as the pod reaches it. */
  endpointUrl: string;
  /** Harnesses whose profiles ConfigMap is mounted (debug: every one created). */
  harnesses: readonly string[];
  /** Absolute path of the start-barrier file on the PVC (with -j N > 1). */
  startBarrier?: string;
  /** More per-pod variables (-f: the scrape targets, monitoring.ts). */
  extraEnv?: Record<string, string>;
}

/** `/requests/<harness>_<eid>_<stack>_<i>` */
export function podResultsDir(s: KubeSettings, unit: RunUnit, index: number): string {
  return `${s.resultsPrefix}/${basename(unit.resultsDirs[index - 1] ?? `${unit.harness}_${unit.experimentId}_${unit.stackName}_${index}`)}`;
}

export function launcherPod(input: LauncherPodInput): V1Pod {
  const { settings: s, unit, index, of } = input;
  const name = launcherName(unit.harness, index, of, s.debug);
  const resultsDir = podResultsDir(s, unit, index);
  const perPod: Record<string, string> = {
    LLMDBENCH_HARNESS_NAME: unit.harness,
    LLMDBENCH_HARNESS_NAMESPACE: s.namespace,
    LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: input.endpointUrl,
    LLMDBENCH_HARNESS_STACK_NAME: unit.stackName,
    LLMDBENCH_HARNESS_EXPERIMENT_PROFILE: unit.profileName,
    LLMDBENCH_HARNESS_LOAD_PARALLELISM: String(of),
    LLMDBENCH_DEPLOY_CURRENT_MODEL: unit.model,
    LLMDBENCH_DEPLOY_METHODS: unit.method,
    LLMDBENCH_RUN_EXPERIMENT_ID: unit.experimentId,
    LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME: unit.profileName,
    LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR: resultsDir,
    LLMDBENCH_RUN_EXPERIMENT_PARALLEL_INDEX: String(index),
    ...(unit.treatment ? { LLMDBENCH_RUN_EXPERIMENT_TREATMENT: unit.treatment } : {}),
    ...(input.startBarrier ? { LLMDBENCH_RUN_EXPERIMENT_START_BARRIER: input.startBarrier } : {}),
    ...input.extraEnv,
  };
  const volumes: V1Volume[] = [{ name: 'results', persistentVolumeClaim: { claimName: s.pvcName } }];
  const mounts: V1VolumeMount[] = [{ name: 'results', mountPath: PVC_MOUNT }];
  for (const h of input.harnesses) {
    volumes.push({ name: profilesConfigMapName(h), configMap: { name: profilesConfigMapName(h) } });
    mounts.push({ name: profilesConfigMapName(h), mountPath: `${s.workspaceDir}/profiles/${h}`, readOnly: true });
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace,
      labels: { app: s.podLabel, function: LAUNCHER_FUNCTION },
      annotations: { 'llmdbench.io/results-dir': resultsDir, 'llmdbench.io/experiment-id': unit.experimentId },
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: s.serviceAccount,
      ...(s.priorityClass ? { priorityClassName: s.priorityClass } : {}),
      // Our launcher image runs as a non-root user: make the PVC writable by its group.
      securityContext: { fsGroup: 1000 },
      containers: [
        {
          name: 'harness',
          image: s.image,
          imagePullPolicy: 'Always',
          command: ['sh', '-c'],
          args: [s.debug ? 'sleep infinity' : s.executable],
          env: launcherEnv({ config: unit.config, settings: s, perPod }),
          resources: { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpu, memory: s.memory } },
          volumeMounts: mounts,
        },
      ],
      volumes,
    },
  };
}

/**
 * The data-access pod: the PVC at /requests, a bounded sleep (it ends by itself if we are
 * killed before deleting it), tar/find/stat from the launcher image.
 */
export function accessPod(s: KubeSettings, lifetimeS = 3600): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: accessPodName(s.pvcName),
      namespace: s.namespace,
      labels: { app: 'llm-d-benchmark-harness', role: ACCESS_ROLE },
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: s.serviceAccount,
      activeDeadlineSeconds: lifetimeS + 60,
      securityContext: { fsGroup: 1000 },
      containers: [
        {
          name: 'access',
          image: s.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(lifetimeS)],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          volumeMounts: [{ name: 'results', mountPath: PVC_MOUNT }],
        },
      ],
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName: s.pvcName } }],
    },
  };
}
