/**
 * The merged report's sections beyond request counts and latencies, by hand: goodput per stage
 * (share and rate of the requests meeting every SLO, over both generators' records) in the v0.2 /
 * v0.2.1 `results.observability.goodput` and v0.1 `metrics.metadata.goodput`, schema-valid; -f
 * observability from ONE generator's scrape (the one with the most snapshots: every generator
 * scraped the same servers), its raw_data_path pointing at that generator's files; summaries
 * combined from parts (multimodal, sessions); fmperf's report filter keeps exactly the CSV rows.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { analyzeMerged } from '../../../../src/analysis/analyze.ts';
import { lmbenchCsvRows } from '../../../../src/analysis/merged/report-rows.ts';
import { analyzeAll } from '../../../../src/analysis/report/run-analysis.ts';
import { combineStats, mergeSessionReports } from '../../../../src/analysis/merged/summaries.ts';
import { withGoodput } from '../../../../src/analysis/report/goodput-report.ts';
import type { CommonReport } from '../../../../src/analysis/report/types.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { lmbenchRow } from '../../../../src/metrics/lmbench.ts';
import { lmbenchCsv } from '../../../../src/harness/fmperf/outputs.ts';
import { SAMPLES, schemaErrors } from '../../../helpers/report-schema.ts';

const E = Date.UTC(2026, 11, 2, 8, 0, 0);
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function rec(id: number, stage: number, t: number, ttft: number, out = 10): RequestRecord {
  return {
    id, stage, worker: 0, api: 'completion', httpStatus: 200, scheduledAtMs: t, sentAtMs: t,
    chunkTimesMs: [t + ttft, t + ttft + 20], chunkTokens: [1, out - 1], endAtMs: t + 500, promptTokensServer: 100, completionTokensServer: out,
  };
}
const failed = (id: number, stage: number, t: number): RequestRecord => ({
  ...rec(id, stage, t, 0), chunkTimesMs: [], chunkTokens: [], httpStatus: 500, endAtMs: t + 5, error: { label: 'http_5xx', message: 'boom' },
});

function generator(root: string, i: number, records: RequestRecord[], clock: { mono_ms: number; epoch_ms: number; domain: string }): string {
  const d = join(root, 'results', `inference-perf_1711800000_sim_${i}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(d, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], clock }));
  writeFileSync(join(d, 'run_metadata.yaml'), `harness_name: inference-perf\nharness_start: "2026-12-02T08:00:0${i}Z"\nharness_stop: "2026-12-02T08:00:1${i}Z"\nexperiment_id: "1711800000"\nmodel: m\n`);
  copyFileSync(join(SAMPLES, 'inference-perf', 'v0.6.1-run', 'stage_0_lifecycle_metrics.json'), join(d, 'stage_0_lifecycle_metrics.json'));
  return d;
}

/** -f snapshots of one target: `running` = vllm:num_requests_running per snapshot, one second apart. */
function scrape(dir: string, running: number[]): void {
  const raw = join(dir, 'metrics', 'raw');
  mkdirSync(raw, { recursive: true });
  running.forEach((v, k) => writeFileSync(join(raw, `pod-a_${E + k * 1000}_metrics.txt`), `# Pod: pod-a\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running ${v}\n`));
}

