import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../../src/config/resolve.ts';
import { VARIABLES } from '../../../src/config/variables.ts';
import { isLlmdbenchError } from '../../../src/util/errors.ts';
import { cleanEnv, tempDir, writeFiles } from './helpers.ts';

const NAME = 'LLMDBENCH_HARNESS_NAME';

async function resolveWith(layers: { flag?: string; scenario?: string; env?: string }) {
  const dir = tempDir();
  const env = cleanEnv(dir, layers.env ? { [NAME]: layers.env } : {});
  const flags: Record<string, string> = {};
  if (layers.flag) flags[NAME] = layers.flag;
  if (layers.scenario) {
    writeFiles(dir, { 's.sh': `export ${NAME}=${layers.scenario}\n` });
    flags.LLMDBENCH_DEPLOY_SCENARIO = join(dir, 's.sh');
  }
  return resolveConfig({ flags, env, cwd: dir, nowS: 1711800000 });
}

test('built-in default when nothing else sets a value', async () => {
  const c = await resolveWith({});
  assert.equal(c.get(NAME), 'inference-perf');
  assert.equal(c.entry(NAME)?.source, 'default');
});

test('env beats default', async () => {
  const c = await resolveWith({ env: 'guidellm' });
  assert.deepEqual([c.get(NAME), c.entry(NAME)?.source], ['guidellm', 'env']);
});

test('scenario beats env and default', async () => {
  const c = await resolveWith({ env: 'guidellm', scenario: 'nop' });
  assert.deepEqual([c.get(NAME), c.entry(NAME)?.source], ['nop', 'scenario']);
  const d = await resolveWith({ scenario: 'nop' });
  assert.deepEqual([d.get(NAME), d.entry(NAME)?.source], ['nop', 'scenario']);
});

test('flag beats scenario, env and default', async () => {
  for (const layers of [{ scenario: 'nop' }, { env: 'guidellm' }, {}, { env: 'guidellm', scenario: 'nop' }]) {
    const c = await resolveWith({ ...layers, flag: 'fmperf' });
    assert.deepEqual([c.get(NAME), c.entry(NAME)?.source], ['fmperf', 'flag'], JSON.stringify(layers));
  }
});

test('empty env and empty flag values count as unset (upstream ${VAR:-default})', async () => {
  const dir = tempDir();
  const c = await resolveConfig({ flags: { [NAME]: '' }, env: cleanEnv(dir, { [NAME]: '' }), cwd: dir });
  assert.deepEqual([c.get(NAME), c.entry(NAME)?.source], ['inference-perf', 'default']);
});

