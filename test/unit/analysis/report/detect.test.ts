/** Harness detection over results directories and GuideLLM's older report schema (v1 `args`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeResultsDir } from '../../../../src/analysis/report/analyze.ts';
import { detectHarness, readNativeFile, render } from '../../../../src/analysis/report/convert.ts';
import { SAMPLES, schemaErrors } from '../../../helpers/report-schema.ts';

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `llmdbench-${p}-`));

test('each sample directory is detected as its harness', () => {
  const cases: [string, string][] = [
    ['inference-perf/v0.6.1-run', 'inference-perf'],
    ['guidellm/real-run-against-sim', 'guidellm'],
    ['vllm-benchmark/real-run-against-sim', 'vllm-benchmark'],
    ['fmperf/exp-0-baseline-llm-d-70b', 'fmperf'],
  ];
  for (const [dir, kind] of cases) assert.equal(detectHarness(join(SAMPLES, dir))?.converter.kind, kind, dir);
  assert.equal(detectHarness(join(SAMPLES, 'benchmark_report')), undefined);
});

test('fmperf directory: one report per CSV, stages ordered by rate, written to <dir>/analysis', () => {
  const d = tmp('fmperf');
  cpSync(join(SAMPLES, 'fmperf', 'exp-0-baseline-llm-d-70b'), d, { recursive: true });
  const a = analyzeResultsDir(d)!;
  assert.equal(a.outDir, join(d, 'analysis'));
  assert.deepEqual(a.commons.map((c) => c.load.rateQps), [0.5, 0.67, 0.84, 1, 1.17, 1.34]);
  assert.deepEqual(a.commons.map((c) => c.load.stage), [0, 1, 2, 3, 4, 5]);
  assert.equal(a.files.length, 12);
  const index = JSON.parse(readFileSync(join(d, 'analysis', 'reports.json'), 'utf8')) as { reports: { stage: number; files: Record<string, string> }[] };
  assert.equal(index.reports[5]!.files['0.2'], 'benchmark_report_v0.2,_LMBench_sharegpt_output_1.34.csv.yaml');
  assert.ok(readdirSync(join(d, 'analysis')).includes('benchmark_report_v0.2.1,_LMBench_sharegpt_output_0.5.csv.yaml'));
});

test('GuideLLM report schema v1 (`args`): rate by index, data arguments as YAML strings', () => {
  const data = JSON.parse(readFileSync(join(SAMPLES, 'guidellm', 'real-run-against-sim', 'benchmarks.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  delete data['config'];
  delete data['metadata'];
  data['args'] = { profile: 'poisson', rate: [2.5], model: 'm/1', data: ['{"prompt_tokens": 128, "prompt_tokens_stdev": 8, "output_tokens": 16, "source": "x.jsonl"}'] };
  delete data['benchmarks'][0].config.strategy;
  delete data['benchmarks'][0].config.backend;
  const f = join(tmp('guidellm-v1'), 'results.json');
  writeFileSync(f, JSON.stringify(data));
  const [c] = readNativeFile(f, {}, 'guidellm');
  const r = render(c!, {}, '0.2') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const std = r['scenario'].load.standardized;
  assert.equal(std.rate_qps, 2.5);
  assert.deepEqual(std.input_seq_len, { distribution: 'gaussian', value: 128, std_dev: 8 });
  assert.equal(std.source, 'sampled');
  assert.equal(c!.model, 'm/1');
  assert.equal(schemaErrors('0.2', r), '');
});

test('InferenceMAX (-w inferencemax) reads the vllm bench fields; ITL/E2EL without p50/p75 as upstream', () => {
  const vllm = join(SAMPLES, 'vllm-benchmark', 'real-run-against-sim', 'vllm-4.0qps-Llama-3.2-1B-Instruct-20261202-041532.json');
  const data = JSON.parse(readFileSync(vllm, 'utf8')) as Record<string, unknown>;
  data['input_lens'] = [60, 68];
  data['output_lens'] = [30, 34];
  const f = join(tmp('inferencemax'), 'result.json');
  writeFileSync(f, JSON.stringify(data));
  const [c] = readNativeFile(f, {}, 'inferencemax');
  const r = render(c!, {}, '0.2') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const agg = r['results'].request_performance.aggregate;
  assert.equal(r['scenario'].load.standardized.tool, 'inferencemax');
  assert.equal(agg.requests.input_length.mean, 64);
  assert.equal(agg.latency.inter_token_latency.p50, undefined);
  assert.equal(agg.latency.time_to_first_token.p50, data['median_ttft_ms']);
  assert.match(r['run'].time.duration, /^PT10\.364306002000376S$/);
  assert.equal(schemaErrors('0.2', r), '');
});

test('inference-perf session lifecycle file: v0.2.1 session_performance', () => {
  const f = join(tmp('session'), 'stage_2_session_lifecycle_metrics.json');
  const stats = { mean: 3, min: 1, max: 5, 'p0.1': 1, p1: 1, p5: 1, p10: 1, p25: 2, median: 3, p75: 4, p90: 5, p95: 5, p99: 5, 'p99.9': 5 };
  writeFileSync(f, JSON.stringify({ num_sessions: 10, num_sessions_succeeded: 9, num_sessions_failed: 1, total_events: 30, total_events_completed: 28, total_events_cancelled: 2, sessions_per_second: 0.5, session_duration_sec: stats, num_events: stats, total_input_tokens: stats, total_output_tokens: stats }));
  const [c] = readNativeFile(f, {});
  const r = render(c!, {}, '0.2.1') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = r['results'].session_performance.sessions;
  assert.deepEqual([s.total, s.succeeded, s.failed, s.session_rate.mean, s.session_duration.units, s.session_duration.p50], [10, 9, 1, 0.5, 's', 3]);
  assert.equal(r['scenario'].load.standardized.stage, 2);
  assert.equal(schemaErrors('0.2.1', r), '');
  const r1 = render(c!, {}, '0.1') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(r1['metrics'].requests.failures, 2);
  assert.equal(schemaErrors('0.1', r1), '');
});

test('fmperf: every LMBenchmark CSV name is recognised with its rate', () => {
  const d = tmp('fmperf-names');
  const src = readFileSync(join(SAMPLES, 'fmperf', 'exp-0-baseline-llm-d-70b', 'LMBench_sharegpt_output_0.5.csv'), 'utf8');
  for (const n of ['LMBench_short_input_qps2.csv', 'LMBench_long_long_qps0.5.csv', 'LMBench_long_input_output_1.25.csv']) writeFileSync(join(d, n), src);
  const found = detectHarness(d)!;
  assert.equal(found.converter.kind, 'fmperf');
  assert.deepEqual(found.sources.map((s) => [s.file.slice(d.length + 1), s.stage]), [
    ['LMBench_long_long_qps0.5.csv', 0],
    ['LMBench_long_input_output_1.25.csv', 1],
    ['LMBench_short_input_qps2.csv', 2],
  ]);
  const [c] = readNativeFile(join(d, 'LMBench_short_input_qps2.csv'), {});
  assert.equal(c!.load.rateQps, 2);
  assert.equal(c!.load.source, 'random');
});