test('merged goodput by hand (share and rate of requests meeting every SLO, per stage) in every report version; observability from the generator scrape with the most snapshots', async () => {
  const root = mkdtempSync(join(tmpdir(), 'merge-sections-'));
  // Stage 0 TTFTs: pod 1 10, 20, 30 ms and a failure; pod 2 40, 1000 ms (other clock, +30 ms). TPOT = 20/9 ms each.
  const g1 = generator(root, 1, [rec(0, 0, 1000, 10), rec(1, 0, 1100, 20), rec(2, 0, 1200, 30), failed(3, 0, 1250), rec(4, 1, 3000, 5)], { mono_ms: 1000, epoch_ms: E, domain: 'boot:a' });
  const g2 = generator(root, 2, [rec(0, 0, 9_000_000, 40), rec(1, 0, 9_000_100, 1000, 20), rec(2, 1, 9_002_000, 9)], { mono_ms: 9_000_000, epoch_ms: E + 30, domain: 'boot:b' });
  scrape(g1, [1, 2]);
  scrape(g2, [4, 6, 8]);
  const out = join(root, 'analysis', 'inference-perf_1711800000_sim_merged');
  const s = (await analyzeMerged('inference-perf_1711800000_sim_merged', [g1, g2], out, true, { slo: { ttft: 25, tpot: 5 } }))!;
  // Whole run: good = TTFT ≤ 25 and TPOT ≤ 5: pod 1's 10, 20 (stage 0) and 5 (stage 1), pod 2's 9 (stage 1) = 4 of 8.
  assert.equal(s.goodput?.good_requests, 4);
  assert.equal(s.goodput?.total_requests, 8);
  const v02: J = parse(readFileSync(join(out, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  const v021: J = parse(readFileSync(join(out, 'benchmark_report_v0.2.1,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  const v01: J = parse(readFileSync(join(out, 'benchmark_report,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  for (const [v, r] of [['0.1', v01], ['0.2', v02], ['0.2.1', v021]] as const) assert.equal(schemaErrors(v, r), '', `v${v}`);
  // Stage 0: 2 good of 6 (the failure counts, as not good); window 1000 → 1700 on pod 1's clock = 0.7 s.
  const g = v02.results.observability.goodput;
  assert.deepEqual(g.slo_ms, { ttft: 25, tpot: 5 });
  assert.equal(g.good_requests, 2);
  assert.equal(g.total_requests, 6);
  assert.ok(Math.abs(g.good_fraction - 2 / 6) < 1e-12);
  assert.ok(Math.abs(g.good_requests_per_s - 2 / 0.7) < 1e-9, String(g.good_requests_per_s));
  // Attainment over the 5 successes: TTFT 2 of 5, TPOT 5 of 5.
  assert.deepEqual(g.attainment_fraction, { ttft: 0.4, tpot: 1 });
  assert.deepEqual(v021.results.observability.goodput, g);
  assert.deepEqual(v01.metrics.metadata.goodput, g);
  // Stage 1: both good, 2 of 2.
  const st1: J = parse(readFileSync(join(out, 'benchmark_report_v0.2,_records.jsonl_1.yaml'), 'utf8'));
  assert.equal(st1.results.observability.goodput.good_requests, 2);
  // -f: pod 2 scraped 3 snapshots, pod 1 two, of the same server: pod 2's describes it (mean running 6, not 4.2 or a sum).
  const obs = v02.results.observability;
  assert.equal(obs.scrape_source, 'inference-perf_1711800000_sim_2');
  assert.equal(obs.components.length, 1);
  assert.equal(obs.components[0].aggregate.running_requests.mean, 6);
  assert.equal(obs.components[0].raw_data_path, '../../results/inference-perf_1711800000_sim_2/metrics/raw/pod-a_*_metrics.txt');
  assert.equal(s.monitoring?.snapshots, 3);
  assert.equal(s.monitoring?.running_requests_mean, 6);
  // The merged result gets its own HTML report with the goodput rows and the generators it merges.
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /goodput: requests meeting every SLO \(%\)<\/span><\/td><td>50\.00</);
  assert.match(html, /goodput SLOs.*ttft ≤ 25 ms, tpot ≤ 5 ms/);
  assert.match(html, /href="\.\.\/inference-perf_1711800000_sim_2\/report\.html"/);
});

test('combineStats: count-weighted mean, extremes, pooled population stddev; percentiles only for a constant', () => {
  const s = combineStats([{ stats: { units: 'count', mean: 10, min: 5, max: 15, stddev: 2, p50: 10 }, n: 2 }, { stats: { units: 'count', mean: 20, min: 18, max: 30, stddev: 4, p50: 19 }, n: 3 }])!;
  assert.equal(s.mean, 16);
  assert.equal(s.min, 5);
  assert.equal(s.max, 30);
  // (2·(4 + 36) + 3·(16 + 16)) / 5 = 35.2
  assert.ok(Math.abs(s.stddev! - Math.sqrt(35.2)) < 1e-12);
  assert.equal(s.p50, undefined);
  const c = combineStats([{ stats: { units: 'count', mean: 0, min: 0, max: 0, p50: 0, p99: 0 }, n: 4 }, { stats: { units: 'count', mean: 0, min: 0, max: 0, p50: 0, p99: 0 }, n: 1 }])!;
  assert.deepEqual(c, { units: 'count', mean: 0, min: 0, max: 0, stddev: 0, p50: 0, p99: 0 });
  assert.equal(combineStats([{ stats: { units: 's', mean: 1 }, n: 1 }, { stats: { units: 'ms', mean: 1 }, n: 1 }]), undefined);
});

test('merged session reports: counts add, the session rate is over the merged window, per-session distributions combined', () => {
  const part = (total: number, events: number, done: number, rate: number, dur: number): CommonReport => ({
    harness: 'inference-perf', nativeFile: 'stage_0_session_lifecycle_metrics.json', v01Time: { duration: 0 }, load: { stage: 0, source: 'unknown', inputSeqLen: { distribution: 'other', value: 0 } },
    native: {}, cfgIdOf: 'config', requests: { total: events, failures: events - done }, latency: {}, throughput: {},
    sessions: { total, succeeded: total, failed: 0, total_events: events, total_events_completed: done, session_rate: { units: 'queries/s', mean: rate }, session_duration: { units: 's', mean: dur, min: dur, max: dur } },
  });
  const m = mergeSessionReports([part(4, 20, 19, 2, 3), part(6, 30, 30, 3, 5)], 4)!;
  const ss = m.sessions as J;
  assert.equal(ss.total, 10);
  assert.equal(ss.total_events, 50);
  assert.equal(ss.total_events_completed, 49);
  assert.equal(m.requests.total, 50);
  assert.equal(m.requests.failures, 1);
  assert.equal(ss.session_rate.mean, 10 / 4);
  assert.equal(ss.session_duration.mean, (4 * 3 + 6 * 5) / 10);
  assert.equal(ss.session_duration.min, 3);
  assert.equal(ss.session_duration.max, 5);
});

test('withGoodput: by stage number, else by position (fmperf: CSV stages vs the records\' stages with warm-ups between), else the run\'s for one report, else none', () => {
  const c = (stage: number): CommonReport => ({ harness: 'x', nativeFile: `f${stage}`, v01Time: { duration: 0 }, load: { stage, source: 'unknown', inputSeqLen: { distribution: 'other', value: 0 } }, native: {}, cfgIdOf: 'config', requests: { total: 1 }, latency: {}, throughput: {} });
  const gp = (good: number) => ({ slo: { ttft: 1 }, total: 10, good, share: good / 10, ratePerS: good, attainment: { ttft: good / 10 } });
  const g = { all: gp(9), stages: [{ stage: 3, ...gp(1) }, { stage: 7, ...gp(2) }] };
  assert.deepEqual(withGoodput([c(3), c(7)], g).map((x) => x.goodput?.good_requests), [1, 2]);
  assert.deepEqual(withGoodput([c(0), c(1)], g).map((x) => x.goodput?.good_requests), [1, 2]);
  assert.deepEqual(withGoodput([c(0)], g).map((x) => x.goodput?.good_requests), [9]);
  assert.deepEqual(withGoodput([c(0), c(1), c(2)], g).map((x) => x.goodput), [undefined, undefined, undefined]);
});

test('fmperf report filter: exactly the records that are rows of the generator\'s CSVs (not the failures, warm-ups, or requests finished after the cutoff)', () => {
  const d = mkdtempSync(join(tmpdir(), 'fmperf-rows-'));
  // A realistic anchor: fractional monotonic ms, epoch ms of 2026.
  const anchor = { monoMs: 613780.70996, epochMs: 1796213541185 };
  writeFileSync(join(d, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], clock: { mono_ms: anchor.monoMs, epoch_ms: anchor.epochMs, domain: 'boot:x' } }));
  const t0 = 614000.123456789;
  const inCsv = [rec(0, 3, t0, 21.7), rec(1, 3, t0 + 333.3333, 19.1), rec(2, 3, t0 + 666.6667, 25.05)];
  const late = rec(3, 3, t0 + 1900.01, 30); // finished after the cutoff: not in the CSV
  const bad = failed(4, 3, t0 + 100.5);
  const warm = { ...rec(5, 2, t0 - 50, 10), tags: { phase: 'engine-warmup' } };
  writeFileSync(join(d, 'LMBench_long_input_output_4.csv'), lmbenchCsv(inCsv.map((r) => lmbenchRow(r, anchor)!), false));
  const keep = lmbenchCsvRows(d)!;
  assert.ok(keep);
  assert.deepEqual([...inCsv, late, bad, warm].map((r) => keep(r)), [true, true, true, false, false, false]);
});

test('llmdbench analyze of a work dir with --slo: the merged reports carry each stage\'s goodput over both generators\' records too', async () => {
  const root = mkdtempSync(join(tmpdir(), 'merge-analyze-'));
  generator(root, 1, [rec(0, 0, 1000, 10), rec(1, 0, 1100, 20), rec(2, 0, 1200, 30), failed(3, 0, 1250)], { mono_ms: 1000, epoch_ms: E, domain: 'boot:a' });
  generator(root, 2, [rec(0, 0, 9_000_000, 40), rec(1, 0, 9_000_100, 1000, 20)], { mono_ms: 9_000_000, epoch_ms: E + 30, domain: 'boot:b' });
  await analyzeAll(root, { slo: { ttft: 25 } });
  const out = join(root, 'analysis', 'inference-perf_1711800000_sim_merged');
  const v02: J = parse(readFileSync(join(out, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  assert.equal(schemaErrors('0.2', v02), '');
  assert.deepEqual([v02.results.observability.goodput.good_requests, v02.results.observability.goodput.total_requests], [2, 6]);
  assert.equal(JSON.parse(readFileSync(join(out, 'goodput.json'), 'utf8')).all.good, 2);
});
