/**
 * GuideLLM's over-saturation detector: steady load never alerts; in-flight count and TTFT both
 * climbing (with TTFTs above minimum_ttft) alerts once min_seconds have passed; the t quantile
 * approximation is close to the exact one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverSaturationDetector, tPpf } from '../../../../src/harness/guidellm/over-saturation.ts';

test('t quantile (Abramowitz–Stegun + Cornish–Fisher) is near the exact value', () => {
  assert.ok(Math.abs(tPpf(0.975, 30) - 2.042) < 0.01, String(tPpf(0.975, 30)));
  assert.ok(Math.abs(tPpf(0.975, 1000) - 1.962) < 0.01);
  assert.ok(Number.isNaN(tPpf(0.975, 0)));
});

test('steady load: no alert; growing queue and TTFT: alert after min_seconds', () => {
  const steady = new OverSaturationDetector({ min_seconds: 10 });
  for (let i = 0; i < 240; i++) {
    const t = i * 0.25;
    steady.addStarted(t, 8 + (i % 3));
    steady.addFinished(t, 3 + 0.1 * (i % 2)); // above minimum_ttft, but flat
  }
  assert.equal(steady.alert(), false);

  const over = new OverSaturationDetector({ min_seconds: 10 });
  let first = -1;
  for (let i = 0; i < 240; i++) {
    const t = i * 0.25;
    over.addStarted(t, 8 + i); // the queue grows
    over.addFinished(t, 2 + 0.05 * i); // and so does TTFT
    if (first < 0 && over.alert()) first = t;
  }
  assert.ok(first >= 10 && first < 15, `alert at ${first} s`);
  // below minimum_ttft (2.5 s) it never alerts, however steep
  const fast = new OverSaturationDetector({ min_seconds: 10 });
  for (let i = 0; i < 240; i++) {
    fast.addStarted(i * 0.25, 8 + i);
    fast.addFinished(i * 0.25, 0.05 + 0.001 * i);
  }
  assert.equal(fast.alert(), false);
});
