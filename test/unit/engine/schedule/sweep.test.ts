import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geomspace, linspace, percentileLinear, saturationFromSamples, sweepPreStage, sweepRates, sweepStages } from '../../../../src/engine/schedule/index.ts';

test('linspace / geomspace match numpy', () => {
  assert.deepEqual(linspace(1, 10, 4), [1, 4, 7, 10]);
  assert.deepEqual(linspace(1, 10, 1), [1]);
  const g = geomspace(1000, 1, 4);
  assert.deepEqual(g.map((x) => Math.round(x * 1e9) / 1e9), [1000, 100, 10, 1]);
});

test('sweep rates: linear = linspace(1, S, n), geometric = 1 + S − geomspace(S, 1, n), rounded to 2 decimals', () => {
  assert.deepEqual(sweepRates('linear', 10, 5), [1, 3.25, 5.5, 7.75, 10]);
  assert.deepEqual(sweepRates('linear', 42.123, 3), [1, 21.56, 42.12]);
  // geomspace(10, 1, 5) = 10, 5.6234, 3.1623, 1.7783, 1 → 1 + 10 − g
  assert.deepEqual(sweepRates('geometric', 10, 5), [1, 5.38, 7.84, 9.22, 10]);
  const geo = sweepRates('geometric', 100, 6);
  assert.equal(geo[0], 1);
  assert.equal(geo[5], 100);
  const steps = geo.slice(1).map((x, i) => x - (geo[i] as number));
  assert.ok(steps.every((s, i) => i === 0 || s < (steps[i - 1] as number)), 'clustered near S: steps shrink');
  assert.throws(() => sweepRates('linear', 0, 3));
});

test('sweep pre-stage: num_requests at num_requests/5 req/s over 5 s, stage −1, timeout', () => {
  const { plan, timeoutMs } = sweepPreStage({ type: 'linear', num_requests: 100, timeout: 30 }, 'constant', 1);
  assert.equal(plan.kind, 'open');
  if (plan.kind !== 'open') return;
  assert.equal(plan.stage, -1);
  assert.equal(plan.offsetsMs.length, 100);
  assert.equal(plan.requestedRate, 20);
  assert.equal(plan.offsetsMs[99], 5000);
  assert.equal(timeoutMs, 30_000);
  const d = sweepPreStage({ type: 'linear' }, 'poisson', 1);
  assert.equal(d.plan.kind === 'open' && d.plan.offsetsMs.length, 2000);
  assert.equal(d.timeoutMs, 60_000);
});

test('saturation: percentile of drain rates over decreasing sample pairs', () => {
  const samples = [
    { tMs: 0, active: 100 },
    { tMs: 500, active: 90 }, // −10 in 0.5 s → 20/s
    { tMs: 1000, active: 95 }, // increase: ignored
    { tMs: 1500, active: 75 }, // −20 → 40/s
    { tMs: 2000, active: 75 }, // equal: ignored
    { tMs: 2500, active: 45 }, // −30 → 60/s
  ];
  assert.equal(saturationFromSamples(samples, 50), 40);
  assert.equal(saturationFromSamples(samples, 95), percentileLinear([20, 40, 60], 95));
  assert.equal(Math.round((saturationFromSamples(samples, 95) as number) * 1e9) / 1e9, 58);
  assert.equal(saturationFromSamples([{ tMs: 0, active: 1 }, { tMs: 500, active: 2 }]), undefined);
  const stages = sweepStages({ type: 'linear', num_stages: 3, stage_duration: 10 }, 'constant', 9, 1);
  assert.deepEqual(stages.map((s) => (s.kind === 'open' ? [s.requestedRate, s.offsetsMs.length, s.durationMs] : [])), [[1, 10, 10000], [5, 50, 10000], [9, 90, 10000]]);
});
