/**
 * Every harness kind runs on the engine: each registered plugin has `prepare` (so
 * E_HARNESS_NOT_RUNNABLE is left for a kind added without one) and its own metric definitions,
 * and checkRunnable refuses a plan naming a plugin without `prepare`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harnesses } from '../../../src/harness/registry.ts';
import { checkRunnable } from '../../../src/run/checks.ts';
import type { RunPlan } from '../../../src/plan/types.ts';
import { throwsCode } from '../../helpers/throws-code.ts';

test('all six harness kinds can run and bring their own metric definitions', async () => {
  assert.deepEqual(harnesses.kinds().sort(), ['fmperf', 'guidellm', 'inference-perf', 'inferencemax', 'nop', 'vllm-benchmark']);
  for (const h of await harnesses.loadAll()) {
    assert.equal(typeof h.prepare, 'function', `${h.kind} has prepare`);
    if (h.kind !== 'nop') assert.ok(h.definitions, `${h.kind} has metric definitions`);
  }
});

test('checkRunnable: a plan naming a harness without prepare is E_HARNESS_NOT_RUNNABLE', async () => {
  const plugin = await harnesses.load('fmperf');
  const saved = plugin.prepare;
  try {
    (plugin as { prepare?: unknown }).prepare = undefined;
    const plan = { units: [{ harness: 'fmperf' }] } as unknown as RunPlan;
    throwsCode(() => checkRunnable(plan), 'E_HARNESS_NOT_RUNNABLE');
  } finally {
    (plugin as { prepare?: unknown }).prepare = saved;
  }
});
