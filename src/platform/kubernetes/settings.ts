/**
 * Everything the Kubernetes executor needs from the configuration, read once per unit from
 * its EffectiveConfig (environment variables are read in src/config only): namespaces,
 * PVC, image, resources, labels, modes. Pure; the manifests and the flow take this.
 */
import type { EffectiveConfig } from '../../config/types.ts';

export interface KubeSettings {
  /** Stack namespace (-p A). */
  stackNamespace: string;
  /** Harness namespace (-p B): launcher pods, PVC, ConfigMaps. */
  namespace: string;
  pvcName: string;
  pvcSize: string;
  /** `default` = leave storageClassName unset (the cluster's default class). */
  storageClass: string;
  accessMode: string;
  image: string;
  cpu: string;
  memory: string;
  serviceAccount: string;
  podLabel: string;
  priorityClass: string | undefined;
  executable: string;
  /** `/requests` */
  resultsPrefix: string;
  workspaceDir: string;
  rayonThreads: string;
  hfSecretName: string;
  hfSecretKey: string;
  parallelism: number;
  /** -s seconds; 0 = launch and return. */
  waitTimeoutS: number;
  /** Seconds for pods to leave Pending (LLMDBENCH_CONTROL_WAIT_TIMEOUT). */
  readyTimeoutS: number;
  debug: boolean;
  skip: boolean;
  dryRun: boolean;
  noCleanup: boolean;
  startBarrierS: number;
  kubeconfig: string | undefined;
  kubecontext: string | undefined;
  /** -g: names or prefixes of extra variables passed to the pod. */
  extraEnv: string[];
  endpointUrl: string | undefined;
}

/** `<registry>/<repo>/<name>:<tag>`; tag `auto` (upstream: newest tag in the registry) becomes `latest`. */
export function launcherImage(c: EffectiveConfig): string {
  const tag = c.get('LLMDBENCH_IMAGE_TAG') ?? 'latest';
  const parts = [c.get('LLMDBENCH_IMAGE_REGISTRY'), c.get('LLMDBENCH_IMAGE_REPO'), c.get('LLMDBENCH_IMAGE_NAME') ?? 'llm-d-benchmark'].filter(Boolean);
  return `${parts.join('/')}:${tag === 'auto' ? 'latest' : tag}`;
}

const int = (s: string | undefined, d: number): number => {
  const n = Number(s);
  return s !== undefined && Number.isInteger(n) && n >= 0 ? n : d;
};

export function kubeSettings(c: EffectiveConfig): KubeSettings {
  const pc = c.get('LLMDBENCH_VLLM_COMMON_PRIORITY_CLASS_NAME');
  return {
    stackNamespace: c.get('LLMDBENCH_VLLM_COMMON_NAMESPACE') ?? 'llmdbench',
    namespace: c.get('LLMDBENCH_HARNESS_NAMESPACE') ?? c.get('LLMDBENCH_VLLM_COMMON_NAMESPACE') ?? 'llmdbench',
    pvcName: c.get('LLMDBENCH_HARNESS_PVC_NAME') ?? 'workload-pvc',
    pvcSize: c.get('LLMDBENCH_HARNESS_PVC_SIZE') ?? '20Gi',
    storageClass: c.get('LLMDBENCH_VLLM_COMMON_PVC_STORAGE_CLASS') ?? 'default',
    accessMode: c.get('LLMDBENCH_VLLM_COMMON_PVC_ACCESS_MODE') ?? 'ReadWriteMany',
    image: launcherImage(c),
    cpu: c.get('LLMDBENCH_HARNESS_CPU_NR') ?? '16',
    memory: c.get('LLMDBENCH_HARNESS_CPU_MEM') ?? '32Gi',
    serviceAccount: c.get('LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT') ?? 'default',
    podLabel: c.get('LLMDBENCH_HARNESS_POD_LABEL') ?? 'llmdbench-harness-launcher',
    priorityClass: pc && pc !== 'none' ? pc : undefined,
    executable: c.get('LLMDBENCH_HARNESS_EXECUTABLE') ?? 'llm-d-benchmark.sh',
    resultsPrefix: (c.get('LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR_PREFIX') ?? '/requests').replace(/\/+$/, '') || '/requests',
    workspaceDir: c.get('LLMDBENCH_RUN_WORKSPACE_DIR') ?? '/workspace',
    rayonThreads: c.get('LLMDBENCH_HARNESS_INFERENCE_PERF_RAYON_NUM_THREADS') ?? '4',
    hfSecretName: c.get('LLMDBENCH_VLLM_COMMON_HF_TOKEN_NAME') ?? 'llm-d-hf-token',
    hfSecretKey: c.get('LLMDBENCH_VLLM_COMMON_HF_TOKEN_KEY') ?? 'HF_TOKEN',
    parallelism: Math.max(1, int(c.get('LLMDBENCH_HARNESS_LOAD_PARALLELISM'), 1)),
    waitTimeoutS: int(c.get('LLMDBENCH_HARNESS_WAIT_TIMEOUT'), 3600),
    readyTimeoutS: int(c.get('LLMDBENCH_CONTROL_WAIT_TIMEOUT'), 900),
    debug: c.get('LLMDBENCH_HARNESS_DEBUG') === '1',
    skip: c.get('LLMDBENCH_HARNESS_SKIP_RUN') === '1',
    dryRun: c.get('LLMDBENCH_CONTROL_DRY_RUN') === '1',
    noCleanup: c.get('LLMDBENCH_HARNESS_NO_CLEANUP') === '1',
    startBarrierS: int(c.get('LLMDBENCH_HARNESS_START_BARRIER_S'), 3),
    kubeconfig: c.get('LLMDBENCH_KUBECONFIG'),
    kubecontext: c.get('LLMDBENCH_KUBECONTEXT'),
    extraEnv: (c.get('LLMDBENCH_HARNESS_ENVVARS_TO_YAML') ?? '').split(/[,\s]+/).filter(Boolean),
    endpointUrl: c.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'),
  };
}
