import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { failureLabel, lifecycleReport, outputTimesMs } from '../../../../src/harness/inference-perf/lifecycle.ts';
import { percentileKey, percentileSorted, summarize } from '../../../../src/harness/inference-perf/stats.ts';
import { resolveIpConfig } from '../../../../src/harness/inference-perf/config-map.ts';
import { LifecycleFiles, PerRequestWriter, perRequestEntry, writeEffectiveConfig, writeLifecycleFiles } from '../../../../src/harness/inference-perf/outputs.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

function rec(p: Partial<RequestRecord> & { id: number; sent: number; chunks: number[]; end: number }): RequestRecord {
  return {
    id: p.id,
    stage: p.stage ?? 0,
    worker: 0,
    api: 'completion',
    scheduledAtMs: p.scheduledAtMs ?? p.sent,
    sentAtMs: p.sent,
    chunkTimesMs: p.chunks,
    chunkTokens: p.chunkTokens ?? p.chunks.map(() => 1),
    endAtMs: p.end,
    httpStatus: p.httpStatus ?? 200,
    ...(p.error ? { error: p.error } : {}),
    ...(p.completionTokensClient !== undefined ? { completionTokensClient: p.completionTokensClient } : {}),
    ...(p.completionTokensServer !== undefined ? { completionTokensServer: p.completionTokensServer } : {}),
    ...(p.promptTokensClient !== undefined ? { promptTokensClient: p.promptTokensClient } : {}),
    ...(p.promptTokensServer !== undefined ? { promptTokensServer: p.promptTokensServer } : {}),
  };
}

test('numpy-linear percentiles and inference-perf summary keys', () => {
  assert.equal(percentileSorted([1, 2, 3, 4], 10), 1.3);
  assert.equal(percentileSorted([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentileSorted([5], 99), 5);
  assert.equal(percentileKey(0.1), 'p0.1');
  assert.equal(percentileKey(99.9), 'p99.9');
  assert.equal(percentileKey(50), 'median');
  assert.equal(summarize([], [50]), null);
  const s = summarize([4, 1, 3, 2], [0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9])!;
  assert.deepEqual(Object.keys(s), ['mean', 'min', 'max', 'p0.1', 'p1', 'p5', 'p10', 'p25', 'median', 'p75', 'p90', 'p95', 'p99', 'p99.9']);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s['p99.9']! - 3.997) < 1e-12);
});

test('lifecycle report: TTFT, TPOT, pooled ITL, NTPOT, throughput over max(end)-min(start)', () => {
  const records = [
    // 4 tokens at +100, +110, +130, +160 ms; ends at +170.
    rec({ id: 0, sent: 1000, chunks: [1100, 1110, 1130, 1160], end: 1170, completionTokensClient: 4, completionTokensServer: 4, promptTokensClient: 10, promptTokensServer: 11 }),
    rec({ id: 1, sent: 1200, chunks: [1250, 1300], end: 1400, completionTokensClient: 2, completionTokensServer: 2, promptTokensClient: 20, promptTokensServer: 20 }),
    rec({ id: 2, sent: 1300, chunks: [], end: 1310, httpStatus: 500, error: { label: 'http_5xx', message: 'boom' } }),
  ];
  const r = lifecycleReport(records, { percentiles: [50, 90], perTokenTimes: true, useServerOutputTokens: false, maxErrorMessages: 10, stage: { requestedRate: 3 } }) as unknown as Report;
  assert.equal(r.benchmark_time_seconds, 0.4);
  assert.equal(r.successes.count, 2);
  assert.equal(r.failures.count, 1);
  assert.deepEqual(r.failures.by_label, { '500 - Internal Server Error': { count: 1, messages: [{ message: 'boom' }] } });
  const lat = r.successes.latency;
  assert.ok(Math.abs(lat.time_to_first_token.mean - (0.1 + 0.05) / 2) < 1e-12);
  // TPOT: (160-100)/3 = 20 ms and (300-250)/1 = 50 ms.
  assert.ok(Math.abs(lat.time_per_output_token.min - 0.02) < 1e-12);
  assert.ok(Math.abs(lat.time_per_output_token.max - 0.05) < 1e-12);
  // ITL pooled: 10, 20, 30, 50 ms.
  assert.ok(Math.abs(lat.inter_token_latency.mean - 0.0275) < 1e-12);
  // NTPOT: 170/4 and 200/2 ms.
  assert.ok(Math.abs(lat.normalized_time_per_output_token.max - 0.1) < 1e-12);
  assert.ok(Math.abs(r.successes.throughput.output_tokens_per_sec - 6 / 0.4) < 1e-9);
  assert.ok(Math.abs(r.successes.throughput.input_tokens_per_sec - 31 / 0.4) < 1e-9);
  assert.ok(Math.abs(r.successes.throughput.requests_per_sec - 5) < 1e-9);
  assert.equal(r.successes.prompt_len.mean, 15);
  assert.equal(r.successes.prompt_tokens.total, 31);
  assert.equal(r.load_summary.count, 3);
  assert.equal(r.load_summary.requested_rate, 3);
  assert.ok(Math.abs(r.load_summary.send_duration - 0.3) < 1e-12);
  assert.ok(Math.abs(r.load_summary.achieved_rate - 10) < 1e-9);
});

