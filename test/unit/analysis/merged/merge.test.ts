/**
 * -j N merged reports from generators on different clocks (pods on different nodes): records on
 * two unrelated monotonic bases, aligned through each generator's clock anchor; counts add up,
 * percentiles are those of the concatenated values (by hand), throughputs are over the aligned
 * union window, stage i of every generator is merged together, reports validate against the
 * upstream schemas, and non-overlapping windows are warned about.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { analyzeMerged } from '../../../../src/analysis/analyze.ts';
import { alignClocks } from '../../../../src/analysis/merged/clock.ts';
import { mergeGroups } from '../../../../src/analysis/merged/groups.ts';
import { analyzeAll } from '../../../../src/analysis/report/run-analysis.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { SAMPLES, schemaErrors } from '../../../helpers/report-schema.ts';

const E = Date.UTC(2026, 11, 2, 8, 0, 0);

/** A streamed success sent at `t` (ms, the generator's own clock) with TTFT `ttft` ms, `out` tokens, ending at t + 500. */
function rec(id: number, stage: number, t: number, ttft: number, out = 10): RequestRecord {
  return {
    id, stage, worker: 0, api: 'completion', httpStatus: 200, scheduledAtMs: t, sentAtMs: t,
    chunkTimesMs: [t + ttft, t + ttft + 20], chunkTokens: [1, out - 1], endAtMs: t + 500, promptTokensServer: 100, completionTokensServer: out,
  };
}
const failed = (id: number, stage: number, t: number): RequestRecord => ({
  ...rec(id, stage, t, 0), chunkTimesMs: [], chunkTokens: [], httpStatus: 500, endAtMs: t + 5, error: { label: 'http_5xx', message: 'boom' },
});

