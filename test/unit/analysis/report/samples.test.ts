/**
 * Every upstream sample converts into reports that validate against the upstream
 * JSON schemas, with key values checked by hand against the native files and the
 * tools' own console output (units included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNativeFile, render, renderAll } from '../../../../src/analysis/report/convert.ts';
import { readConfigFile } from '../../../../src/analysis/report/context.ts';
import { SAMPLES, schemaErrors } from '../../../helpers/report-schema.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const s = (p: string): string => join(SAMPLES, p);
const GUIDELLM = s('guidellm/real-run-against-sim/benchmarks.json');
const GUIDELLM_V2 = s('guidellm/guidellm_report_v2.json');
const IP_STAGE = s('inference-perf/v0.6.1-run/stage_0_lifecycle_metrics.json');
const IP_LIFECYCLE = s('inference-perf/inference_perf_lifecycle.yaml');
const VLLM = s('vllm-benchmark/real-run-against-sim/vllm-4.0qps-Llama-3.2-1B-Instruct-20261202-041532.json');
const FMPERF = ['0.5', '0.67', '0.84', '1', '1.17', '1.34'].map((q) => s(`fmperf/exp-0-baseline-llm-d-70b/LMBench_sharegpt_output_${q}.csv`));

function all(file: string, harness?: string): { version: string; fileName: string; report: Obj }[] {
  return renderAll(readNativeFile(file, {}, harness), {}) as { version: string; fileName: string; report: Obj }[];
}

function v(reports: { version: string; report: Obj }[], version: string, i = 0): Obj {
  return reports.filter((r) => r.version === version)[i]!.report;
}

test('every sample converts into reports valid against the upstream schemas', () => {
  const cases: [string, string | undefined, number][] = [
    [GUIDELLM, undefined, 3],
    [GUIDELLM_V2, undefined, 6],
    [IP_STAGE, undefined, 3],
    [IP_LIFECYCLE, 'inference-perf', 3],
    [VLLM, undefined, 3],
    ...FMPERF.map((f) => [f, undefined, 2] as [string, undefined, number]),
  ];
  for (const [file, harness, n] of cases) {
    const reports = all(file, harness);
    assert.equal(reports.length, n, file);
    for (const r of reports) assert.equal(schemaErrors(r.version, r.report), '', `${r.fileName} (v${r.version})`);
  }
});

test('GuideLLM v0.7: TTFT/TPOT/ITL in ms, request latency in s, load from the realized strategy', () => {
  const reports = all(GUIDELLM);
  assert.deepEqual(
    reports.map((r) => r.fileName),
    ['benchmark_report,_benchmarks.json_0.yaml', 'benchmark_report_v0.2,_benchmarks.json_0.yaml', 'benchmark_report_v0.2.1,_benchmarks.json_0.yaml'],
  );
  const r = v(reports, '0.2');
  const agg = r.results.request_performance.aggregate;
  // The native percentiles, and the tool's console table (TTFT Mdn 55.4 / p95 61.3 ms; latency 0.4 s).
  assert.equal(agg.latency.time_to_first_token.units, 'ms');
  assert.equal(agg.latency.time_to_first_token.p90, 60.964107513427734);
  assert.equal(agg.latency.time_to_first_token.p50.toFixed(1), '55.4');
  assert.equal(agg.latency.time_to_first_token.p95.toFixed(1), '61.3');
  assert.equal(agg.latency.time_to_first_token.p99p9, 64.35036659240723);
  assert.equal(agg.latency.time_to_first_token.stddev, 2.4675430376341567);
  assert.equal(agg.latency.request_latency.units, 's');
  assert.equal(agg.latency.request_latency.p50.toFixed(1), '0.4');
  assert.equal(agg.latency.time_per_output_token.units, 'ms/token');
  assert.equal(agg.latency.time_per_output_token.p50.toFixed(1), '11.4');
  assert.equal(agg.latency.inter_token_latency.p50.toFixed(1), '10.0');
  assert.deepEqual([agg.requests.total, agg.requests.failures, agg.requests.incomplete], [41, 0, 2]);
  assert.equal(agg.throughput.output_token_rate.units, 'tokens/s');
  const std = r.scenario.load.standardized;
  assert.deepEqual(
    [std.tool, std.stage, std.rate_qps, std.concurrency, std.source, std.input_seq_len, std.output_seq_len],
    ['guidellm', 0, 4, undefined, 'random', { distribution: 'fixed', value: 64 }, { distribution: 'fixed', value: 32 }],
  );
  assert.deepEqual(r.run.time, { start: '2026-12-02T04:11:34+00:00', end: '2026-12-02T04:11:44+00:00', duration: 'PT10.0S' });
  // Python: sha256(json.dumps({"config": data["config"]}, sort_keys=True))
  assert.equal(r.scenario.load.metadata.cfg_id, '020ab28bae303b7fbfd76f2f77810477998ff8fa2a35419c826f12e3d95eab1b');
  const r1 = v(reports, '0.1');
  assert.equal(r1.scenario.model.name, 'meta-llama/Llama-3.2-1B-Instruct');
  assert.equal(r1.metrics.latency.time_to_first_token.p90, 60.964107513427734);
  assert.equal(r1.metrics.throughput.output_tokens_per_sec, agg.throughput.output_token_rate.mean);
  assert.deepEqual(r1.metrics.time, { duration: 10, start: 1796184694.9769006, stop: 1796184704.9769006 });
  assert.equal(v(reports, '0.2.1').version, '0.2.1');
});

test('GuideLLM report v2 sample: one report per benchmark, cfg_id as Python computes it', () => {
  const reports = all(GUIDELLM_V2);
  assert.equal(v(reports, '0.2', 1).scenario.load.standardized.stage, 1);
  assert.equal(v(reports, '0.2').scenario.load.metadata.cfg_id, 'a27609013d811e184f054f227f3f3cfaff620ae213938d5fd977a9d8d55630fd');
});

test('inference-perf stage file: latencies in s and s/token, counts and load from the file', () => {
  const reports = all(IP_STAGE);
  const r = v(reports, '0.2');
  const agg = r.results.request_performance.aggregate;
  assert.equal(agg.latency.time_to_first_token.units, 's');
  assert.equal(agg.latency.time_to_first_token.p90, 0.057931202099990746);
  assert.equal(agg.latency.time_to_first_token.p50, 0.054394474999952536);
  assert.equal(agg.latency.normalized_time_per_output_token.units, 's/token');
  assert.equal(agg.latency.request_latency.p99p9, 0.7227888249920105);
  assert.equal(agg.latency.time_to_first_token.stddev, undefined, 'upstream maps no stddev for inference-perf');
  assert.deepEqual([agg.requests.total, agg.requests.failures], [40, 0]);
  assert.equal(r.scenario.load.standardized.rate_qps, 4);
  assert.equal(r.scenario.load.standardized.source, 'unknown');
  assert.equal(r.scenario.load.metadata.cfg_id, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'); // sha256("{}")
  const r1 = v(reports, '0.1');
  assert.equal(r1.metrics.time.duration, 9.850254667000002); // load_summary.send_duration
  assert.equal(r1.scenario.load.args.load.num_workers, 2); // config.yaml next to the stage file
  assert.equal(r1.scenario.model.name, 'unknown');
});

test('inference-perf with the profile: source and ISL/OSL from the data config, cfg_id of the profile', () => {
  const config = readConfigFile(s('inference-perf/v0.6.1-run/profile.yaml'));
  const [c] = readNativeFile(IP_STAGE, { config });
  const r = render(c!, { config }, '0.2') as Obj;
  const std = r.scenario.load.standardized;
  assert.equal(std.source, 'random');
  assert.deepEqual(std.input_seq_len, { distribution: 'gaussian', value: 50, std_dev: 10, min: 10, max: 100 });
  // Python: sha256(json.dumps(yaml.safe_load(profile.yaml), sort_keys=True))
  assert.equal(r.scenario.load.metadata.cfg_id, '4f1fab5f47e65e6e7783b55a6e07152fd5d0e6075f37dbe80230c7f055f19339');
  assert.equal(schemaErrors('0.2', r), '');
});

test('inference-perf lifecycle with media: v0.2.1 carries request_size, multimodal and media rates; v0.2 does not', () => {
  const reports = all(IP_LIFECYCLE, 'inference-perf');
  const a21 = v(reports, '0.2.1').results.request_performance.aggregate;
  assert.ok(a21.requests.request_size);
  assert.equal(a21.requests.request_size.units, 'bytes');
  assert.ok(a21.requests.multimodal.image.count);
  assert.equal(a21.throughput.image_rate.mean, 2.4193548387096775);
  assert.equal(a21.throughput.audio_rate.units, 'audios/s');
  const a2 = v(reports, '0.2').results.request_performance.aggregate;
  assert.equal(a2.requests.request_size, undefined);
  assert.equal(a2.throughput.image_rate, undefined);
});

test('vllm bench: ms latencies as the console printed them, counts, end time from `date`', () => {
  const reports = all(VLLM);
  const r = v(reports, '0.2');
  const agg = r.results.request_performance.aggregate;
  assert.equal(agg.latency.time_to_first_token.units, 'ms');
  assert.equal(agg.latency.time_to_first_token.p90.toFixed(2), '53.86'); // console "P90 TTFT (ms): 53.86"
  assert.equal(agg.latency.time_to_first_token.p99.toFixed(2), '54.65');
  assert.equal(agg.latency.time_to_first_token.mean.toFixed(2), '53.12');
  assert.equal(agg.latency.time_to_first_token.p25, undefined, 'upstream spells it P25 and drops it');
  assert.equal(agg.latency.request_latency.units, 'ms');
  assert.deepEqual([agg.requests.total, agg.requests.failures, agg.requests.input_length.mean, agg.requests.output_length.mean], [40, 0, 64, 32]);
  assert.equal(agg.throughput.request_rate.mean, 3.859399750671174);
  assert.equal(r.run.time.end, '2026-12-02T04:15:32+00:00');
  assert.equal(r.scenario.load.standardized.rate_qps, 4);
  const r1 = v(reports, '0.1');
  assert.equal(r1.scenario.model.name, 'meta-llama/Llama-3.2-1B-Instruct');
  assert.equal(r1.metrics.requests.total, 40); // completed
  assert.equal(r1.metrics.time.start, Date.UTC(2026, 11, 2, 4, 15, 32) / 1000);
});

test('fmperf CSV: statistics from the per-request rows, in ms (numpy reference values)', () => {
  const reports = all(FMPERF[0]!);
  assert.deepEqual(reports.map((r) => r.version), ['0.2', '0.2.1'], 'no v0.1: its schema has no fmperf workload generator');
  const r = v(reports, '0.2');
  const agg = r.results.request_performance.aggregate;
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} vs ${b}`);
  // numpy: np.percentile(ttft, 90) * 1000, tpot p99 (the one 1-token request has no TPOT), latency mean/std, Σ/duration
  close(agg.latency.time_to_first_token.p90, 588.0317687988281);
  close(agg.latency.time_per_output_token.p99, 71.2890121198836);
  close(agg.latency.request_latency.mean, 13813.445556731453);
  close(agg.latency.request_latency.stddev, 8547.531415896367);
  close(agg.throughput.output_token_rate.mean, 107.30793129074256);
  close(agg.throughput.total_token_rate.mean, 673.6322843406285);
  close(agg.throughput.request_rate.mean, 0.49344182119753155);
  assert.equal(agg.requests.total, 252);
  assert.equal(r.scenario.load.standardized.rate_qps, 0.5);
  assert.equal(r.scenario.load.standardized.source, 'sampled');
});