test('tokens of one chunk share its arrival time (ITL zeros inside a chunk)', () => {
  const r = rec({ id: 0, sent: 0, chunks: [10, 20], chunkTokens: [2, 1], end: 25 });
  assert.deepEqual(outputTimesMs(r, true), [10, 10, 20]);
  assert.deepEqual(outputTimesMs(r, false), [10, 20]);
});

test('failure labels follow inference-perf', () => {
  assert.equal(failureLabel(rec({ id: 0, sent: 0, chunks: [], end: 1, httpStatus: 429, error: { label: 'http_429', message: '' } })), '429 - Rate Limit');
  assert.equal(failureLabel(rec({ id: 0, sent: 0, chunks: [], end: 1, httpStatus: 400, error: { label: 'http_4xx', message: 'maximum context length is 2048' } })), '400 - Context Window');
  const t = rec({ id: 0, sent: 0, chunks: [], end: 1, error: { label: 'timeout', message: 't' } });
  delete t.httpStatus;
  assert.equal(failureLabel(t), 'Timeout');
});

test('native files: summary, stages, per_request array, config.yaml', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ip-out-'));
  const cfg = resolveIpConfig({ load: { stages: [{ rate: 1, duration: 1 }, { rate: 2, duration: 1 }] }, tokenizer: { pretrained_model_name_or_path: 'x' }, api: { streaming: true }, report: { request_lifecycle: { per_request: true } }, server: { api_key: 'sekrit' } }, { cpuCount: 2 });
  const records = [rec({ id: 0, sent: 0, chunks: [5, 6], end: 7 }), rec({ id: 1, stage: 1, sent: 10, chunks: [15, 16], end: 17 })];
  const files = writeLifecycleFiles(dir, cfg, records, [{ index: 0, requestedRate: 1 }, { index: 1, requestedRate: 2 }]);
  assert.deepEqual(files, ['summary_lifecycle_metrics.json', 'stage_0_lifecycle_metrics.json', 'stage_1_lifecycle_metrics.json']);
  const st1 = JSON.parse(readFileSync(join(dir, 'stage_1_lifecycle_metrics.json'), 'utf8'));
  assert.equal(st1.load_summary.requested_rate, 2);
  assert.equal(st1.load_summary.count, 1);
  const w = new PerRequestWriter(dir, cfg);
  for (const r of records) w.add(perRequestEntry(r, { prompt: 'p' }, true));
  await w.close();
  const per = JSON.parse(readFileSync(join(dir, 'per_request_lifecycle_metrics.json'), 'utf8'));
  assert.equal(per.length, 2);
  assert.deepEqual(Object.keys(per[0]), ['start_time', 'end_time', 'request', 'response', 'info', 'error']);
  assert.deepEqual(per[1].info.response_metrics.output_token_times, [0.015, 0.016]);
  writeEffectiveConfig(dir, cfg);
  const text = readFileSync(join(dir, 'config.yaml'), 'utf8');
  assert.ok(existsSync(join(dir, 'config.yaml')));
  assert.ok(!text.includes('sekrit'));
  assert.match(text, /worker_max_concurrency: 100/);
});

