import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../../src/config/resolve.ts';
import { choosePlatform, selectPlatform } from '../../../src/platform/select.ts';
import { throwsCode } from '../../helpers/throws-code.ts';

const kindOf = async (flags: Record<string, string>, env: Record<string, string> = {}, scenario?: string): Promise<{ kind: string; reason: string }> => {
  const c = await resolveConfig({ flags: { ...flags, ...(scenario ? { LLMDBENCH_DEPLOY_SCENARIO: scenario } : {}) }, env, cwd: process.cwd() });
  const s = await selectPlatform(c);
  return { kind: s.platform.kind, reason: s.reason };
};

test('selectPlatform: local by default; kubernetes when -p or -t is named by flag, environment or scenario; --executor wins', async () => {
  assert.equal((await kindOf({})).kind, 'local');
  assert.match((await kindOf({ LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns' })).reason, /namespace \(-p\) was named by flag/);
  assert.equal((await kindOf({}, { LLMDBENCH_DEPLOY_METHODS: 'standalone' })).kind, 'kubernetes');
  assert.match((await kindOf({}, { LLMDBENCH_DEPLOY_METHODS: 'standalone' })).reason, /method \(-t\) was named by environment/);
  const sc = join(mkdtempSync(join(tmpdir(), 'sel-')), 's.sh');
  writeFileSync(sc, 'export LLMDBENCH_VLLM_COMMON_NAMESPACE=myns\n');
  assert.match((await kindOf({}, {}, sc)).reason, /named by scenario/);
  assert.equal((await kindOf({ LLMDBENCH_CONTROL_EXECUTOR: 'local', LLMDBENCH_DEPLOY_METHODS: 'standalone' })).kind, 'local');
  assert.equal((await kindOf({}, { LLMDBENCH_CONTROL_EXECUTOR: 'kubernetes' })).kind, 'kubernetes');
});

test('the Kubernetes platform is registered: its check is the harness checks, it prints manifests for -n', async () => {
  const c = await resolveConfig({ flags: { LLMDBENCH_CONTROL_EXECUTOR: 'kubernetes' }, env: {}, cwd: process.cwd() });
  const s = await selectPlatform(c);
  assert.equal(s.platform.kind, 'kubernetes');
  s.platform.check({ workDir: 'w', endpointUrl: undefined, units: [], notes: [] }, c, {} as never);
  assert.equal(typeof s.platform.dryRun, 'function');
  assert.equal(typeof s.platform.collectOnly, 'function');
});

test('LLMDBENCH_CONTROL_EXECUTOR values other than local/kubernetes are refused', async () => {
  const c = await resolveConfig({ flags: {}, env: { LLMDBENCH_CONTROL_EXECUTOR: 'mars' }, cwd: process.cwd() });
  throwsCode(() => choosePlatform(c), 'E_BAD_FLAG_VALUE');
  await assert.rejects(selectPlatform(c), (e: { code?: string }) => e.code === 'E_BAD_FLAG_VALUE');
});
