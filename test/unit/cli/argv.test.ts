import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv } from '../../../src/cli/argv.ts';

const vf = new Set(['-o', '--overrides', '-g', '--envvarspod', '-m', '--models', '--experiment']);
const lf = new Set(['--models', '--dry-run', '--overrides', '--experiment']);

test('-x=value becomes -x value, keeping every = in the value', () => {
  assert.deepEqual(normalizeArgv(['-m=facebook/opt-125m']), ['-m', 'facebook/opt-125m']);
  assert.deepEqual(normalizeArgv(['-o=a=1,b=2']), ['-o', 'a=1,b=2']);
  assert.deepEqual(normalizeArgv(['-x=https://h/d.json?a=b']), ['-x', 'https://h/d.json?a=b']);
  assert.deepEqual(normalizeArgv(['-m=']), ['-m', '']);
});

test('upstream -envvarspod= typo and --experiments spelling are accepted', () => {
  assert.deepEqual(normalizeArgv(['-envvarspod=A,B']), ['-g', 'A,B']);
  assert.deepEqual(normalizeArgv(['-envvarspod', 'A'], vf), ['-g', 'A']);
  assert.deepEqual(normalizeArgv(['--envvarspod=A']), ['--envvarspod=A']);
  assert.deepEqual(normalizeArgv(['--experiments', 'e.yaml'], vf), ['--experiment', 'e.yaml']);
  assert.deepEqual(normalizeArgv(['--experiments=e.yaml']), ['--experiment=e.yaml']);
});

test('a long option typed with one dash becomes the long option when known', () => {
  assert.deepEqual(normalizeArgv(['-models', 'x', '-dry-run'], vf, lf), ['--models', 'x', '--dry-run']);
  assert.deepEqual(normalizeArgv(['-models=x'], vf, lf), ['--models=x']);
  assert.deepEqual(normalizeArgv(['-zv'], vf, lf), ['-zv']);
});

test('option values and everything after -- are never rewritten', () => {
  assert.deepEqual(normalizeArgv(['-o', '-x=1', '-m=a'], vf), ['-o', '-x=1', '-m', 'a']);
  assert.deepEqual(normalizeArgv(['--', '-m=a']), ['--', '-m=a']);
  assert.deepEqual(normalizeArgv(['--models=a=b']), ['--models=a=b']);
});
