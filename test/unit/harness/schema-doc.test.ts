import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessSchemas, profileFormatTables, schemaFields } from '../../../src/harness/schema-doc.ts';
import { harnesses } from '../../../src/harness/registry.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('docs/profile-formats.md holds the tables generated from the schemas', () => {
  const doc = readFileSync(resolve(repoRoot, 'docs', 'profile-formats.md'), 'utf8');
  const m = /<!-- generated:begin -->\n([\s\S]*)<!-- generated:end -->/.exec(doc);
  assert.ok(m, 'generated markers present');
  assert.equal(m[1], profileFormatTables(), 'docs/profile-formats.md is out of date: regenerate the table section (command in the file)');
});

test('every registered harness has documented schemas; required fields are marked', () => {
  assert.deepEqual(Object.keys(harnessSchemas).sort(), harnesses.kinds().sort());
  const ip = schemaFields(harnessSchemas['inference-perf'].config as never);
  assert.equal(ip.find((r) => r.path === 'server.base_url')?.required, true);
  assert.equal(ip.find((r) => r.path === 'load.stages[].rate')?.required, false);
  assert.match(ip.find((r) => r.path === 'load.type')?.type ?? '', /"concurrent"/);
  const g = schemaFields(harnessSchemas.guidellm['v0.7 scenario'] as never);
  assert.ok(g.some((r) => r.path === 'spec.backend.request_format'));
  assert.ok(!g.some((r) => r.path === 'spec.backend.request-format'), 'hyphen aliases are not listed twice');
  const im = schemaFields(harnessSchemas.inferencemax.options as never);
  assert.equal(im.find((r) => r.path === 'executable')?.required, true);
  assert.equal(im.find((r) => r.path === 'ignore-eos')?.type, 'flag: `none`');
});
