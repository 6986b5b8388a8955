/**
 * `-f` on Kubernetes, the logs half (upstream's capture_pod_logs, llm-d-benchmark-run.md §2.10):
 * at the end of a unit, from the user's machine, into every result directory of the unit:
 * `pod_status.txt` (the stack namespace's pods, as `kubectl get pods -o wide`),
 * `logs/modelserving_pods.log` (the serving pods behind the endpoint, serving-pods.ts),
 * `logs/epp_pods.log` (pods labelled `inferencepool`), `logs/igw_pods.log`
 * (`app.kubernetes.io/component=inference-gateway`), each line prefixed `[pod/<pod>/<container>]`
 * as `kubectl logs --prefix` does, and `logs/launcher.log` (that result directory's launcher pod).
 * Needs `list pods` and `get pods/log` in the stack namespace. Secret values the configuration
 * holds, Hugging Face tokens and bearer tokens are masked before anything is written. A refused
 * or failed read is a warning, never a failed run. Each container's log is bounded (its first
 * 32 MiB, the API server's limitBytes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectiveConfig } from '../../config/types.ts';
import type { Logger } from '../../util/logger.ts';
import type { Cluster, KubeObject } from './cluster.ts';
import type { ServingPod } from './serving-pods.ts';

/** Per container (the API server's limitBytes: the first bytes of the log, start-up included). */
export const LOG_LIMIT_BYTES = 32 * 1024 * 1024;

/** Known secret values (≥ 8 characters) and token shapes replaced by `***`. */
export function redactor(config: EffectiveConfig): (text: string) => string {
  const values = config
    .entries()
    .filter((e) => e.secret && e.value.length >= 8)
    .map((e) => e.value);
  return (text) => {
    let t = text;
    for (const v of values) t = t.split(v).join('***');
    return t
      .replace(/\bhf_[A-Za-z0-9]{8,}\b/g, '***')
      .replace(/(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***')
      .replace(/((?:token|api[_-]?key|password|secret)["']?\s*[=:]\s*["']?)[^\s"',}]{8,}/gi, '$1***');
  };
}

type PodLike = { name: string; namespace: string; containers: string[] };

function podLike(p: KubeObject): PodLike {
  return {
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? '',
    containers: ((p.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name),
  };
}

/** `kubectl get pods -o wide`, the columns that matter. */
export function podStatusTable(pods: readonly KubeObject[]): string {
  const rows = [['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE']];
  for (const p of pods) {
    const st = (p.status ?? {}) as { phase?: string; podIP?: string; containerStatuses?: Array<{ ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }> };
    const cs = st.containerStatuses ?? [];
    const reason = cs.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).find(Boolean);
    rows.push([
      p.metadata?.name ?? '',
      `${cs.filter((c) => c.ready).length}/${cs.length || ((p.spec as { containers?: unknown[] } | undefined)?.containers?.length ?? 0)}`,
      reason ?? st.phase ?? 'Unknown',
      String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
      st.podIP ?? '<none>',
      (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '<none>',
    ]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('   ').trimEnd()).join('\n')}\n`;
}

export interface StackLogInput {
  cluster: Cluster;
  config: EffectiveConfig;
  stackNamespace: string;
  harnessNamespace: string;
  serving: readonly ServingPod[];
  /** Launcher pod name per result directory (same order). */
  launchers: readonly string[];
  resultsDirs: readonly string[];
  log: Logger;
}

export async function captureStackLogs(o: StackLogInput): Promise<void> {
  const redact = redactor(o.config);
  const warned = new Set<string>();
  const warn = (m: string): void => {
    if (!warned.has(m)) o.log.warn(`-f: ${m}`);
    warned.add(m);
  };
  const podsLog = async (pods: readonly PodLike[]): Promise<string> => {
    let out = '';
    for (const p of pods) {
      for (const c of p.containers) {
        try {
          const text = await o.cluster.logs(p.namespace, p.name, { container: c, limitBytes: LOG_LIMIT_BYTES });
          const prefix = `[pod/${p.name}/${c}] `;
          out += text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1).map((l) => prefix + l).join('\n') + (text ? '\n' : '');
        } catch (e) {
          warn(`log of pod ${p.namespace}/${p.name} container ${c} not captured: ${(e as Error).message}`);
        }
      }
    }
    return redact(out);
  };
  const listed = async (labelSelector?: string): Promise<KubeObject[]> => {
    try {
      return await o.cluster.list('Pod', o.stackNamespace, labelSelector ? { labelSelector } : {});
    } catch (e) {
      warn(`pods of namespace ${o.stackNamespace} not listed: ${(e as Error).message}`);
      return [];
    }
  };
  const all = await listed();
  const files: Record<string, string> = { 'pod_status.txt': podStatusTable(all) };
  files['logs/modelserving_pods.log'] = await podsLog(o.serving);
  const epp = await podsLog((await listed('inferencepool')).map(podLike));
  if (epp) files['logs/epp_pods.log'] = epp;
  const igw = await podsLog((await listed('app.kubernetes.io/component=inference-gateway')).map(podLike));
  if (igw) files['logs/igw_pods.log'] = igw;
  for (let i = 0; i < o.resultsDirs.length; i++) {
    const dir = o.resultsDirs[i]!;
    const launcher = o.launchers[i];
    const own = launcher ? await podsLog([{ name: launcher, namespace: o.harnessNamespace, containers: ['harness'] }]) : '';
    try {
      mkdirSync(join(dir, 'logs'), { recursive: true });
      for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
      if (own) writeFileSync(join(dir, 'logs', 'launcher.log'), own);
    } catch (e) {
      warn(`stack logs not written to ${dir}: ${(e as Error).message}`);
    }
  }
  o.log.info(`-f: stack logs of ${o.serving.length} serving pod(s)${epp ? ', EPP' : ''}${igw ? ', gateway' : ''} and the launcher log(s) written to logs/ of each result directory`);
}
