/**
 * Opt-in: the same flow against a real cluster. Skipped (visibly) unless
 * LLMDBENCH_TEST_KUBECONFIG names a kubeconfig; also reads LLMDBENCH_TEST_NAMESPACE (default
 * llmdbench-test), LLMDBENCH_TEST_ENDPOINT (the stack, e.g. our simulator's Service URL),
 * LLMDBENCH_TEST_MODEL (default facebook/opt-125m) and LLMDBENCH_TEST_IMAGE_* for the launcher.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../../../src/config/resolve.ts';
import { runtimeEnv } from '../../../../src/config/runtime-env.ts';
import { buildPlan } from '../../../../src/plan/build.ts';
import { kubernetesPlatform } from '../../../../src/platform/kubernetes/executor.ts';
import { createLogger } from '../../../../src/util/logger.ts';
import { harnesses } from '../../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

const kubeconfig = process.env.LLMDBENCH_TEST_KUBECONFIG;

test('real cluster: -j 2 against LLMDBENCH_TEST_ENDPOINT, results copied back and verified', { skip: kubeconfig ? false : 'set LLMDBENCH_TEST_KUBECONFIG (and LLMDBENCH_TEST_ENDPOINT, LLMDBENCH_TEST_IMAGE_*) to run against a real cluster', timeout: 15 * 60_000 }, async () => {
  const e = process.env;
  const workDir = mkdtempSync(join(tmpdir(), 'k8s-real-'));
  const ns = e.LLMDBENCH_TEST_NAMESPACE ?? 'llmdbench-test';
  const config = await resolveConfig({
    flags: {
      LLMDBENCH_KUBECONFIG: kubeconfig!,
      LLMDBENCH_VLLM_COMMON_NAMESPACE: ns,
      LLMDBENCH_HARNESS_NAMESPACE: ns,
      LLMDBENCH_CONTROL_WORK_DIR: workDir,
      LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2',
      LLMDBENCH_HARNESS_CPU_NR: '1',
      LLMDBENCH_HARNESS_CPU_MEM: '1Gi',
      LLMDBENCH_DEPLOY_MODEL_LIST: e.LLMDBENCH_TEST_MODEL ?? 'facebook/opt-125m',
      LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'duration=10,rate=2',
      ...(e.LLMDBENCH_TEST_ENDPOINT ? { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: e.LLMDBENCH_TEST_ENDPOINT } : { LLMDBENCH_DEPLOY_METHODS: 'llmdbench-sim' }),
      ...Object.fromEntries(['REGISTRY', 'REPO', 'NAME', 'TAG'].flatMap((k) => (e[`LLMDBENCH_TEST_IMAGE_${k}`] ? [[`LLMDBENCH_IMAGE_${k}`, e[`LLMDBENCH_TEST_IMAGE_${k}`]!]] : []))),
    },
    env: {},
    cwd: process.cwd(),
  });
  const plan = buildPlan({ config, cwd: process.cwd(), workDir });
  const out = await kubernetesPlatform.execute(plan, {
    log: createLogger('info'),
    signal: new AbortController().signal,
    args: '',
    version: 'test',
    env: runtimeEnv({}),
  });
  assert.equal(out.units.length, 2);
  for (const u of out.units) {
    assert.equal(u.complete, true, u.error);
    assert.ok(existsSync(join(u.resultsDir, 'run_metadata.yaml')));
    assert.ok(existsSync(join(u.analysisDir, 'summary.json')));
  }
});
