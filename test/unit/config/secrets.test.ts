import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretName, maskValue } from '../../../src/config/secrets.ts';

test('credential-like names are secret; names of secrets and the tokenizer are not', () => {
  for (const n of ['LLMDBENCH_HF_TOKEN', 'HF_TOKEN', 'LLMDBENCH_MY_API_KEY', 'LLMDBENCH_DB_PASSWORD', 'LLMDBENCH_BASE64_CONTEXT_CONTENTS', 'LLMDBENCH_CLUSTER_TOKEN']) {
    assert.equal(isSecretName(n), true, n);
  }
  for (const n of ['LLMDBENCH_DEPLOY_CURRENT_TOKENIZER', 'LLMDBENCH_VLLM_COMMON_HF_TOKEN_NAME', 'LLMDBENCH_VLLM_COMMON_HF_TOKEN_KEY', 'LLMDBENCH_HARNESS_NAME']) {
    assert.equal(isSecretName(n), false, n);
  }
});

test('masking shows at most the last 4 characters, nothing of a short value', () => {
  assert.equal(maskValue('hf_abcdefghijklmnop1234'), '****1234');
  assert.equal(maskValue('short'), '****');
  assert.equal(maskValue('elevenchars'), '****');
  assert.equal(maskValue(''), '');
});
