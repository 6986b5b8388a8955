/**
 * GuideLLM's measurement rules: hand-computed cases, the TPOT that differs from vLLM's for the
 * same requests, and a replay of a real GuideLLM v0.7.3 run (its per-request timings turned back
 * into records) whose metrics must come out as GuideLLM printed them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { glConcurrencyFromTimings, glFromValues, glRateFromTimings } from '../../../src/metrics/guidellm-dist.ts';
import { guidellmHeadline, guidellmMetrics, glRequest } from '../../../src/metrics/guidellm.ts';
import { vllmBenchMetrics } from '../../../src/metrics/vllm-bench.ts';
import { guidellmSeedMetrics } from '../../../src/metrics/guidellm-definitions.ts';
import { replaySample } from '../../helpers/guidellm-sample.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const close = (a: number, b: number, tol = 1e-9, msg = ''): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`);
const base = { stage: 0, worker: 0, api: 'completion' as const, stream: true };

test('weighted distribution: nearest-rank percentiles, merged duplicates, mode, population variance, count = Σ weights', () => {
  // values 1 (w 1), 2 (w 2, given as two entries), 10 (w 1): pmf 0.25/0.5/0.25
  const d = glFromValues([1, 2, [2, 1], 10]);
  close(d.mean, (1 + 2 + 2 + 10) / 4);
  assert.equal(d.count, 4);
  assert.equal(d.mode, 2);
  assert.equal(d.median, 2);
  assert.equal(d.percentiles.p25, 1); // cdf 0.25 reaches 0.25 at the first value
  assert.equal(d.percentiles.p75, 2);
  assert.equal(d.percentiles.p90, 10);
  close(d.variance, (0.25 * (1 - 3.75) ** 2 + 0.5 * (2 - 3.75) ** 2 + 0.25 * (10 - 3.75) ** 2));
  close(d.total_sum, 15);
  // zero weights are dropped but count is still round(Σ weights)
  const z = glFromValues([[5, 0], [7, 2]]);
  assert.equal(z.min, 7);
  assert.equal(z.count, 2);
  const e = glFromValues([]);
  assert.deepEqual([e.mean, e.count, e.percentiles.p99], [0, 0, 0]);
});

test('rate distribution: mean = Σ weights / window; events within 0.1 ms merge', () => {
  // window [0, 4] s, events at 1, 2, 3 → durations 1.5 (the sentinel at 0 takes 0.5), 1, 1, ...
  const r = glRateFromTimings([[1, 1], [2, 1], [3, 1]], 0, 4);
  close(r.mean, 3 / 4);
  assert.equal(r.count, 3);
  const m = glRateFromTimings([[1, 1], [1.00005, 1], [3, 1]], 0, 4);
  // 1 and 1.00005 merge into one event of weight 2 at t = 1: times 0, 1, 3, 4, local durations
  // 0.5, 1.5, 1.5, 0.5 → rates 0, 2/1.5, 1/1.5, 0; the mean is still Σ/window
  close(m.mean, 3 / 4);
  close(m.max, 2 / 1.5);
  // by duration: 0 (both ends, 1 s of 4) → cdf 0.25; 1/1.5 (1.5 s) → 0.625 ≥ 0.5
  close(m.median, 1 / 1.5);
});

test('concurrency distribution: time-weighted in-flight count inside the window', () => {
  // [0,2] and [1,3] in window [0,4]: 1 for 1 s, 2 for 1 s, 1 for 1 s, 0 for 1 s
  const c = glConcurrencyFromTimings([[0, 2, 1], [1, 3, 1]], 0, 4);
  close(c.mean, (1 + 2 + 1 + 0) / 4);
  assert.equal(c.max, 2);
  assert.equal(c.count, 2);
});

test('the same three requests: GuideLLM TPOT (first token included, weighted by out) ≠ vLLM TPOT', () => {
  // TTFT 100 ms, then 4 more tokens 10 ms apart (out 5); TTFT 50, 1 more token 30 ms later (out 2);
  // TTFT 200, 9 more 20 ms apart (out 10)
  const mk = (id: number, sent: number, ttft: number, gap: number, out: number): RequestRecord => {
    const chunks = Array.from({ length: out }, (_, i) => sent + ttft + i * gap);
    return { ...base, id, scheduledAtMs: sent, sentAtMs: sent, chunkTimesMs: chunks, chunkTokens: chunks.map(() => 1), endAtMs: chunks[out - 1]! + 1, promptTokensServer: 10, completionTokensServer: out, firstChoiceAtMs: chunks[0]!, lastChoiceAtMs: chunks[out - 1]!, choiceEventCount: out, doneSeen: true };
  };
  const R = [mk(0, 0, 100, 10, 5), mk(1, 10, 50, 30, 2), mk(2, 20, 200, 20, 10)];
  // GuideLLM per request: (last − start)/out = 140/5 = 28, 80/2 = 40, 380/10 = 38; weighted by out
  const g = guidellmHeadline(guidellmMetrics(R));
  close(g.tpotMs.mean, (28 * 5 + 40 * 2 + 38 * 10) / 17);
  assert.equal(g.tpotMs.count, 17);
  assert.equal(g.tpotMs.median, 38); // cdf: 28 → 5/17, 38 → 15/17 ≥ 0.5
  // ITL per request: 10, 30, 20 weighted 4, 1, 9
  close(g.itlMs.mean, (10 * 4 + 30 * 1 + 20 * 9) / 14);
  // vLLM: (E2EL − TTFT)/(out − 1) = 10, 30, 20, unweighted mean 20
  const v = vllmBenchMetrics(R);
  close(v.tpotMs!.mean, 20);
  assert.notEqual(Math.round(g.tpotMs.mean), Math.round(v.tpotMs!.mean));
  // incomplete: cancelled (label 'aborted') requests are not errors
  const cancelled: RequestRecord = { ...mk(3, 30, 100, 10, 3), error: { label: 'aborted', message: 'cancelled at the stage duration limit' } };
  const m = guidellmMetrics([...R, cancelled]);
  assert.deepEqual(m.request_totals, { successful: 3, errored: 0, incomplete: 1, total: 4 });
  assert.equal(glRequest(cancelled).latencyS, undefined);
});

test('a window keeps requests that overlap it (end ≥ start and start ≤ end)', () => {
  const rec = (id: number, s: number, e: number): RequestRecord => ({ ...base, id, scheduledAtMs: s, sentAtMs: s, chunkTimesMs: [s + 1], chunkTokens: [1], endAtMs: e, completionTokensServer: 1 });
  const m = guidellmMetrics([rec(0, 0, 50), rec(1, 40, 120), rec(2, 150, 200), rec(3, 210, 260)], { window: { startMs: 100, endMs: 200 } });
  assert.equal(m.request_totals.total, 2);
});

test('a real GuideLLM v0.7.3 run, replayed from its per-request timings, gives its reported metrics', () => {
  const { bench, records, baseS } = replaySample();
  const sm = bench.scheduler_metrics;
  const window = { startMs: (sm.measure_start_time - baseS) * 1000, endMs: (sm.measure_end_time - baseS) * 1000 };
  const m = guidellmMetrics(records, { window, epochOffsetMs: baseS * 1000 }) as unknown as J;
  const want = bench.metrics as J;
  assert.deepEqual(m.request_totals, want.request_totals);
  const keys = [
    'request_latency', 'request_streaming_iterations_count', 'prompt_token_count', 'output_token_count', 'total_token_count',
    'time_to_first_token_ms', 'time_per_output_token_ms', 'inter_token_latency_ms', 'requests_per_second', 'request_concurrency',
    'prompt_tokens_per_second', 'output_tokens_per_second', 'tokens_per_second', 'output_tokens_per_iteration', 'iter_tokens_per_iteration',
  ];
  const stats = ['mean', 'median', 'mode', 'std_dev', 'min', 'max', 'count'];
  const bad: string[] = [];
  for (const k of keys) {
    for (const st of ['successful', 'incomplete', 'total']) {
      for (const s of stats) {
        const a = m[k][st][s] as number;
        const b = want[k][st][s] as number;
        if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)))) bad.push(`${k}.${st}.${s}: ours ${a}, GuideLLM ${b}`);
      }
      for (const p of ['p01', 'p10', 'p50', 'p90', 'p95', 'p99']) {
        const a = m[k][st].percentiles[p] as number;
        const b = want[k][st].percentiles[p] as number;
        if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)))) bad.push(`${k}.${st}.percentiles.${p}: ours ${a}, GuideLLM ${b}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('GuideLLM definition set for the summary: its TPOT and ITL, no NTPOT, cancelled requests count as failures', () => {
  const mk = (id: number, sent: number, out: number, aborted = false): RequestRecord => {
    const chunks = Array.from({ length: out }, (_, i) => sent + 100 + i * 10);
    return { ...base, id, scheduledAtMs: sent, sentAtMs: sent, chunkTimesMs: chunks, chunkTokens: chunks.map(() => 1), endAtMs: chunks[out - 1]! + 1, completionTokensServer: out, promptTokensServer: 10, ...(aborted ? { error: { label: 'aborted' as const, message: 'cut' } } : {}) };
  };
  const s = guidellmSeedMetrics([mk(0, 0, 5), mk(1, 10, 3), mk(2, 20, 2, true)]);
  // TPOT (last − start)/out: 140/5 = 28 (w 5), 120/3 = 40 (w 3)
  assert.ok(Math.abs(s.tpotMs!.mean - (28 * 5 + 40 * 3) / 8) < 1e-9);
  assert.equal(s.ntpotMs, undefined);
  assert.equal(s.failures, 1);
  assert.ok(Math.abs(s.failureRate - 1 / 3) < 1e-12);
  assert.equal(s.itlMs!.mean, 10);
});