test('default model is meta-llama/Llama-3.2-1B-Instruct; upstream defaults for the other run variables', async () => {
  const dir = tempDir();
  const c = await resolveConfig({ env: cleanEnv(dir), cwd: dir, nowS: 1711800000 });
  const expected: Record<string, string> = {
    LLMDBENCH_DEPLOY_MODEL_LIST: 'meta-llama/Llama-3.2-1B-Instruct',
    LLMDBENCH_DEPLOY_METHODS: 'modelservice',
    LLMDBENCH_VLLM_COMMON_NAMESPACE: 'llmdbench',
    LLMDBENCH_HARNESS_NAMESPACE: 'llmdbench',
    LLMDBENCH_WVA_NAMESPACE: 'llmdbench',
    LLMDBENCH_HARNESS_NAME: 'inference-perf',
    LLMDBENCH_HARNESS_EXPERIMENT_PROFILE: 'sanity_random.yaml',
    LLMDBENCH_HARNESS_PVC_NAME: 'workload-pvc',
    LLMDBENCH_HARNESS_PVC_SIZE: '20Gi',
    LLMDBENCH_HARNESS_OUTPUT: 'local',
    LLMDBENCH_HARNESS_LOAD_PARALLELISM: '1',
    LLMDBENCH_HARNESS_WAIT_TIMEOUT: '3600',
    LLMDBENCH_HARNESS_ENVVARS_TO_YAML: 'LLMDBENCH_RUN_EXPERIMENT',
    LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT: 'default',
    LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'false',
    LLMDBENCH_HARNESS_CPU_NR: '16',
    LLMDBENCH_HARNESS_CPU_MEM: '32Gi',
    LLMDBENCH_HARNESS_EXECUTABLE: 'llm-d-benchmark.sh',
    LLMDBENCH_HARNESS_POD_LABEL: 'llmdbench-harness-launcher',
    LLMDBENCH_HARNESS_INFERENCE_PERF_RAYON_NUM_THREADS: '4',
    LLMDBENCH_HARNESS_CONDA_ENV_NAME: 'inference-perf-env',
    LLMDBENCH_RUN_EXPERIMENT_ID: '1711800000',
    LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR_PREFIX: '/requests',
    LLMDBENCH_RUN_EXPERIMENT_ANALYZE_LOCALLY: '0',
    LLMDBENCH_RUN_WORKSPACE_DIR: '/workspace',
    LLMDBENCH_RUN_DATASET_DIR: '/workspace',
    LLMDBENCH_RUN_DATASET_FILE: 'NONE',
    LLMDBENCH_CONTROL_WAIT_TIMEOUT: '900',
    LLMDBENCH_VLLM_COMMON_FQDN: '.svc.cluster.local',
    LLMDBENCH_VLLM_COMMON_HF_TOKEN_NAME: 'llm-d-hf-token',
    LLMDBENCH_VLLM_COMMON_HF_TOKEN_KEY: 'HF_TOKEN',
    LLMDBENCH_VLLM_COMMON_PVC_STORAGE_CLASS: 'default',
    LLMDBENCH_VLLM_COMMON_PVC_ACCESS_MODE: 'ReadWriteMany',
    LLMDBENCH_VLLM_COMMON_PRIORITY_CLASS_NAME: 'none',
    LLMDBENCH_IMAGE_REGISTRY: 'ghcr.io',
    LLMDBENCH_IMAGE_REPO: 'llm-d',
    LLMDBENCH_IMAGE_NAME: 'llm-d-benchmark',
    LLMDBENCH_IMAGE_TAG: 'auto',
    LLMDBENCH_CONTROL_DRY_RUN: '0',
    LLMDBENCH_CONTROL_VERBOSE: '0',
    LLMDBENCH_HARNESS_DEBUG: '0',
    LLMDBENCH_WVA_ENABLED: '0',
  };
  for (const [k, v] of Object.entries(expected)) assert.equal(c.get(k), v, k);
  // No default: empty means "embedded simulator" / "make a new work dir".
  assert.equal(c.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'), undefined);
  assert.equal(c.get('LLMDBENCH_CONTROL_WORK_DIR'), undefined);
  assert.match(c.get('LLMDBENCH_HARNESS_PROFILES_DIR') ?? '', /\/workload\/profiles$/);
});

test('derived values follow the final values of what they derive from', async () => {
  const dir = tempDir();
  const c = await resolveConfig({
    flags: { LLMDBENCH_VLLM_COMMON_NAMESPACE: 'stack', LLMDBENCH_RUN_DATASET_URL: 'https://example.invalid/d/ShareGPT_V3.json' },
    env: cleanEnv(dir, { LLMDBENCH_WORKSPACE_DIR: '/ws', LLMDBENCH_HARNESS_NAME: 'guidellm' }),
    cwd: dir,
  });
  assert.deepEqual([c.get('LLMDBENCH_WVA_NAMESPACE'), c.entry('LLMDBENCH_WVA_NAMESPACE')?.source], ['stack', 'derived']);
  assert.deepEqual([c.get('LLMDBENCH_RUN_DATASET_FILE'), c.entry('LLMDBENCH_RUN_DATASET_FILE')?.source], ['ShareGPT_V3.json', 'derived']);
  assert.equal(c.get('LLMDBENCH_RUN_WORKSPACE_DIR'), '/ws');
  assert.equal(c.get('LLMDBENCH_RUN_DATASET_DIR'), '/ws');
  assert.equal(c.get('LLMDBENCH_HARNESS_CONDA_ENV_NAME'), 'guidellm-env');
  // An explicit value of a derivable variable wins over the derivation.
  const d = await resolveConfig({ env: cleanEnv(dir, { LLMDBENCH_RUN_DATASET_FILE: 'x.json' }), cwd: dir });
  assert.deepEqual([d.get('LLMDBENCH_RUN_DATASET_FILE'), d.entry('LLMDBENCH_RUN_DATASET_FILE')?.source], ['x.json', 'env']);
});

test('experiment id defaults to epoch seconds at resolve time', async () => {
  const dir = tempDir();
  const before = Math.floor(Date.now() / 1000);
  const c = await resolveConfig({ env: cleanEnv(dir), cwd: dir });
  const id = Number(c.get('LLMDBENCH_RUN_EXPERIMENT_ID'));
  assert.ok(id >= before && id <= Math.floor(Date.now() / 1000) + 1, String(id));
  assert.equal(c.entry('LLMDBENCH_RUN_EXPERIMENT_ID')?.source, 'derived');
});

test('unknown LLMDBENCH_* variables from env and scenario are kept and listed', async () => {
  const dir = tempDir();
  writeFiles(dir, { 's.sh': 'export LLMDBENCH_VLLM_COMMON_REPLICAS=3\n' });
  const c = await resolveConfig({
    flags: { LLMDBENCH_DEPLOY_SCENARIO: join(dir, 's.sh') },
    env: cleanEnv(dir, { LLMDBENCH_MY_OWN_THING: 'x', OTHER_VAR: 'not kept' }),
    cwd: dir,
  });
  assert.equal(c.get('LLMDBENCH_MY_OWN_THING'), 'x');
  assert.equal(c.entry('LLMDBENCH_VLLM_COMMON_REPLICAS')?.source, 'scenario');
  assert.deepEqual(c.unknownVars, ['LLMDBENCH_MY_OWN_THING', 'LLMDBENCH_VLLM_COMMON_REPLICAS']);
  assert.equal(c.entry('OTHER_VAR'), undefined);
  assert.equal(c.scenarioPath, join(dir, 's.sh'));
});

test('bad numbers from the environment or a scenario are errors naming the source', async () => {
  const dir = tempDir();
  await assert.rejects(
    resolveConfig({ env: cleanEnv(dir, { LLMDBENCH_HARNESS_LOAD_PARALLELISM: 'two' }), cwd: dir }),
    (e: unknown) => isLlmdbenchError(e) && e.code === 'E_CONFIG_VALUE' && e.details.some((d) => d.includes('LLMDBENCH_HARNESS_LOAD_PARALLELISM=two (from the environment)')),
  );
  writeFiles(dir, { 'w.sh': 'export LLMDBENCH_HARNESS_WAIT_TIMEOUT=-5\n' });
  await assert.rejects(
    resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: join(dir, 'w.sh') }, env: cleanEnv(dir), cwd: dir }),
    (e: unknown) => isLlmdbenchError(e) && e.location?.file === join(dir, 'w.sh') && e.details.some((d) => d.includes('from scenario')),
  );
});

test('every catalog variable has a description and a unique name', () => {
  const names = new Set<string>();
  for (const v of VARIABLES) {
    assert.ok(v.description.length > 10, v.name);
    assert.ok(!names.has(v.name), `duplicate ${v.name}`);
    names.add(v.name);
    assert.match(v.name, /^LLMDBENCH_[A-Z0-9_]+$/);
  }
});

test('the endpoint from env is checked and loses its trailing slash like the flag', async () => {
  const dir = tempDir();
  const c = await resolveConfig({ env: cleanEnv(dir, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:9000/' }), cwd: dir });
  assert.deepEqual([c.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'), c.entry('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL')?.source], ['http://127.0.0.1:9000', 'env']);
  await assert.rejects(
    resolveConfig({ env: cleanEnv(dir, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:9000/v1' }), cwd: dir }),
    (e: unknown) => isLlmdbenchError(e) && e.code === 'E_CONFIG_VALUE',
  );
});