test('per_request file over many 1 MiB buffers: every entry, in order, multi-byte text intact, an entry larger than a buffer too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ip-per-'));
  const cfg = resolveIpConfig({ load: { stages: [{ rate: 1, duration: 1 }] }, api: { streaming: true }, report: { request_lifecycle: { per_request: true } } }, { cpuCount: 2 });
  const w = new PerRequestWriter(dir, cfg);
  const n = 3000;
  const prompt = (i: number): string => (i === 1500 ? 'é'.repeat(600_000) : `${i} naïve 日本語 😀 `.repeat(1 + (i % 50)));
  for (let i = 0; i < n; i++) w.add(perRequestEntry(rec({ id: i, sent: i, chunks: [i + 1], end: i + 2 }), prompt(i), true));
  await w.close();
  const text = readFileSync(join(dir, 'per_request_lifecycle_metrics.json'), 'utf8');
  assert.ok(text.length > 3 * 2 ** 20, 'the file spans several buffers');
  const per = JSON.parse(text) as Report[];
  assert.equal(per.length, n);
  for (let i = 0; i < n; i++) if (per[i]!.request !== prompt(i) || per[i]!.start_time !== i / 1000) assert.fail(`entry ${i} differs`);
});

test('lifecycle files fed one record at a time: the summary merged from the stages is the report over all records, key for key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ip-stream-'));
  const cfg = resolveIpConfig({ load: { stages: [{ rate: 1, duration: 1 }, { rate: 2, duration: 1 }] }, api: { streaming: true }, report: { request_lifecycle: { per_stage: true } } }, { cpuCount: 2 });
  const records: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const stage = i % 3 === 0 ? 1 : 0;
    const sent = 1000 + i * 7;
    const err = i % 5 === 4 ? { label: 'http_5xx' as const, message: `boom ${i % 10}` } : undefined;
    records.push(
      rec({ id: i, stage, sent, scheduledAtMs: sent - (i % 4), chunks: err ? [] : [sent + 30 + i, sent + 41 + i, sent + 55 + 2 * i], end: sent + 60 + 2 * i, promptTokensClient: 10 + i, completionTokensServer: 3, ...(err ? { error: err, httpStatus: 500 } : {}) }),
    );
  }
  const files = new LifecycleFiles(cfg, [{ index: 0, requestedRate: 1 }, { index: 1, requestedRate: 2 }]);
  for (const r of records) files.add(r);
  assert.deepEqual(files.write(dir), ['summary_lifecycle_metrics.json', 'stage_0_lifecycle_metrics.json', 'stage_1_lifecycle_metrics.json']);
  const rl = cfg.report.request_lifecycle;
  const opts = { percentiles: rl.percentiles, perTokenTimes: false, useServerOutputTokens: rl.use_server_output_tokens, maxErrorMessages: rl.max_error_messages };
  const read = (name: string): string => JSON.stringify(JSON.parse(readFileSync(join(dir, name), 'utf8')));
  assert.equal(read('summary_lifecycle_metrics.json'), JSON.stringify(lifecycleReport(records, opts)));
  assert.equal(read('stage_1_lifecycle_metrics.json'), JSON.stringify(lifecycleReport(records.filter((r) => r.stage === 1), { ...opts, stage: { requestedRate: 2 } })));
  const summary = JSON.parse(readFileSync(join(dir, 'summary_lifecycle_metrics.json'), 'utf8')) as Report;
  assert.equal(summary.load_summary.count, 40);
  assert.equal(summary.failures.count, 8);
  // Failure messages in the order the requests finished, across stages.
  assert.equal(Object.keys(summary.failures.by_label).length, 1);
  assert.deepEqual(Object.values(summary.failures.by_label)[0], { count: 8, messages: ['boom 4', 'boom 9'].map((message) => ({ message })) });
});
