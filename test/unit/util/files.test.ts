/** writeFileAtomic: the final name appears whole or not at all; a failure is E_WRITE naming path and cause. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirCause, writeFailure, writeFileAtomic } from '../../../src/util/files.ts';
import { throwsCode } from '../../helpers/throws-code.ts';

test('writeFileAtomic replaces the file whole and leaves no temporary file', () => {
  const d = mkdtempSync(join(tmpdir(), 'llmdbench-atomic-'));
  const f = join(d, 'a.json');
  writeFileSync(f, 'old');
  writeFileAtomic(f, '{"new":true}\n');
  assert.equal(readFileSync(f, 'utf8'), '{"new":true}\n');
  assert.deepEqual(readdirSync(d), ['a.json']);
});

test('writeFileAtomic into a missing folder: E_WRITE (environment) naming the path and the code', () => {
  const f = join(tmpdir(), 'llmdbench-no-such-dir-x9', 'a.json');
  const e = throwsCode(() => writeFileAtomic(f, 'x'), 'E_WRITE');
  assert.equal(e.kind, 'environment');
  assert.equal(e.message, `cannot write ${f}: ENOENT`);
  assert.equal(existsSync(f), false);
  assert.match(writeFailure('/p', Object.assign(new Error('x'), { code: 'ENOSPC' })).message, /^cannot write \/p: ENOSPC \(no space left on the device\)$/);
});

test('mkdirCause names ENOTDIR for a folder under a regular file', () => {
  const d = mkdtempSync(join(tmpdir(), 'llmdbench-mkc-'));
  writeFileSync(join(d, 'file'), '');
  const target = join(d, 'file', 'sub', 'deeper');
  assert.match(mkdirCause(target, Object.assign(new Error('ENOENT'), { code: 'ENOENT' })), /ENOTDIR/);
});
