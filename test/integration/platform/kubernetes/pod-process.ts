/**
 * A launcher pod that really runs: the fake kubelet's `process` behaviour calling our in-pod
 * command (runInPod) in this process, with the pod's literal env, its ConfigMap-mounted
 * profiles written under a temporary workspace, and its PVC paths mapped to the fake's host
 * directory. So a test covers executor → pod spec → in-pod run → PVC → copy-back → analysis.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { runtimeEnv } from '../../../../src/config/runtime-env.ts';
import { runInPod } from '../../../../src/platform/kubernetes/in-pod.ts';
import type { Logger } from '../../../../src/util/logger.ts';
import type { RunningPod } from '../../../helpers/fake-kube/kubelet.ts';
import type { FakeKube } from '../../../helpers/fake-kube/server.ts';

type Spec = { volumes?: Array<{ name: string; configMap?: { name: string } }>; containers: Array<{ volumeMounts?: Array<{ name: string; mountPath: string }> }> };

export function inPodProcess(kube: FakeKube, env: Record<string, string> = {}): (p: RunningPod) => Promise<number> {
  return async (p) => {
    const ws = mkdtempSync(join(tmpdir(), 'pod-ws-'));
    try {
      const spec = p.pod.spec as Spec;
      const ns = p.pod.metadata?.namespace ?? '';
      for (const m of spec.containers[0]?.volumeMounts ?? []) {
        const cm = spec.volumes?.find((v) => v.name === m.name)?.configMap?.name;
        if (!cm) continue;
        const data = (kube.getObject('ConfigMap', ns, cm)?.data ?? {}) as Record<string, string>;
        mkdirSync(join(ws, m.mountPath), { recursive: true });
        for (const [f, text] of Object.entries(data)) writeFileSync(join(ws, m.mountPath, f), text);
      }
      const results = p.hostPath(p.env.LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR ?? '')!;
      const barrier = p.env.LLMDBENCH_RUN_EXPERIMENT_START_BARRIER;
      const config = await resolveConfig({
        flags: {},
        env: {
          ...p.env,
          LLMDBENCH_RUN_WORKSPACE_DIR: join(ws, p.env.LLMDBENCH_RUN_WORKSPACE_DIR ?? '/workspace'),
          LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR: results,
          LLMDBENCH_CONTROL_WORK_DIR: results,
          LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES: '1',
          ...(barrier ? { LLMDBENCH_RUN_EXPERIMENT_START_BARRIER: p.hostPath(barrier)! } : {}),
          ...env,
        },
        cwd: process.cwd(),
      });
      const line = (lvl: string) => (m: string) => p.log(`${lvl}${m}\n`);
      const log: Logger = { level: 'info', debug: () => {}, info: line(''), warn: line('warning: '), error: line('error: ') };
      return await runInPod({ config, log, signal: new AbortController().signal, version: 'test', args: 'harness', env: runtimeEnv({}) });
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  };
}
