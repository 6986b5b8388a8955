import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { knownKeysAt, zodToIssues } from '../../../src/harness/zod-issues.ts';

const Dist = z.strictObject({ min: z.number().optional(), max: z.number().optional() });
const S = z.strictObject({
  a: z.number().int().positive(),
  len: z.union([z.number().int(), Dist]).optional(),
  mode: z.union([z.enum(['x', 'y']), z.strictObject({ kind: z.enum(['x', 'y']), n: z.number().optional() })]).optional(),
  block: z.strictObject({ image: Dist.nullable().optional() }).optional(),
  list: z.array(z.string()).min(1).optional(),
});

function run(doc: Record<string, unknown>) {
  const r = S.safeParse(doc);
  assert.equal(r.success, false);
  return zodToIssues(r.error?.issues ?? [], doc, S);
}

test('type, missing, bound and enum messages', () => {
  const issues = run({ a: 'x', list: [] });
  assert.deepEqual(issues.map((i) => [i.path.join('.'), i.message]), [
    ['a', 'expected number, got "x"'],
    ['list', 'needs at least 1 item(s)'],
  ]);
  assert.match(run({}).find((i) => i.path[0] === 'a')?.message ?? '', /required field is missing/);
  assert.match(run({ a: 0 })[0]?.message ?? '', /must be > 0 \(got 0\)/);
  const e = run({ a: 1, mode: 'z' });
  assert.equal(e[0]?.severity, 'error');
});

test('hints for YAML 1.1 booleans and quoted numbers', () => {
  const B = z.strictObject({ on: z.boolean(), n: z.number() });
  const doc = { on: 'yes', n: '12' };
  const issues = zodToIssues(B.safeParse(doc).error?.issues ?? [], doc, B);
  assert.match(issues.find((i) => i.path[0] === 'on')?.hint ?? '', /true or false/);
  assert.match(issues.find((i) => i.path[0] === 'n')?.hint ?? '', /remove the quotes/);
});

test('union: the option meant is picked; unknown keys in it are warnings', () => {
  const w = run({ a: 'bad', len: { min: 1, mx: 3 } });
  const warn = w.find((i) => i.severity === 'warning');
  assert.deepEqual(warn?.path, ['len', 'mx']);
  assert.match(warn?.hint ?? '', /"max"/);
  const e = run({ a: 1, len: { min: 'one' } });
  assert.deepEqual(e.map((i) => [i.severity, i.path.join('.')]), [['error', 'len.min']]);
  const m = run({ a: 1, mode: { kind: 'q' } });
  assert.deepEqual(m.map((i) => i.path.join('.')), ['mode.kind']);
  const t = run({ a: 1, len: true });
  assert.match(t[0]?.message ?? '', /expected number or object, got true/);
});

test('mis-indentation hints: key of an empty sibling, key of an ancestor', () => {
  const r = run({ a: 0, block: { image: null, min: 3 }, });
  const w = r.find((i) => i.severity === 'warning');
  assert.match(w?.hint ?? '', /"image" is empty and takes "min"/);
  const r2 = run({ a: 0, block: { a: 3 } });
  assert.match(r2.find((i) => i.severity === 'warning')?.hint ?? '', /belongs at the top level/);
});

test('knownKeysAt follows objects, unions, nullable and arrays', () => {
  assert.deepEqual(knownKeysAt(S, ['len']).sort(), ['max', 'min']);
  assert.deepEqual(knownKeysAt(S, ['block', 'image']).sort(), ['max', 'min']);
  assert.deepEqual(knownKeysAt(S, ['mode']).sort(), ['kind', 'n']);
});
