/**
 * Where the vLLM log comes from: a local file, stdin (`-`), a URL (plain HTTP GET), or — on
 * Kubernetes — the standalone vLLM pod's log. The pod-log access is an interface here (a harness
 * does not import the platform): the Kubernetes platform implements it
 * (src/platform/kubernetes/vllm-pod.ts: service → deployment → pod as spec §5.2, ClusterIP lookup
 * as §5.8) over the cluster client its executor uses, and hands `podLogSource(...)` as `serverLog`.
 */
import { existsSync, statSync } from 'node:fs';
import { LlmdbenchError } from '../../util/errors.ts';
import { fileLogReader, type ServerLogReader } from '../server-log.ts';

/** A vLLM log source is the platform-neutral server-log reader. */
export type VllmLogSource = ServerLogReader;

/**
 * What the Kubernetes platform implements to build its `serverLog` reader (with podLogSource):
 * the pod behind the stack endpoint and its log.
 */
export interface KubernetesPodLogAccess {
  /** The standalone vLLM pod (and its first container) serving `endpointUrl`, or undefined. */
  findVllmPod(endpointUrl: string): Promise<{ namespace: string; pod: string; container: string; image: string } | undefined>;
  readPodLog(namespace: string, pod: string, container: string, signal?: AbortSignal): Promise<Buffer>;
}

export const fileSource = fileLogReader;

export function stdinSource(stdin: NodeJS.ReadableStream = process.stdin): VllmLogSource {
  let cached: Promise<Buffer> | undefined;
  return {
    description: 'stdin',
    rereadable: false,
    read: () =>
      (cached ??= new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        stdin.on('data', (b: Buffer | string) => parts.push(typeof b === 'string' ? Buffer.from(b) : b));
        stdin.on('end', () => resolve(Buffer.concat(parts)));
        stdin.on('error', reject);
      })),
  };
}

export function urlSource(url: string, timeoutMs = 60_000): VllmLogSource {
  return {
    description: url,
    rereadable: true,
    async read(signal) {
      const { request } = await import('undici');
      const res = await request(url, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(signal ? { signal } : {}) });
      const body = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
      return body;
    },
  };
}

export function podLogSource(k: KubernetesPodLogAccess, pod: { namespace: string; pod: string; container: string }): VllmLogSource {
  return {
    description: `pod ${pod.namespace}/${pod.pod} container ${pod.container}`,
    rereadable: true,
    read: (signal) => k.readPodLog(pod.namespace, pod.pod, pod.container, signal),
  };
}

/** `--vllm-log` value: `-` (stdin), an http(s) URL, or a file that must exist. */
export function sourceFromSpec(spec: string): VllmLogSource {
  if (spec === '-') return stdinSource();
  if (/^https?:\/\//i.test(spec)) return urlSource(spec);
  checkLogFile(spec);
  return fileSource(spec);
}

export function checkLogFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LlmdbenchError('E_NOP_LOG', `vLLM log file "${path}" not found`, {
      hint: '--vllm-log (LLMDBENCH_HARNESS_NOP_VLLM_LOG) takes a file, an http(s) URL, or - for stdin',
    });
  }
}
