/** The variable catalog covers what the local platform reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { variableSpec } from '../../../src/config/variables.ts';
import { PRESET_NAMES } from '../../../src/sim/presets.ts';

test('LLMDBENCH_SIM_PRESET is in the catalog: default is a real preset, every preset is named', () => {
  const spec = variableSpec('LLMDBENCH_SIM_PRESET');
  assert.ok(spec, 'LLMDBENCH_SIM_PRESET missing from src/config/variables.ts');
  assert.equal(typeof spec.default, 'string');
  assert.ok(PRESET_NAMES.includes(spec.default as string), `default ${String(spec.default)} is not one of ${PRESET_NAMES.join(', ')}`);
  for (const p of PRESET_NAMES) assert.ok(spec.description.includes(p), `description does not name preset ${p}`);
});