function generator(root: string, i: number, records: RequestRecord[], clock?: { mono_ms: number; epoch_ms: number; domain: string }, native = false): string {
  const d = join(root, 'results', `inference-perf_1711800000_sim_${i}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(d, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], ...(clock ? { clock } : {}) }));
  writeFileSync(join(d, 'run_metadata.yaml'), `harness_name: inference-perf\nharness_start: "2026-12-02T08:00:0${i}Z"\nharness_stop: "2026-12-02T08:00:1${i}Z"\nexperiment_id: "1711800000"\nmodel: m\n`);
  if (native) copyFileSync(join(SAMPLES, 'inference-perf', 'v0.6.1-run', 'stage_0_lifecycle_metrics.json'), join(d, 'stage_0_lifecycle_metrics.json'));
  return d;
}

test('clock alignment: one kernel = shift 0; other nodes = wall-clock offsets; no anchor = assumed shared, warned', () => {
  const a = alignClocks(['x_1', 'x_2', 'x_3'], [
    { mono_ms: 1000, epoch_ms: E, domain: 'boot:a' },
    { mono_ms: 2000, epoch_ms: E + 1000.4, domain: 'boot:a' },
    { mono_ms: 9_000_000, epoch_ms: E + 30, domain: 'boot:b' },
  ]);
  assert.equal(a.method, 'wall-clock');
  assert.deepEqual(a.shiftsMs, [0, 0, 1030 - 9_000_000]);
  assert.equal(a.epochOffsetMs, E - 1000);
  const same = alignClocks(['x_1', 'x_2'], [{ mono_ms: 1, epoch_ms: E, domain: 'boot:a' }, { mono_ms: 5, epoch_ms: E + 9, domain: 'boot:a' }]);
  assert.equal(same.method, 'shared-monotonic');
  assert.deepEqual(same.shiftsMs, [0, 0]);
  const none = alignClocks(['x_1', 'x_2'], [undefined, undefined]);
  assert.equal(none.method, 'assumed-shared');
  assert.equal(none.warnings.length, 1);
  const half = alignClocks(['x_1', 'x_2'], [{ mono_ms: 1, epoch_ms: E, domain: 'boot:a' }, undefined]);
  assert.match(half.warnings.join('\n'), /x_2 recorded no clock anchor/);
});

test('merge groups: <base>_1 … _N (N ≥ 2) in a results folder, by index', () => {
  const g = mergeGroups(['/w/results/a_10', '/w/results/a_2', '/w/results/a_1', '/w/results/b_1', '/w/other/c_1', '/w/other/c_2']);
  assert.equal(g.length, 1);
  assert.deepEqual(g[0]!.dirs, ['/w/results/a_1', '/w/results/a_2', '/w/results/a_10']);
  assert.equal(g[0]!.analysisDir, '/w/analysis/a_merged');
});

test('merged reports across pods on different clocks: counts add up, percentiles by hand, throughput over the aligned window, per stage, schema-valid', async () => {
  const root = mkdtempSync(join(tmpdir(), 'merge-'));
  // Pod 1: its clock reads 1000 ms at E. Pod 2: 9e6 ms at E + 30 ms (another node, started 30 ms later).
  const g1 = generator(root, 1, [rec(0, 0, 1000, 10), rec(1, 0, 1100, 20), rec(2, 0, 1200, 30), failed(3, 0, 1250), rec(4, 1, 3000, 5), rec(5, 1, 3100, 7)], { mono_ms: 1000, epoch_ms: E, domain: 'boot:a' }, true);
  const g2 = generator(root, 2, [rec(0, 0, 9_000_000, 40), rec(1, 0, 9_000_100, 1000, 20), rec(2, 1, 9_002_000, 9)], { mono_ms: 9_000_000, epoch_ms: E + 30, domain: 'boot:b' }, true);
  const out = join(root, 'analysis', 'inference-perf_1711800000_sim_merged');
  const s = (await analyzeMerged('inference-perf_1711800000_sim_merged', [g1, g2], out, true))!;
  assert.equal(s.requests.total, 9);
  assert.equal(s.merge?.clock_alignment, 'wall-clock');
  assert.ok(Math.abs(s.merge!.start_skew_s - 0.03) < 1e-9, String(s.merge!.start_skew_s));
  assert.equal(s.merge!.windows_overlap, true);
  assert.match(readFileSync(join(out, 'summary.txt'), 'utf8'), /generator start skew\s+0\.030 s \(clocks wall-clock; windows overlap\)/);
  // Unaligned, the span would be ~9000 s; aligned: first send 1000 (pod 1), last end 3100 + 500 on pod 1's clock.
  assert.ok(Math.abs(s.benchmark_duration_s - 2.6) < 1e-9, String(s.benchmark_duration_s));
  const v02 = parse(readFileSync(join(out, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  const v01 = parse(readFileSync(join(out, 'benchmark_report,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  const v021 = parse(readFileSync(join(out, 'benchmark_report_v0.2.1,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  for (const [v, r] of [['0.1', v01], ['0.2', v02], ['0.2.1', v021]] as const) assert.equal(schemaErrors(v, r), '', `v${v}`);
  const agg = v02.results.request_performance.aggregate;
  // Stage 0: pod 1 has 4 requests (1 failed), pod 2 has 2.
  assert.equal(agg.requests.total, 6);
  assert.equal(agg.requests.failures, 1);
  // TTFT of the successes, concatenated: 10, 20, 30 (pod 1), 40, 1000 (pod 2) ms. numpy p50 = 30 ms;
  // p90 = 40 + 0.6 × (1000 − 40) = 616 ms. Averaging the pods' p90s (26 and 904) would say 465 ms.
  assert.equal(agg.latency.time_to_first_token.units, 's');
  assert.ok(Math.abs(agg.latency.time_to_first_token.p50 - 0.03) < 1e-12);
  assert.ok(Math.abs(agg.latency.time_to_first_token.p90 - 0.616) < 1e-12, String(agg.latency.time_to_first_token.p90));
  // Output tokens 10+10+10+10+20 = 60 over stage 0's aligned window: first send 1000 (pod 1), last end
  // max(1200 + 500 (pod 1), 1030 + 100 + 500 (pod 2)) = 1700 → 0.7 s.
  assert.ok(Math.abs(agg.throughput.output_token_rate.mean - 60 / 0.7) < 1e-9, String(agg.throughput.output_token_rate.mean));
  assert.ok(Math.abs(agg.throughput.request_rate.mean - 5 / 0.7) < 1e-9);
  assert.equal(v02.scenario.load.standardized.parallelism, 2);
  assert.match(v02.scenario.load.metadata.description, /merged from 2 load generators .*start skew 0\.030 s/);
  assert.equal(v02.run.time.start, new Date(E).toISOString());
  assert.equal(v01.metrics.requests.total, 6);
  assert.ok(Math.abs(v01.metrics.throughput.output_tokens_per_sec - 60 / 0.7) < 1e-9);
  // Stage 1: 2 + 1 requests merged, their own report (the generators' stage-1 native file is absent: records name it).
  const st1 = parse(readFileSync(join(out, 'benchmark_report_v0.2,_records.jsonl_1.yaml'), 'utf8'));
  assert.equal(schemaErrors('0.2', st1), '');
  assert.equal(st1.results.request_performance.aggregate.requests.total, 3);
  assert.equal(st1.scenario.load.standardized.stage, 1);
  const merge = JSON.parse(readFileSync(join(out, 'merge.json'), 'utf8'));
  assert.deepEqual(merge.generators.map((g: { requests: number }) => g.requests), [6, 3]);
  const index = JSON.parse(readFileSync(join(out, 'reports.json'), 'utf8'));
  assert.deepEqual(index.reports.map((r: { stage: number }) => r.stage), [0, 1]);
});

test('windows that do not overlap (a failed start barrier) are warned about; llmdbench analyze of the work dir writes the merged reports too', async () => {
  const root = mkdtempSync(join(tmpdir(), 'merge-'));
  // Pod 2 starts 60 s after pod 1 finished.
  generator(root, 1, [rec(0, 0, 1000, 10), rec(1, 0, 1100, 20)], { mono_ms: 1000, epoch_ms: E, domain: 'boot:a' }, true);
  generator(root, 2, [rec(0, 0, 500, 10)], { mono_ms: 500, epoch_ms: E + 60_000, domain: 'boot:b' }, true);
  const r = await analyzeAll(root);
  assert.match(r.text, /merged 2 load generators: 3 reports in .*inference-perf_1711800000_sim_merged/);
  assert.match(r.text, /did not overlap \(start skew 60\.000 s\)/);
  const out = join(root, 'analysis', 'inference-perf_1711800000_sim_merged');
  assert.ok(existsSync(join(out, 'benchmark_report_v0.2.1,_stage_0_lifecycle_metrics.json.yaml')));
  const merge = JSON.parse(readFileSync(join(out, 'merge.json'), 'utf8'));
  assert.equal(merge.windows_overlap, false);
  const v02 = parse(readFileSync(join(out, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  assert.equal(v02.results.request_performance.aggregate.requests.total, 3);
  assert.match(v02.scenario.load.metadata.description, /windows DO NOT overlap/);
});
