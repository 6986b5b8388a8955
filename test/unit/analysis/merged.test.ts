import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeMerged, analyzeResultDir } from '../../../src/analysis/analyze.ts';
import { RECORDS_FILE } from '../../../src/analysis/summary.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { percentile } from '../../../src/metrics/stats.ts';

/** A successful streamed record with the given TTFT (ms), over [start, start+1000]. */
function rec(id: number, start: number, ttftMs: number, outTokens: number, end = start + 1000): RequestRecord {
  return {
    id, stage: 0, worker: 0, api: 'completion', httpStatus: 200, scheduledAtMs: start, sentAtMs: start,
    chunkTimesMs: [start + ttftMs, start + ttftMs + 10], chunkTokens: [1, 1], endAtMs: end, promptTokensServer: 10, completionTokensServer: outTokens,
  };
}

function dirWith(records: RequestRecord[]): string {
  const d = mkdtempSync(join(tmpdir(), 'gen-'));
  writeFileSync(join(d, RECORDS_FILE), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return d;
}

test('merged summary: counts and throughputs add up; percentiles are those of the concatenated values, not averaged', async () => {
  // Generator A: 9 fast requests (TTFT 10..18 ms); generator B: 1 slow request (TTFT 1000 ms) and one failure.
  // Both span exactly [0, 2000] ms, so throughputs add up exactly.
  const a = Array.from({ length: 9 }, (_, i) => rec(i, i === 0 ? 0 : 100, 10 + i, 5, i === 8 ? 2000 : 1100));
  const b = [rec(0, 0, 1000, 7, 2000), { ...rec(1, 50, 1, 0, 60), chunkTimesMs: [], chunkTokens: [], httpStatus: 500, error: { label: 'http_5xx' as const, message: 'x' } }];
  const [da, db] = [dirWith(a), dirWith(b)];
  const out = mkdtempSync(join(tmpdir(), 'merged-'));
  const sa = (await analyzeResultDir('a', da, join(out, 'a'), true))!;
  const sb = (await analyzeResultDir('b', db, join(out, 'b'), true))!;
  const m = (await analyzeMerged('x_merged', [da, db], join(out, 'x_merged'), true))!;
  assert.equal(m.requests.total, sa.requests.total + sb.requests.total);
  assert.equal(m.requests.succeeded, 10);
  assert.equal(m.requests.failed, 1);
  assert.deepEqual(m.failures_by_label, { '500 - Internal Server Error': 1 });
  assert.equal(m.benchmark_duration_s, 2);
  assert.ok(Math.abs(m.output_tokens_per_s - (sa.output_tokens_per_s + sb.output_tokens_per_s)) < 1e-9);
  assert.ok(Math.abs(m.requests_per_s - (sa.requests_per_s + sb.requests_per_s)) < 1e-9);
  assert.ok(Math.abs(m.input_tokens_per_s - (sa.input_tokens_per_s + sb.input_tokens_per_s)) < 1e-9);
  const ttfts = [...a.map((r) => r.chunkTimesMs[0]! - r.sentAtMs), 1000];
  for (const p of [50, 90, 99] as const) assert.ok(Math.abs(m.ttft_ms![`p${p}`] - percentile(ttfts, p)) < 1e-9, `p${p}`);
  // Averaging the generators' p50 (14 and 1000 ms) would say 507 ms; the merged p50 is 14.5 ms.
  const averaged = (sa.ttft_ms!.p50 + sb.ttft_ms!.p50) / 2;
  assert.ok(Math.abs(averaged - 507) < 1e-9);
  assert.ok(Math.abs(m.ttft_ms!.p50 - 14.5) < 1e-9);
  assert.deepEqual(m.merged_from?.length, 2);
  const written = JSON.parse(readFileSync(join(out, 'x_merged', 'summary.json'), 'utf8'));
  assert.equal(written.requests.total, 11);
  assert.match(readFileSync(join(out, 'x_merged', 'summary.txt'), 'utf8'), /merged from\s+2 load generators/);
});
