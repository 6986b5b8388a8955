/**
 * vllm bench serve's definitions on hand-made records, every expected value worked out by hand
 * (comments), and the same requests under inference-perf's and GuideLLM's rules giving
 * different TPOT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { vllmBenchMetrics, vllmStat } from '../../../src/metrics/vllm-bench.ts';
import { inferencePerfGroup } from '../../../src/metrics/inference-perf.ts';
import { guidellmHeadline, guidellmMetrics } from '../../../src/metrics/guidellm.ts';

const base = { stage: 0, worker: 0, api: 'completion' as const, stream: true };
const R: RequestRecord[] = [
  // choices at 1100..1160: TTFT 100, latency 160, out 5 → TPOT 60/4 = 15; ITL 10, 20, 30; queue 0
  { ...base, id: 0, scheduledAtMs: 1000, sentAtMs: 1000, chunkTimesMs: [1100, 1110, 1130, 1160], chunkTokens: [1, 1, 1, 1], endAtMs: 1170, promptTokensServer: 10, completionTokensServer: 5, firstChoiceAtMs: 1100, lastChoiceAtMs: 1160 },
  // chat: role chunk 1240 counts: TTFT 190, latency 250, out 4 → TPOT 60/3 = 20; ITL 10, 50; waited 10 ms for a slot
  { ...base, api: 'chat', id: 1, scheduledAtMs: 1040, sentAtMs: 1050, chunkTimesMs: [1250, 1300], chunkTokens: [2, 2], endAtMs: 1310, promptTokensServer: 20, completionTokensServer: 4, firstChoiceAtMs: 1240, lastChoiceAtMs: 1300 },
  { ...base, id: 2, scheduledAtMs: 1100, sentAtMs: 1100, chunkTimesMs: [], chunkTokens: [], endAtMs: 1150, httpStatus: 503, error: { label: 'http_5xx', message: 'HTTP 503' } },
];
const close = (a: number | null | undefined, b: number, msg = ''): void => assert.ok(a != null && Math.abs(a - b) < 1e-9, `${msg} ${a} vs ${b}`);

test('vllm bench: counts, duration, throughputs, TTFT/TPOT/ITL/E2EL with numpy stats', () => {
  const v = vllmBenchMetrics(R, { percentiles: [50, 90, 99] });
  assert.equal(v.completed, 2);
  assert.equal(v.failed, 1);
  close(v.durationS, 0.31); // first scheduled 1000 → last end 1310
  assert.equal(v.totalInputTokens, 30);
  assert.equal(v.totalOutputTokens, 9);
  close(v.requestThroughput, 2 / 0.31);
  close(v.outputThroughput, 9 / 0.31);
  close(v.totalTokenThroughput, 39 / 0.31);
  assert.equal(v.requestGoodput, null);
  close(v.ttftMs.mean, 145);
  close(v.ttftMs.median, 145);
  close(v.ttftMs.std, 45); // population std of [100, 190]
  close(v.ttftMs.percentiles[2]![1], 189.1); // 100 + 0.99·90
  close(v.tpotMs.mean, 17.5);
  // ITL pooled [10, 10, 20, 30, 50]: mean 24, median 20, std √(1120/5), p90 = 30 + 0.6·20
  close(v.itlMs.mean, 24);
  close(v.itlMs.median, 20);
  close(v.itlMs.std, Math.sqrt(224));
  close(v.itlMs.percentiles[1]![1], 42);
  close(v.e2elMs.mean, 205);
  // queue time of successes [0, 10]; queue-inclusive latency [160, 260]
  close(v.clientQueueTimeMs.mean, 5);
  close(v.e2elIncludingClientQueueMs.mean, 210);
  assert.equal(v.maxConcurrentRequests, 2); // [1000,1160) and [1050,1300) overlap
  assert.equal(v.maxOutputTokensPerS, 7); // 4 + 3 choice chunks, all in the first second
  assert.deepEqual(v.perRequest.latenciesS.map((x) => Math.round(x * 1000)), [160, 250, 0]);
  assert.deepEqual(v.perRequest.queueTimesS.map((x) => Math.round(x * 1000)), [0, 10, 0]);
  assert.deepEqual(v.perRequest.errors, ['', '', 'HTTP 503']);
  assert.deepEqual(v.perRequest.itlsS.map((a) => a.map((x) => Math.round(x * 1000))), [[10, 20, 30], [10, 50], []]);
});

test('vllm bench: goodput counts requests meeting every SLO (TPOT of a 1-token answer is 0); window overrides the duration', () => {
  close(vllmBenchMetrics(R, { goodput: { ttft: 150 } }).requestGoodput, 1 / 0.31);
  close(vllmBenchMetrics(R, { goodput: { ttft: 200, tpot: 16 } }).requestGoodput, 1 / 0.31);
  close(vllmBenchMetrics(R, { goodput: { e2el: 300 } }).requestGoodput, 2 / 0.31);
  const one: RequestRecord = { ...R[0]!, id: 5, completionTokensServer: 1, chunkTimesMs: [1100], lastChoiceAtMs: 1100 };
  const v = vllmBenchMetrics([one], { goodput: { tpot: 0 }, windowMs: { startMs: 900, endMs: 1900 } });
  close(v.requestGoodput, 1);
  close(v.durationS, 1);
  close(v.tpotMs.mean, 0); // no request with out > 1: the empty list counts as [0]
});

test('vllm bench: an empty list is [0]; percentiles keep the order asked', () => {
  const s = vllmStat([], [99.9, 0.1]);
  assert.deepEqual(s, { mean: 0, median: 0, std: 0, percentiles: [[99.9, 0], [0.1, 0]] });
  assert.deepEqual(vllmStat([1, 2, 3, 4], [25]).percentiles, [[25, 1.75]]);
});

test('the same three requests: TPOT differs under vLLM, inference-perf and GuideLLM rules', () => {
  const ok = R.slice(0, 2);
  // vLLM: (latency − TTFT)/(out − 1) with the role chunk as first token: [15, 20]
  close(vllmBenchMetrics(ok).tpotMs.mean, 17.5);
  // inference-perf: (t_last − t_first content)/(out − 1): [60/4, 50/3]
  close(inferencePerfGroup(ok).successes.latencyS.tpot!.mean * 1000, (15 + 50 / 3) / 2);
  // GuideLLM: (t_last − start)/out weighted by out: [160/5 = 32 (×5), 250/4 = 62.5 (×4)]
  close(guidellmHeadline(guidellmMetrics(ok)).tpotMs.mean, (32 * 5 + 62.5 * 4) / 9);
});

test('definition sets: the summary\'s ten metrics under vLLM and LMBenchmark rules, warm-ups left out', async () => {
  const { vllmSeedMetrics } = await import('../../../src/metrics/vllm-bench-definitions.ts');
  const { lmbenchSeedMetrics } = await import('../../../src/metrics/lmbench-definitions.ts');
  const warm: RequestRecord = { ...R[0]!, id: 9, scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [900], firstChoiceAtMs: 900, lastChoiceAtMs: 900, endAtMs: 950, tags: { phase: 'warmup' } };
  const v = vllmSeedMetrics([warm, ...R]);
  assert.equal(v.requests, 3);
  assert.equal(v.failures, 1);
  close(v.benchmarkDurationS, 0.31);
  close(v.ttftMs!.mean, 145);
  close(v.tpotMs!.mean, 17.5);
  close(v.requestLatencyMs!.mean, 205);
  close(v.itlMs!.mean, 24);
  assert.equal(v.ntpotMs, undefined);
  close(v.outputTokensPerS, 9 / 0.31);
  // LMBenchmark / llm-d: TTFT to the first content chunk [100, 200], latency end − sent [170, 260],
  // TPOT = ITL = (latency − TTFT)/(out − 1) = [70/4, 60/3]; window first sent 1000 → last end 1310
  const l = lmbenchSeedMetrics([warm, ...R]);
  assert.equal(l.requests, 3);
  close(l.ttftMs!.mean, 150);
  close(l.requestLatencyMs!.mean, 215);
  close(l.tpotMs!.mean, (17.5 + 20) / 2);
  close(l.itlMs!.mean, (17.5 + 20) / 2);
  close(l.benchmarkDurationS, 0.31);
  close(l.failureRate, 1 / 3);
});
