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
import { cleanEnv, readJson, runCli, tmp } from './helpers.ts';
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

/** numpy's default (linear) percentile of `xs`. */
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * (p / 100);
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

test('run -j 2 -f --slo with a multi-turn profile: per stage the merged counts and goodput counts are the generators\' sums, percentiles come from both generators\' records, -f observability from one generator\'s scrape, plots and report.html for the merged result, linked from the work dir\'s', async () => {
  const wd = tmp('run-j2-mt-f-slo');
  const r = await runCli(['run', '-j', '2', '-f', '--slo', 'ttft=200ms,tpot=50ms', '--workdir', wd, '-w', 'shared_prefix_multi_turn_chat', '-o', 'duration=2,rate=4'], {
    env: cleanEnv({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1' }),
    timeoutMs: 240_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('inference-perf_')).sort();
  const merged = names.find((n) => n.endsWith('_merged'))!;
  const gens = names.filter((n) => n !== merged);
  assert.equal(gens.length, 2, names.join(' '));
  const dir = join(wd, 'analysis', merged);
  const stages = readdirSync(dir).filter((f) => f.startsWith('benchmark_report_v0.2,_')).sort();
  assert.equal(stages.length, 4, stages.join(' '));
  const records = gens.flatMap((g) => readFileSync(join(wd, 'results', g, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J));
  for (const f of stages) {
    const stage = Number(/stage_(\d+)_/.exec(f)![1]);
    const rep = (d: string, v = '0.2'): J => readYaml(join(wd, 'analysis', d, f.replace('v0.2,', `v${v},`)));
    const m = rep(merged);
    for (const v of ['0.2', '0.2.1']) assert.equal(schemaErrors(v, rep(merged, v)), '', `${f} v${v}`);
    assert.equal(schemaErrors('0.1', readYaml(join(dir, f.replace('_v0.2,', ',')))), '', `${f} v0.1`);
    const agg = m.results.request_performance.aggregate;
    const sum = (k: (x: J) => number): number => gens.map((g) => k(rep(g))).reduce((a, b) => a + b, 0);
    assert.equal(agg.requests.total, sum((x) => x.results.request_performance.aggregate.requests.total), `stage ${stage} total`);
    // Goodput per stage: counts add up (the same per-request rule on the same requests).
    const gp = m.results.observability.goodput;
    assert.deepEqual(gp.slo_ms, { ttft: 200, tpot: 50 });
    assert.equal(gp.total_requests, agg.requests.total);
    assert.equal(gp.good_requests, sum((x) => x.results.observability.goodput.good_requests), `stage ${stage} good`);
    assert.equal(gp.good_fraction, gp.good_requests / gp.total_requests);
    // Percentiles from both generators' records together: request latency (end − sent) of the stage's successes, numpy-linear.
    const lat = records.filter((x) => x.stage === stage && !x.error).map((x) => (x.endAtMs - x.sentAtMs) / 1000);
    for (const [k, p] of [['p50', 50], ['p90', 90], ['p99', 99]] as const) assert.ok(Math.abs(agg.latency.request_latency[k] - pct(lat, p)) < 1e-9, `stage ${stage} ${k}: ${agg.latency.request_latency[k]} vs ${pct(lat, p)}`);
    // The multi-turn load description and v0.2.1 request_size carry over; -f from one generator's scrape.
    assert.deepEqual(m.scenario.load.standardized.multi_turn, { enabled: true });
    assert.ok(rep(merged, '0.2.1').results.request_performance.aggregate.requests.request_size.mean > 0);
    assert.ok(gens.includes(m.results.observability.scrape_source), m.results.observability.scrape_source);
    assert.ok(m.results.observability.components.length >= 1);
    assert.match(m.results.observability.components[0].raw_data_path, new RegExp(`^\\.\\./\\.\\./results/${m.results.observability.scrape_source}/metrics/raw/`));
  }
  const s: J = readJson(join(dir, 'summary.json'));
  assert.ok(s.monitoring.snapshots > 0);
  assert.equal(s.goodput.total_requests, gens.map((g) => readJson<J>(join(wd, 'analysis', g, 'summary.json')).goodput.total_requests as number).reduce((a, b) => a + b, 0));
  // Plots (the server's metrics included) and report.html, as for a result; the work dir's report links it.
  for (const p of ['latency-cdfs', 'timeline', 'server-metrics', 'stage-latency']) assert.ok(existsSync(join(dir, 'plots', `${p}.svg`)), p);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /Merged load generators/);
  const wdHtml = readFileSync(join(wd, 'analysis', 'report.html'), 'utf8');
  assert.ok(wdHtml.includes(`href="${merged}/report.html"`), 'the work-dir report links the merged report');
  // Every generator scraped the same servers: the work-dir page shows the merged result's server plot once, not each generator's copy.
  for (const g of gens) assert.ok(existsSync(join(wd, 'analysis', g, 'plots', 'server-metrics.svg')), `${g} has its own server plot`);
  assert.equal(wdHtml.split('data-plot="server-metrics"').length - 1, 1, 'one server-metrics plot on the work-dir page');
});

test('run -l fmperf -j 2: the merged report counts exactly the generators\' CSV rows (requests finished after the cutoff left out, as the per-generator reports do), TTFT percentiles over those rows', async () => {
  const wd = tmp('run-j2-fmperf');
  mkdirSync(wd, { recursive: true });
  const profile = join(wd, 'fm.yaml');
  // 4 users asking every 1 s (qps 4) with 30-token answers for 2 s: the last round's answers finish after the cutoff.
  writeFileSync(profile, 'model_name: meta-llama/Llama-3.2-1B-Instruct\nscenarios: "long-input"\nqps_values: "4"\nnum_users_warmup: 2\nnum_users: 4\nnum_rounds: 3\nsystem_prompt: 10\nchat_history: 12\nanswer_len: 30\ninit_user_id: 1\ntest_duration: 2\nuse_chat_completions: true\n');
  const r = await runCli(['run', '-j', '2', '--workdir', wd, '-l', 'fmperf', '-w', profile], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('fmperf_')).sort();
  const merged = names.find((n) => n.endsWith('_merged'))!;
  const gens = names.filter((n) => n !== merged);
  const f = 'benchmark_report_v0.2,_LMBench_long_input_output_4.csv.yaml';
  const agg = (d: string): J => readYaml(join(wd, 'analysis', d, f)).results.request_performance.aggregate;
  assert.equal(schemaErrors('0.2', readYaml(join(wd, 'analysis', merged, f))), '');
  assert.equal(agg(merged).requests.total, gens.map((g) => agg(g).requests.total as number).reduce((a, b) => a + b, 0));
  assert.equal(agg(merged).requests.failures, 0);
  assert.equal(readYaml(join(wd, 'analysis', merged, f)).scenario.load.standardized.stage, 0, 'the stage as the generators\' reports number it');
  // The CSV rows of both generators, concatenated: TTFT in s → ms.
  const ttft = gens.flatMap((g) => {
    const [head, ...rows] = readFileSync(join(wd, 'results', g, 'LMBench_long_input_output_4.csv'), 'utf8').trim().split('\n');
    const k = head!.split(',').indexOf('ttft');
    return rows.map((l) => Number(l.split(',')[k]) * 1000);
  });
  assert.equal(ttft.length, agg(merged).requests.total);
  for (const [k, p] of [['p50', 50], ['p90', 90]] as const) assert.ok(Math.abs(agg(merged).latency.time_to_first_token[k] - pct(ttft, p)) < 1e-6, `${k}: ${agg(merged).latency.time_to_first_token[k]} vs ${pct(ttft, p)}`);
});
