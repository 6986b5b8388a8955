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
