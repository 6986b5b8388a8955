/** The configuration check of LLMDBENCH_SIM_PRESET (src/config) knows exactly the simulator's presets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_PRESET_NAMES } from '../../../src/config/checks.ts';
import { PRESET_NAMES } from '../../../src/sim/presets.ts';

test('LLMDBENCH_SIM_PRESET is checked against the simulator preset names', () => {
  assert.deepEqual([...SIM_PRESET_NAMES].sort(), [...PRESET_NAMES].sort());
});

test('the instant preset keeps a realistic context window (128k), not upstream\'s 1,024 tokens; a flag still sets it', async () => {
  const { buildSimConfig } = await import('../../../src/sim/run.ts');
  assert.equal(buildSimConfig({ preset: 'instant', overrides: { model: 'm' } }).maxModelLen, 131072);
  assert.equal(buildSimConfig({ preset: 'instant', overrides: { model: 'm', 'max-model-len': 2048 } }).maxModelLen, 2048);
  assert.equal(buildSimConfig({ overrides: { model: 'm' } }).maxModelLen, 1024, 'no preset: upstream default');
});
