import assert from 'node:assert/strict';
import { LlmdbenchError } from '../../src/util/errors.ts';

/** Runs `fn`, asserts it throws an LlmdbenchError with `code`, and returns the error for further checks. */
export function throwsCode(fn: () => unknown, code: string): LlmdbenchError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LlmdbenchError, `expected LlmdbenchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}
