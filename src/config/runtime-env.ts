/**
 * The few environment variables that are not LLMDBENCH_* but change what a run does (the
 * Hugging Face token and offline switch, the hub endpoint, the pod name upstream's harness pods
 * set). Read here once, from the environment the CLI was given, and passed down: no other
 * module reads process.env.
 */
export interface RuntimeEnv {
  /** HF_TOKEN (a secret: never printed or written). */
  hfToken?: string;
  /** HF_HUB_OFFLINE=1: never download. */
  hfHubOffline: boolean;
  /** HF_ENDPOINT, e.g. a mirror. */
  hfEndpoint?: string;
  /** POD_NAME (set inside a harness pod). */
  podName?: string;
}

export function runtimeEnv(env: Record<string, string | undefined>): RuntimeEnv {
  const nonEmpty = (k: string): string | undefined => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  const hfToken = nonEmpty('HF_TOKEN');
  const hfEndpoint = nonEmpty('HF_ENDPOINT');
  const podName = nonEmpty('POD_NAME');
  return {
    ...(hfToken ? { hfToken } : {}),
    hfHubOffline: env.HF_HUB_OFFLINE === '1',
    ...(hfEndpoint ? { hfEndpoint } : {}),
    ...(podName ? { podName } : {}),
  };
}
