import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaPct, formatComparison } from '../../../../src/analysis/report/compare.ts';
import { isoDurationS, summaryRow } from '../../../../src/analysis/report/summary-row.ts';

test('Δ %: against the first run; missing or zero base gives "-"', () => {
  assert.equal(deltaPct(100, 110), '+10.0%');
  assert.equal(deltaPct(200, 150), '-25.0%');
  assert.equal(deltaPct(0, 5), '-');
  assert.equal(deltaPct(undefined, 5), '-');
});

test('summaryRow: any harness\'s v0.2 report in ms and per second; input rate = total − output', () => {
  const r = summaryRow({
    run: { time: { duration: 'PT1M2.5S' } },
    scenario: { load: { standardized: { tool: 'inference-perf', stage: 1, rate_qps: 8 } } },
    results: {
      request_performance: {
        aggregate: {
          requests: { total: 40, failures: 2 },
          latency: { time_to_first_token: { units: 's', mean: 0.05, p50: 0.04, p90: 0.06, p99: 0.07 }, inter_token_latency: { units: 'ms/token', mean: 9 } },
          throughput: { output_token_rate: { units: 'tokens/s', mean: 100 }, total_token_rate: { units: 'tokens/s', mean: 350 }, request_rate: { units: 'queries/s', mean: 3.5 } },
        },
      },
    },
  });
  assert.deepEqual(r.ttftMs, { mean: 50, p50: 40, p90: 60, p99: 70 });
  assert.equal(r.itlMs!.mean, 9);
  assert.equal(r.inputTokensPerS, 250);
  assert.equal(r.failureRate, 0.05);
  assert.equal(r.durationS, 62.5);
  assert.equal(isoDurationS('PT10.0S'), 10);
  assert.equal(isoDurationS('10s'), undefined);
});

test('formatComparison: one block per (run, stage), each run\'s rate on top, Δ columns', () => {
  const row = (stage: number, rate: number, ttft: number, group?: number) => ({ tool: 't', stage, rateQps: rate, ttftMs: { mean: ttft, p50: ttft, p90: ttft, p99: ttft }, ...(group === undefined ? {} : { group }) });
  const text = formatComparison([
    { label: 'a', rows: [row(0, 1, 100, 0), row(0, 2, 200, 1)] },
    { label: 'b', rows: [row(0, 1, 150, 0), row(0, 2, 100, 1)] },
  ]);
  const lines = text.split('\n');
  assert.ok(lines.some((l) => /^run 1, stage 0\s+A\s+B\s+Δ B vs A$/.test(l)), text);
  assert.ok(lines.some((l) => /^run 2, stage 0/.test(l)));
  const ttft = lines.filter((l) => l.startsWith('TTFT p90 (ms)'));
  assert.match(ttft[0]!, /100\.00\s+150\.00\s+\+50\.0%$/);
  assert.match(ttft[1]!, /200\.00\s+100\.00\s+-50\.0%$/);
  assert.ok(!text.includes('NTPOT'), 'rows no run has are left out');
});
