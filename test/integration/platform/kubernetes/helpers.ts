/** Run the Kubernetes executor in-process against a fake API server, with a capturing logger. */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { runtimeEnv } from '../../../../src/config/runtime-env.ts';
import { buildPlan } from '../../../../src/plan/build.ts';
import type { RunPlan } from '../../../../src/plan/types.ts';
import { kubernetesPlatform } from '../../../../src/platform/kubernetes/executor.ts';
import type { RunOutcome } from '../../../../src/platform/types.ts';
import type { Logger } from '../../../../src/util/logger.ts';
import type { FakeKube } from '../../../helpers/fake-kube/server.ts';
import { harnesses } from '../../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

export interface K8sRun {
  out?: RunOutcome;
  error?: Error;
  lines: string[];
  plan: RunPlan;
  workDir: string;
}

export async function runOnFake(kube: FakeKube, flags: Record<string, string>, opts: { signal?: AbortSignal; workDir?: string } = {}): Promise<K8sRun> {
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'k8s-run-'));
  const config = await resolveConfig({
    flags: {
      LLMDBENCH_KUBECONFIG: kube.kubeconfigFile(),
      LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns1',
      LLMDBENCH_HARNESS_NAMESPACE: 'ns1',
      LLMDBENCH_CONTROL_WORK_DIR: workDir,
      LLMDBENCH_CONTROL_WAIT_TIMEOUT: '10',
      LLMDBENCH_HARNESS_WAIT_TIMEOUT: '20',
      LLMDBENCH_HARNESS_START_BARRIER_S: '0',
      ...flags,
    },
    env: {},
    cwd: process.cwd(),
    nowS: 1711800000,
  });
  const plan = buildPlan({ config, cwd: process.cwd(), workDir });
  const lines: string[] = [];
  const log: Logger = {
    level: 'debug',
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
  const run: K8sRun = { lines, plan, workDir };
  try {
    run.out = await kubernetesPlatform.execute(plan, {
      log,
      signal: opts.signal ?? new AbortController().signal,
      args: '-p ns1',
      version: 'test',
      env: runtimeEnv({}),
    });
  } catch (e) {
    run.error = e as Error;
  }
  return run;
}

/** Every file under dir: relative path → contents. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
