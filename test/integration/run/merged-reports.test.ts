/**
 * `llmdbench run -j 2` against the embedded simulator: two generators (processes of one kernel:
 * one monotonic clock) and, next to their own reports, one merged llm-d benchmark report per
 * stage in v0.1, v0.2 and v0.2.1 that validates and whose request count is the sum of the
 * generators' reports; `-z` and `llmdbench analyze <workdir>` write it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readJson, runCli, tmp } from './helpers.ts';
import { schemaErrors } from '../../helpers/report-schema.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const V02 = 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml';
const FILES: [string, string][] = [['0.1', 'benchmark_report,_stage_0_lifecycle_metrics.json.yaml'], ['0.2', V02], ['0.2.1', 'benchmark_report_v0.2.1,_stage_0_lifecycle_metrics.json.yaml']];
const readYaml = (f: string): J => parse(readFileSync(f, 'utf8')) as J;

test('run -j 2: merged reports exist, validate, and count the sum of the generators\' reports; -z and analyze rewrite them', async () => {
  const wd = tmp('run-j2-reports');
  const r = await runCli(['run', '-j', '2', '--workdir', wd, '-o', 'duration=2,rate=10']);
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('inference-perf_')).sort();
  const merged = names.find((n) => n.endsWith('_merged'))!;
  assert.ok(merged, names.join(' '));
  const gens = names.filter((n) => n !== merged);
  assert.equal(gens.length, 2);
  const dir = join(wd, 'analysis', merged);
  for (const [v, f] of FILES) assert.equal(schemaErrors(v, readYaml(join(dir, f))), '', `${f} (v${v})`);
  const total = (d: string): number => readYaml(join(wd, 'analysis', d, V02)).results.request_performance.aggregate.requests.total as number;
  const sum = gens.map(total).reduce((a, b) => a + b, 0);
  assert.ok(sum >= 30, `both generators sent load (${sum})`);
  assert.equal(total(merged), sum);
  assert.equal(readYaml(join(dir, FILES[0]![1])).metrics.requests.total, sum);
  // Same definitions as the generators' own reports: the merged mean is their count-weighted mean.
  const agg = (d: string): J => readYaml(join(wd, 'analysis', d, V02)).results.request_performance.aggregate;
  const ok = (a: J): number => a.requests.total - (a.requests.failures ?? 0);
  const weighted = gens.map((g) => agg(g).latency.request_latency.mean * ok(agg(g))).reduce((a, b) => a + b, 0) / gens.map((g) => ok(agg(g))).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(agg(merged).latency.request_latency.mean - weighted) < 1e-9, `${agg(merged).latency.request_latency.mean} vs ${weighted}`);
  const m: J = readJson(join(dir, 'merge.json'));
  assert.equal(m.clock_alignment, 'shared-monotonic');
  assert.equal(m.windows_overlap, true);
  assert.ok(m.start_skew_s < 1, String(m.start_skew_s));
  assert.equal(readJson<J>(join(dir, 'summary.json')).merge.clock_alignment, 'shared-monotonic');
  // -z writes them again from the results.
  for (const [, f] of FILES) rmSync(join(dir, f));
  const z = await runCli(['run', '-z', '--workdir', wd]);
  assert.equal(z.code, 0, z.stderr);
  assert.equal(total(merged), sum);
  // So does llmdbench analyze of the work dir.
  for (const [, f] of FILES) rmSync(join(dir, f));
  const a = await runCli(['analyze', wd]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /merged 2 load generators: 3 reports in/);
  for (const [, f] of FILES) assert.ok(existsSync(join(dir, f)), f);
  assert.equal(total(merged), sum);
});

test('run -l vllm-benchmark -j 2: the merged report uses vllm bench\'s definitions (its TTFT mean is the generators\' count-weighted mean, in ms)', async () => {
  const wd = tmp('run-j2-vllm');
  const profile = join(wd, 'vb.yaml');
  mkdirSync(wd, { recursive: true });
  writeFileSync(profile, 'executable: benchmark_serving.py\nbackend: vllm\ndataset-name: random\nrandom-input-len: 20\nrandom-output-len: 8\nnum-prompts: 12\nrequest-rate: 20\npercentile-metrics: "ttft,tpot,itl,e2el"\nmetric-percentiles: "50,90"\n');
  const r = await runCli(['run', '-j', '2', '--workdir', wd, '-l', 'vllm-benchmark', '-w', profile]);
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('vllm-benchmark_')).sort();
  const merged = names.find((n) => n.endsWith('_merged'))!;
  assert.ok(merged, names.join(' '));
  const reports = (d: string): string[] => readdirSync(join(wd, 'analysis', d)).filter((f) => f.startsWith('benchmark_report_v0.2,_')).sort();
  const gens = names.filter((n) => n !== merged);
  assert.deepEqual(reports(merged), reports(gens[0]!));
  const agg = (d: string): J => readYaml(join(wd, 'analysis', d, reports(d)[0]!)).results.request_performance.aggregate;
  for (const [v, f] of [['0.1', 'benchmark_report,_'], ['0.2', 'benchmark_report_v0.2,_'], ['0.2.1', 'benchmark_report_v0.2.1,_']] as const) {
    const file = readdirSync(join(wd, 'analysis', merged)).find((x) => x.startsWith(f) && (v !== '0.2' || !x.startsWith('benchmark_report_v0.2.1')))!;
    assert.equal(schemaErrors(v, readYaml(join(wd, 'analysis', merged, file))), '', file);
  }
  const ok = (a: J): number => a.requests.total - (a.requests.failures ?? 0);
  assert.equal(agg(merged).requests.total, gens.map((g) => agg(g).requests.total).reduce((a, b) => a + b, 0));
  assert.equal(agg(merged).latency.time_to_first_token.units, 'ms');
  const weighted = gens.map((g) => agg(g).latency.time_to_first_token.mean * ok(agg(g))).reduce((a, b) => a + b, 0) / gens.map((g) => ok(agg(g))).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(agg(merged).latency.time_to_first_token.mean - weighted) < 1e-6, `${agg(merged).latency.time_to_first_token.mean} vs ${weighted}`);
});

test('run -l guidellm -j 2: the merged report (GuideLLM file names, ms) validates and uses GuideLLM\'s definitions (TTFT and ITL means are the generators\' count-weighted means)', async () => {
  const wd = tmp('run-j2-guidellm');
  mkdirSync(wd, { recursive: true });
  const profile = join(wd, 'gl.yaml');
  // The embedded simulator serves the default model.
  writeFileSync(profile, `spec:
  backend:
    kind: openai_http
    target: http://unused.invalid:1
    model: meta-llama/Llama-3.2-1B-Instruct
    request_format: /v1/completions
  profile: {kind: constant, rate: 5}
  constraints:
    - kind: max_duration
      seconds: 2
  data:
    - kind: synthetic_text
      prompt_tokens: 30
      output_tokens: 8
`);
  const r = await runCli(['run', '-j', '2', '--workdir', wd, '-l', 'guidellm', '-w', profile]);
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('guidellm_')).sort();
  const merged = names.find((n) => n.endsWith('_merged'))!;
  assert.ok(merged, names.join(' '));
  const gens = names.filter((n) => n !== merged);
  const file = (v: string): string => `${v === '0.1' ? 'benchmark_report' : `benchmark_report_v${v}`},_results.json_0.yaml`;
  for (const v of ['0.1', '0.2', '0.2.1']) assert.equal(schemaErrors(v, readYaml(join(wd, 'analysis', merged, file(v)))), '', file(v));
  const agg = (d: string): J => readYaml(join(wd, 'analysis', d, file('0.2'))).results.request_performance.aggregate;
  const ok = (a: J): number => a.requests.total - (a.requests.failures ?? 0) - (a.requests.incomplete ?? 0);
  for (const k of ['total', 'failures', 'incomplete']) assert.equal(agg(merged).requests[k], gens.map((g) => agg(g).requests[k] as number).reduce((a, b) => a + b, 0), k);
  for (const k of ['time_to_first_token', 'inter_token_latency']) {
    assert.equal(agg(merged).latency[k].units, agg(gens[0]!).latency[k].units, k);
    const weighted = gens.map((g) => agg(g).latency[k].mean * ok(agg(g))).reduce((a, b) => a + b, 0) / gens.map((g) => ok(agg(g))).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(agg(merged).latency[k].mean - weighted) < 1e-6, `${k}: ${agg(merged).latency[k].mean} vs ${weighted}`);
  }
});
