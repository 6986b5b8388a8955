import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { healthDetail, healthWord, RECORDS_FILE, HEALTH_FILE } from '../../../src/analysis/summary.ts';
import { analyzeResultDir } from '../../../src/analysis/analyze.ts';
import { formatFinalTable } from '../../../src/analysis/table.ts';

const base = { worker: 0, api: 'completion' as const, httpStatus: 200 };
const records: RequestRecord[] = [
  { ...base, id: 0, stage: 0, scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [100, 110, 120], chunkTokens: [1, 1, 1], endAtMs: 130, promptTokensServer: 50, completionTokensServer: 3 },
  { ...base, id: 1, stage: 0, scheduledAtMs: 500, sentAtMs: 500, chunkTimesMs: [520, 540], chunkTokens: [1, 1], endAtMs: 1000, promptTokensServer: 30, completionTokensServer: 2 },
  { ...base, id: 2, stage: 0, scheduledAtMs: 600, sentAtMs: 600, chunkTimesMs: [], chunkTokens: [], endAtMs: 610, httpStatus: 429, error: { label: 'http_429', message: 'slow down' } },
  { ...base, id: 3, stage: 0, scheduledAtMs: 700, sentAtMs: 700, chunkTimesMs: [], chunkTokens: [], endAtMs: 710, httpStatus: 500, error: { label: 'http_5xx', message: 'x' } },
];

test('analysis: ten metrics from records, files written, health carried', async () => {
  const res = mkdtempSync(join(tmpdir(), 'res-'));
  const ana = mkdtempSync(join(tmpdir(), 'ana-'));
  writeFileSync(join(res, RECORDS_FILE), records.map((r) => JSON.stringify(r)).join('\n') + '\n{"torn');
  writeFileSync(join(res, HEALTH_FILE), JSON.stringify({ client_bottleneck: true, warnings: ['schedule lag p99 120 ms'] }));
  const s = (await analyzeResultDir('inference-perf_1_x_1', res, ana, false))!;
  assert.equal(s.requests.total, 4);
  assert.equal(s.requests.failed, 2);
  assert.equal(s.failure_rate, 0.5);
  assert.deepEqual(s.failures_by_label, { '429 - Rate Limit': 1, '500 - Internal Server Error': 1 });
  assert.equal(s.benchmark_duration_s, 1);
  assert.equal(s.output_tokens_per_s, 5);
  assert.equal(s.input_tokens_per_s, 80);
  assert.equal(s.requests_per_s, 2);
  const near = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);
  near(s.ttft_ms?.mean, 60);
  near(s.request_latency_ms?.p50, 315);
  near(s.tpot_ms?.mean, 15);
  near(s.itl_ms?.mean, 40 / 3);
  const json = JSON.parse(readFileSync(join(ana, 'summary.json'), 'utf8'));
  assert.equal(json.loadgen_health.client_bottleneck, true);
  const txt = readFileSync(join(ana, 'summary.txt'), 'utf8');
  assert.match(txt, /INCOMPLETE/);
  assert.match(txt, /load generator\s+BOTTLENECK \(client busy\)/);
  const table = formatFinalTable([s]);
  for (const row of ['output tokens/s (tok/s)', 'input tokens/s (tok/s)', 'requests/s (req/s)', 'TTFT p99 (ms)', 'TPOT mean (ms)', 'request latency p90 (ms)', 'NTPOT p50 (ms)', 'ITL mean (ms)', 'failure rate (%)', 'benchmark duration (s)']) {
    assert.ok(table.includes(row), `table row ${row}`);
  }
  assert.match(table, /failure rate \(%\)\s+50\.00/);
});

test('analysis: no records → no summary', async () => {
  const res = mkdtempSync(join(tmpdir(), 'res-'));
  assert.equal(await analyzeResultDir('x', res, res, true), undefined);
});

test('summary.txt health block: achieved vs requested per stage, lag percentiles, max in flight, loop delay, CPU, cause', () => {
  const lines = healthDetail({
    client_bottleneck: true,
    cause: 'machine',
    warnings: ['stage 0: schedule lag p99 64.0 ms > 10 ms'],
    stages: [
      { stage: 0, kind: 'open', requestedRate: 1, achievedRate: 0.98, maxInFlight: 2, scheduleLagMs: { p50: 0.1, p99: 64, max: 70 } },
      { stage: 1, kind: 'closed', concurrency: 4, achievedRate: 7.5, maxInFlight: 4, scheduleLagMs: { p50: 0, p99: 0, max: 0 } },
    ],
    eventLoopDelayP99Ms: 35,
    eventLoopDelayMaxMs: 40,
    cpuUtilisation: 0.03,
    runQueueWaitShare: 0.6,
  });
  assert.equal(lines[0], '  stage 0: 0.98 of 1.00 req/s; schedule lag (ms) p50 0.10 p99 64.00 max 70.00; max in flight 2');
  assert.equal(lines[1], '  stage 1: concurrency 4, 7.50 req/s; schedule lag (ms) p50 0.00 p99 0.00 max 0.00; max in flight 4');
  assert.equal(lines[2], '  event-loop delay (ms) p99 35.00 max 40.00; client CPU 3% of a core; waited for a CPU 60% of busy time');
  assert.equal(lines[3], '  warning: stage 0: schedule lag p99 64.0 ms > 10 ms');
  assert.equal(healthWord({ client_bottleneck: true, cause: 'machine', warnings: [] }), 'BEHIND (CPU starved)');
  assert.equal(healthWord({ client_bottleneck: false, cause: 'none', warnings: [] }), 'ok');
});

test('analysis: a bad records line is warned with file and line and listed in the summary, the rest analysed', async () => {
  const res = mkdtempSync(join(tmpdir(), 'res-'));
  const ana = mkdtempSync(join(tmpdir(), 'ana-'));
  writeFileSync(join(res, RECORDS_FILE), `${JSON.stringify(records[0])}\ngarbage\n${JSON.stringify(records[1])}\n`);
  const warned: string[] = [];
  const log = { debug() {}, info() {}, warn: (m: string) => warned.push(m), error() {} } as unknown as import('../../../src/util/logger.ts').Logger;
  const s = await analyzeResultDir('r', res, ana, true, { log });
  assert.equal(s?.requests.total, 2);
  assert.equal(s?.bad_record_lines?.length, 1);
  assert.match(s!.bad_record_lines![0]!, /records\.jsonl:2: request record is not JSON: garbage/);
  assert.equal(warned.length, 1);
  assert.match(readFileSync(join(ana, 'summary.txt'), 'utf8'), /bad record lines +1/);
});
