import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmdbenchError, formatError } from '../../../src/util/errors.ts';
import { Registry } from '../../../src/util/registry.ts';

test('formatError shows code, location, details and hint', () => {
  const e = new LlmdbenchError('E_X', 'bad thing', {
    location: { file: 'a.yaml', line: 3, keyPath: 'load.rate' },
    hint: 'fix it',
    details: ['one', 'two'],
  });
  assert.equal(formatError(e), 'error[E_X] a.yaml:3 (at load.rate): bad thing\n  - one\n  - two\n  hint: fix it');
});

test('registry rejects duplicates and unknown kinds with suggestions', () => {
  const r = new Registry<'alpha' | 'beta', { kind: 'alpha' | 'beta' }>('widget');
  r.register({ kind: 'alpha' });
  assert.throws(() => r.register({ kind: 'alpha' }), /registered twice/);
  assert.throws(
    () => r.get('alpah'),
    (e: unknown) => e instanceof LlmdbenchError && e.code === 'E_UNKNOWN_KIND' && /did you mean "alpha"/.test(e.hint ?? ''),
  );
});
