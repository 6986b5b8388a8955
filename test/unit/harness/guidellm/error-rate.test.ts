/** GuideLLM's max_error_rate (sliding window) and max_global_error_rate (after a minimum) as stop rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorRateRule } from '../../../../src/harness/guidellm/error-rate.ts';

test('max_error_rate: judged over the last `window` requests, only once `window` have finished', () => {
  const r = ErrorRateRule.of([{ kind: 'max_error_rate', stopping_scope: 'current', rate: 0.5, window: 4 }], 0)!;
  assert.equal(r.add(true), undefined); // 1 of 1, but fewer than 4 finished
  assert.equal(r.add(true), undefined);
  assert.equal(r.add(false), undefined);
  assert.match(r.add(false)!, /2 of the last 4/); // 2/4 ≥ 0.5
  const ok = ErrorRateRule.of([{ kind: 'max_error_rate', stopping_scope: 'current', rate: 0.5, window: 4 }], 0)!;
  for (const e of [true, false, false, false, true, false, false]) assert.equal(ok.add(e), undefined);
});

test('max_global_error_rate: errors / finished after `minimum`; list values by strategy index', () => {
  const r = ErrorRateRule.of([{ kind: 'max_global_error_rate', stopping_scope: 'current', rate: [0.9, 0.25], minimum: 4 }], 1)!;
  assert.equal(r.add(true), undefined);
  assert.equal(r.add(false), undefined);
  assert.equal(r.add(false), undefined);
  assert.match(r.add(false)!, /1 of 4/);
  assert.equal(ErrorRateRule.of([{ kind: 'max_duration', stopping_scope: 'current', seconds: 1 }], 0), undefined);
});
