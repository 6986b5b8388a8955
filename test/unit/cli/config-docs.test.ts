import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOC_PATH, generatedDoc } from '../../../src/cli/config-docs.ts';
import { VARIABLES } from '../../../src/config/variables.ts';
import { RUN_SH_OPTIONS } from '../../../src/cli/run-options.ts';

test('docs/config.md tables are the ones generated from the catalog and the option table', () => {
  const doc = readFileSync(DOC_PATH, 'utf8');
  assert.equal(doc, generatedDoc(doc), 'docs/config.md is stale: run `node --import tsx src/cli/config-docs.ts`');
  for (const v of VARIABLES) assert.ok(doc.includes(`| \`${v.name}\` |`), v.name);
  for (const o of RUN_SH_OPTIONS) assert.ok(doc.includes(`\`--${o.long}`), o.long);
});
