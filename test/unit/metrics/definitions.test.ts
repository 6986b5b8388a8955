import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { inferencePerfGroup } from '../../../src/metrics/inference-perf.ts';
import { seedMetrics } from '../../../src/metrics/seed.ts';
import { vllmBenchMetrics } from '../../../src/metrics/vllm-bench.ts';
import { guidellmHeadline, guidellmMetrics } from '../../../src/metrics/guidellm.ts';

const base = { stage: 0, worker: 0, api: 'completion' as const, stream: true };
// Hand-made records (ms); expected values worked out in the comments.
const R: RequestRecord[] = [
  // latency 170, TTFT 100, TPOT (1160-1100)/(5-1) = 15, ITL 10,20,30, NTPOT 170/5 = 34; client Σ=4 ≠ server 5
  { ...base, id: 0, scheduledAtMs: 1000, sentAtMs: 1000, chunkTimesMs: [1100, 1110, 1130, 1160], chunkTokens: [1, 1, 1, 1], endAtMs: 1170, promptTokensServer: 10, completionTokensServer: 5, firstChoiceAtMs: 1100, lastChoiceAtMs: 1160 },
  // chat, 2 tokens per chunk: latency 260, TTFT 200, TPOT 50/3, ITL per chunk 50, per token 0,50,0, NTPOT 65; role chunk at 1240
  { ...base, api: 'chat', id: 1, scheduledAtMs: 1040, sentAtMs: 1050, chunkTimesMs: [1250, 1300], chunkTokens: [2, 2], endAtMs: 1310, promptTokensServer: 20, completionTokensServer: 4, firstChoiceAtMs: 1240, lastChoiceAtMs: 1300 },
  { ...base, id: 2, scheduledAtMs: 1100, sentAtMs: 1100, chunkTimesMs: [], chunkTokens: [], endAtMs: 1150, httpStatus: 503, error: { label: 'http_5xx', message: 'HTTP 503' } },
  // non-streamed: latency 200, NTPOT 40, no TTFT
  { ...base, stream: false, id: 3, scheduledAtMs: 1200, sentAtMs: 1200, chunkTimesMs: [], chunkTokens: [], endAtMs: 1400, promptTokensServer: 5, completionTokensServer: 5 },
];

const close = (a: number | undefined, b: number, msg?: string): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${msg ?? ''} ${a} vs ${b}`);

test('inference-perf group: latencies, pooled ITL, throughput over max(end) − min(start), failures, mismatches', () => {
  const g = inferencePerfGroup(R);
  close(g.benchmarkTimeS, 0.4);
  assert.equal(g.successes.count, 3);
  assert.equal(g.failures.count, 1);
  assert.deepEqual(g.failures.byLabel, { http_5xx: 1 });
  const l = g.successes.latencyS;
  assert.equal(l.requestLatency!.count, 3);
  close(l.requestLatency!.mean, (0.17 + 0.26 + 0.2) / 3);
  assert.equal(l.ttft!.count, 2);
  close(l.ttft!.mean, 0.15);
  close(l.tpot!.mean, (0.015 + 0.05 / 3) / 2);
  assert.equal(l.itl!.count, 4);
  close(l.itl!.mean, (0.01 + 0.02 + 0.03 + 0.05) / 4);
  close(l.ntpot!.mean, (0.034 + 0.065 + 0.04) / 3);
  close(g.successes.throughput.inputTokensPerS, 35 / 0.4);
  close(g.successes.throughput.outputTokensPerS, 14 / 0.4);
  close(g.successes.throughput.totalTokensPerS, 49 / 0.4);
  close(g.successes.throughput.requestsPerS, 3 / 0.4);
  assert.equal(g.successes.tokenCountMismatches, 1);
  close(g.load.sendDurationS, 0.2);
  close(g.load.achievedRate, 20);
  close(g.load.scheduleDelayS!.max, 0.01);
});

test('inference-perf per-token timestamps: tokens of one chunk share its time (zero gaps)', () => {
  const g = inferencePerfGroup(R, { perToken: true });
  assert.equal(g.successes.latencyS.itl!.count, 6);
  assert.equal(g.successes.latencyS.itl!.min, 0);
  close(g.successes.latencyS.ttft!.mean, 0.15);
});

test('inference-perf: client output counts when asked', () => {
  const recs = R.map((r) => ({ ...r, completionTokensClient: 2 }));
  const g = inferencePerfGroup(recs, { outputTokens: 'client' });
  close(g.successes.outputTokens.total, 6);
});

test('seed metrics: the ten metrics in ms / per second', () => {
  const s = seedMetrics(R);
  close(s.benchmarkDurationS, 0.4);
  close(s.failureRate, 0.25);
  close(s.outputTokensPerS, 35);
  close(s.inputTokensPerS, 87.5);
  close(s.requestsPerS, 7.5);
  close(s.ttftMs!.p50, 150);
  close(s.tpotMs!.max, 50 / 3);
  close(s.itlMs!.max, 50);
  close(s.ntpotMs!.min, 34);
  close(s.requestLatencyMs!.max, 260);
  assert.equal(seedMetrics([]).failureRate, 0);
});

test('vllm bench: TTFT to the first choices chunk, latency to the last, TPOT (E2EL−TTFT)/(out−1); non-streamed: TTFT = latency', () => {
  const v = vllmBenchMetrics(R);
  assert.equal(v.completed, 3);
  assert.equal(v.failed, 1);
  close(v.durationS, 0.4);
  close(v.ttftMs.mean, (100 + 190 + 200) / 3);
  close(v.e2elMs.mean, (160 + 250 + 200) / 3);
  // the non-streamed request has out 5 > 1 and TTFT = latency: TPOT 0
  close(v.tpotMs.mean, (15 + 20 + 0) / 3);
  close(v.itlMs.percentiles[0]![1], 49.2); // p99 of [10,10,20,30,50]
  close(v.outputThroughput, 14 / 0.4);
});

test('guidellm: TPOT includes TTFT and is weighted by output tokens; ITL per request weighted by out−1', () => {
  const g = guidellmHeadline(guidellmMetrics(R));
  assert.equal(g.successful, 3);
  assert.equal(g.errored, 1);
  // GuideLLM counts a request without a first token as TTFT 0 (`time_to_first_token_ms or 0.0`)
  close(g.ttftMs.mean, (100 + 200 + 0) / 3);
  // the non-streamed request: (end − start)/out = 200/5 = 40, weight 5
  close(g.tpotMs.mean, (32 * 5 + 62.5 * 4 + 40 * 5) / 14);
  assert.equal(g.tpotMs.count, 14);
  // ITL: the non-streamed request has none, and GuideLLM still adds it as value 0 with weight out − 1 = 4
  close(g.itlMs.mean, (15 * 4 + (50 / 3) * 3 + 0 * 4) / 11);
  close(g.requestsPerS, 3 / 0.4);
});
