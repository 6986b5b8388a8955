/**
 * Every fixture log against its hand-checked expectation: every scalar metric, the wording
 * that matched, the scenario fields, every category (with Uncategorized gaps and processes)
 * and every warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitLog } from '../../../../src/harness/nop/log-lines.ts';
import { parseLog } from '../../../../src/harness/nop/parse.ts';
import { categorize } from '../../../../src/harness/nop/categories.ts';
import { dumpCategories, type CategoryDump } from '../../../../src/harness/nop/outputs/result-yaml.ts';

const dir = fileURLToPath(new URL('../../../fixtures/vllm-logs/', import.meta.url));

interface Expected {
  model: string;
  sameScalarsAs?: string;
  metrics?: unknown;
  matched?: Record<string, string>;
  loadFormat?: string;
  sleepMode?: boolean;
  version?: string;
  gpus?: unknown[];
  args?: Record<string, unknown>;
  categories: CategoryDump[];
  warnings?: string[];
}

/** Same tree; elapsed equal to the microsecond (they are ms differences). */
function assertCategories(actual: CategoryDump[], expected: CategoryDump[], path = ''): void {
  assert.deepEqual(actual.map((c) => c.title), expected.map((c) => c.title), `titles at ${path || 'top'}`);
  actual.forEach((a, i) => {
    const e = expected[i] as CategoryDump;
    const where = `${path}/${a.title}#${i}`;
    assert.ok(Math.abs(a.elapsed - e.elapsed) < 1e-6, `${where}: elapsed ${a.elapsed} != ${e.elapsed}`);
    assert.deepEqual(a.process, e.process, `${where}: process`);
    assertCategories(a.categories ?? [], e.categories ?? [], where);
  });
}

const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));
assert.ok(logs.length >= 6);

for (const file of logs) {
  test(`fixture ${file}`, () => {
    const exp = JSON.parse(readFileSync(join(dir, file.replace(/\.log$/, '.expected.json')), 'utf8')) as Expected;
    const lines = splitLog(readFileSync(join(dir, file), 'utf8'));
    const parsed = parseLog(lines);
    const cats = categorize(lines, exp.model);
    const scal = exp.sameScalarsAs ? (JSON.parse(readFileSync(join(dir, exp.sameScalarsAs), 'utf8')) as Expected) : exp;
    assert.deepEqual(parsed.metrics, scal.metrics);
    assert.deepEqual(parsed.matched, scal.matched);
    assert.equal(parsed.loadFormat, scal.loadFormat);
    assert.equal(parsed.sleepMode, scal.sleepMode);
    assert.equal(parsed.version, scal.version);
    assert.deepEqual(parsed.gpus, scal.gpus);
    assert.deepEqual(parsed.args, scal.args);
    assertCategories(dumpCategories(cats.categories, true), exp.categories);
    const warnings = [...parsed.warnings, ...cats.warnings];
    const want = exp.sameScalarsAs ? [...(scal.warnings ?? []).filter((w) => w.startsWith('not found')), ...(exp.warnings ?? [])] : (exp.warnings ?? []);
    for (const w of want) assert.equal(warnings.filter((x) => x.includes(w)).length, 1, `expected one warning containing ${JSON.stringify(w)} in\n${warnings.join('\n')}`);
    assert.equal(warnings.length, want.length, `warnings:\n${warnings.join('\n')}`);
  });
}
