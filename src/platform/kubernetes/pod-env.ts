/**
 * The launcher pod's environment, as upstream's create_harness_pod + add_env_vars_to_pod pass
 * it (llm-d-benchmark-run.md §2.7-2.8): fixed launcher variables first, then every configured
 * variable whose name matches the method's regex (LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD, with
 * -g names in front), sorted, then the per-pod values, RAYON_NUM_THREADS, the HF token by
 * secretKeyRef and the downward-API names. Secret values are never written inline: a
 * variable the catalog marks secret is left out (the token reaches the pod from its Secret).
 */
import type { V1EnvVar } from '@kubernetes/client-node';
import type { EffectiveConfig } from '../../config/types.ts';
import type { KubeSettings } from './settings.ts';

/** Never passed (upstream's exclusions). */
const EXCLUDED = new Set([
  'LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD',
  'LLMDBENCH_HARNESS_STACK_ENDPOINT_INFO',
  'LLMDBENCH_VLLM_STANDALONE_PREPROCESS',
  'LLMDBENCH_VLLM_COMMON_PREPROCESS',
  'LLMDBENCH_VLLM_DECODE_PREPROCESS',
  'LLMDBENCH_VLLM_PREFILL_PREPROCESS',
  'LLMDBENCH_HARNESS_INFERENCE_PERF_RAYON_NUM_THREADS',
]);

/** The regex of names passed: `^A|^B|` (the -g list) + the method's list. Matched against names only. */
export function envRegex(config: EffectiveConfig, extra: readonly string[]): RegExp {
  const method = config.get('LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD') ?? '^LLMDBENCH_HARNESS|^LLMDBENCH_RUN|^LLMDBENCH_DEPLOY_CURRENT';
  const g = extra.map((e) => `^${e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return new RegExp([...g, method].join('|'));
}

export interface PodEnvInput {
  config: EffectiveConfig;
  settings: KubeSettings;
  /** Values this pod must see whatever the configuration says (results dir, experiment id...). */
  perPod: Record<string, string>;
}

/** `{\s}`, REPLACE_ENV or a newline in a value: base64, as upstream (the pod's entrypoint decodes). */
function podValue(v: string): string {
  return v.includes('REPLACE_ENV') || v.includes('{\\s}') || v.includes('\n') ? Buffer.from(v).toString('base64') : v;
}

export function launcherEnv({ config, settings, perPod }: PodEnvInput): V1EnvVar[] {
  const fixed: V1EnvVar[] = [
    { name: 'LLMDBENCH_RUN_EXPERIMENT_LAUNCHER', value: '1' },
    { name: 'LLMDBENCH_RUN_WORKSPACE_DIR', value: settings.workspaceDir },
    { name: 'LLMDBENCH_CONTROL_WORK_DIR', value: perPod.LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR ?? '' },
    { name: 'LLMDBENCH_MAGIC_ENVAR', value: 'harness_pod' },
    { name: 'TZ', value: 'UTC' },
  ];
  const taken = new Set(fixed.map((e) => e.name));
  const re = envRegex(config, settings.extraEnv);
  const values = new Map<string, string>();
  for (const e of config.entries()) {
    if (e.secret || EXCLUDED.has(e.name) || taken.has(e.name) || e.value === '' || !re.test(e.name)) continue;
    values.set(e.name, e.value);
  }
  for (const [k, v] of Object.entries(perPod)) if (!taken.has(k)) values.set(k, v);
  const passed = [...values.keys()].sort().map((name): V1EnvVar => ({ name, value: podValue(values.get(name)!) }));
  const secretRef = (name: string): V1EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: settings.hfSecretName, key: settings.hfSecretKey, optional: true } },
  });
  return [
    ...fixed,
    ...passed,
    { name: 'RAYON_NUM_THREADS', value: settings.rayonThreads },
    { name: 'HF_TOKEN_SECRET', value: settings.hfSecretName },
    secretRef('HF_TOKEN'),
    secretRef('HUGGING_FACE_HUB_TOKEN'),
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
  ];
}
