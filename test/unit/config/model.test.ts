import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelAttributes, modelIdFor, stackNameFor, stackTypeFor, envVarListToPodFor } from '../../../src/config/model.ts';
import { configForModel, methodsOf, modelsOf } from '../../../src/config/per-model.ts';
import { resolveConfig } from '../../../src/config/resolve.ts';
import { cleanEnv, tempDir } from './helpers.ts';

test('stack names follow upstream model_attribute', () => {
  assert.equal(stackNameFor('modelservice', 'facebook/opt-125m'), 'llm-d-125m-opt');
  assert.equal(stackNameFor('modelservice', 'meta-llama/Llama-3.2-1B-Instruct'), 'llm-d-1b-instruct');
  assert.equal(stackNameFor('standalone', 'meta-llama/Llama-3.2-1B-Instruct'), 'standalone-1b-instruct');
  assert.equal(stackNameFor('vllm-svc', 'facebook/opt-125m'), 'vllm-svc-125m-opt');
  // qwen → qwen-, no type keyword → base; the last size-like component wins.
  assert.equal(stackNameFor('modelservice', 'Qwen/Qwen3-32B'), 'llm-d-32b-base');
  assert.equal(stackNameFor('modelservice', 'ibm-ai-platform/micro-g3.3-8b-instruct-1b'), 'llm-d-1b-instruct');
  assert.equal(stackNameFor('modelservice', 'RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic'), 'llm-d-70b-instruct');
  assert.equal(stackNameFor('modelservice', 'ibm-granite/granite-vision-3.3-2b'), 'llm-d-2b-vision');
  // "A3B": the first `a` is removed.
  assert.equal(modelAttributes('Qwen/Qwen3-30B-A3B').parameters, '3b');
  // No size in the name: the part is left out rather than leaving `--`.
  assert.equal(stackNameFor('modelservice', 'auto'), 'llm-d-base');
});

test('model ids: part after ":", / and . become -, lowercased', () => {
  assert.equal(modelIdFor('meta-llama/Llama-3.2-1B-Instruct'), 'meta-llama-llama-3-2-1b-instruct');
  assert.equal(modelIdFor('hf:facebook/opt-125m'), 'facebook-opt-125m');
});

test('stack type and pod variable regex by method', () => {
  assert.equal(stackTypeFor('modelservice'), 'llm-d');
  assert.equal(stackTypeFor('standalone'), 'vllm-prod');
  assert.equal(stackTypeFor('my-service'), 'vllm-prod');
  assert.match(envVarListToPodFor('modelservice'), /\^LLMDBENCH_VLLM_MODELSERVICE/);
  assert.doesNotMatch(envVarListToPodFor('modelservice'), /STANDALONE/);
  assert.match(envVarListToPodFor('standalone'), /\^LLMDBENCH_VLLM_STANDALONE/);
  assert.match(envVarListToPodFor('svc'), /\^LLMDBENCH_VLLM_COMMON_NAMESPACE\|\^LLMDBENCH_DEPLOY_CURRENT/);
});

test('configForModel sets the per-model variables and keeps the rest', async () => {
  const dir = tempDir();
  const base = await resolveConfig({
    flags: { LLMDBENCH_DEPLOY_MODEL_LIST: 'facebook/opt-125m, meta-llama/Llama-3.2-1B-Instruct', LLMDBENCH_DEPLOY_METHODS: 'standalone,modelservice' },
    env: cleanEnv(dir),
    cwd: dir,
  });
  assert.deepEqual(modelsOf(base), ['facebook/opt-125m', 'meta-llama/Llama-3.2-1B-Instruct']);
  assert.deepEqual(methodsOf(base), ['standalone', 'modelservice']);
  assert.equal(base.get('LLMDBENCH_CONTROL_ENVIRONMENT_TYPE_STANDALONE_ACTIVE'), '1');
  assert.equal(base.get('LLMDBENCH_CONTROL_ENVIRONMENT_TYPE_MODELSERVICE_ACTIVE'), '1');
  const c = configForModel(base, 'facebook/opt-125m', 'modelservice');
  assert.equal(c.get('LLMDBENCH_DEPLOY_CURRENT_MODEL'), 'facebook/opt-125m');
  assert.equal(c.get('LLMDBENCH_DEPLOY_CURRENT_MODELID'), 'facebook-opt-125m');
  assert.equal(c.get('LLMDBENCH_DEPLOY_CURRENT_TOKENIZER'), 'facebook/opt-125m');
  assert.equal(c.get('LLMDBENCH_HARNESS_STACK_NAME'), 'llm-d-125m-opt');
  assert.equal(c.get('LLMDBENCH_HARNESS_STACK_TYPE'), 'llm-d');
  assert.equal(c.entry('LLMDBENCH_HARNESS_STACK_NAME')?.source, 'derived');
  assert.equal(c.get('LLMDBENCH_HARNESS_NAME'), 'inference-perf');
  // Default method: the first one listed.
  assert.equal(configForModel(base, 'facebook/opt-125m').get('LLMDBENCH_HARNESS_STACK_NAME'), 'standalone-125m-opt');
  // The input is not changed.
  assert.equal(base.get('LLMDBENCH_DEPLOY_CURRENT_MODEL'), undefined);
});

test('model and method lists: commas (and spaces, as upstream loops over words), empty items dropped', async () => {
  const dir = tempDir();
  const c = await resolveConfig({ flags: { LLMDBENCH_DEPLOY_MODEL_LIST: 'a/b,, c/d e/f,', LLMDBENCH_DEPLOY_METHODS: 'standalone, svc' }, env: cleanEnv(dir), cwd: dir });
  assert.deepEqual(modelsOf(c), ['a/b', 'c/d', 'e/f']);
  assert.deepEqual(methodsOf(c), ['standalone', 'svc']);
});

test('the per-model maximum context length comes from the stack value a scenario sets, unless set itself', async () => {
  const dir = tempDir();
  const none = await resolveConfig({ flags: {}, env: cleanEnv(dir), cwd: dir });
  assert.equal(configForModel(none, 'facebook/opt-125m').get('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN'), undefined);
  const stack = await resolveConfig({ flags: {}, env: { ...cleanEnv(dir), LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN: '16000' }, cwd: dir });
  const c = configForModel(stack, 'facebook/opt-125m');
  assert.equal(c.get('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN'), '16000');
  assert.equal(c.entry('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN')?.source, 'derived');
  const own = await resolveConfig({
    flags: {},
    env: { ...cleanEnv(dir), LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN: '16000', LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN: '8192' },
    cwd: dir,
  });
  assert.equal(configForModel(own, 'facebook/opt-125m').get('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN'), '8192');
});
