import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedSimulatorHint } from '../../../src/config/early.ts';

describe('embeddedSimulatorHint (config/early.ts)', () => {
  it('hints the default model when nothing names an endpoint or a cluster', () => {
    assert.deepEqual(embeddedSimulatorHint({}, {}), { model: 'meta-llama/Llama-3.2-1B-Instruct' });
  });

  it('takes the first model of -m, else of LLMDBENCH_DEPLOY_MODEL_LIST', () => {
    assert.deepEqual(embeddedSimulatorHint({ models: 'a/b, c/d' }, { LLMDBENCH_DEPLOY_MODEL_LIST: 'x/y' }), { model: 'a/b' });
    assert.deepEqual(embeddedSimulatorHint({}, { LLMDBENCH_DEPLOY_MODEL_LIST: ' x/y z/w' }), { model: 'x/y' });
  });

  it('gives no hint when a flag or variable names an endpoint, a cluster, a dry run or -z', () => {
    for (const flags of [{ endpoint: 'http://h:1' }, { endpointUrl: 'http://h:1' }, { namespace: 'ns' }, { methods: 'standalone' }, { executor: 'kubernetes' }, { dryRun: true }, { skip: true }]) {
      assert.equal(embeddedSimulatorHint(flags, {}), undefined, JSON.stringify(flags));
    }
    for (const [k, v] of [
      ['LLMDBENCH_HARNESS_STACK_ENDPOINT_URL', 'http://h:1'],
      ['LLMDBENCH_VLLM_COMMON_NAMESPACE', 'ns'],
      ['LLMDBENCH_DEPLOY_METHODS', 'modelservice'],
      ['LLMDBENCH_CONTROL_EXECUTOR', 'kubernetes'],
      ['LLMDBENCH_CONTROL_DRY_RUN', '1'],
      ['LLMDBENCH_HARNESS_SKIP_RUN', 'true'],
    ]) {
      assert.equal(embeddedSimulatorHint({}, { [k as string]: v }), undefined, k);
    }
  });

  it('still hints with --executor local, empty variables and switches set to 0 / false', () => {
    assert.ok(embeddedSimulatorHint({ executor: 'local' }, { LLMDBENCH_CONTROL_EXECUTOR: 'kubernetes' }));
    assert.ok(embeddedSimulatorHint({}, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: '', LLMDBENCH_CONTROL_DRY_RUN: '0', LLMDBENCH_HARNESS_SKIP_RUN: 'false' }));
  });
});
