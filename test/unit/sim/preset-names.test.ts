/** The configuration check of LLMDBENCH_SIM_PRESET (src/config) knows exactly the simulator's presets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIM_PRESET_NAMES } from '../../../src/config/checks.ts';
import { PRESET_NAMES } from '../../../src/sim/presets.ts';

test('LLMDBENCH_SIM_PRESET is checked against the simulator preset names', () => {
  assert.deepEqual([...SIM_PRESET_NAMES].sort(), [...PRESET_NAMES].sort());
});
