/**
 * Reports from our own inference-perf run (a real run against the embedded
 * simulator) and from upstream's files, through the CLI: `analyze`, `report
 * convert`, `compare` across harnesses (table, overlay plots, compare.html).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cleanEnv, runCli, tmp } from '../run/helpers.ts';
import { SAMPLES, schemaErrors } from '../../helpers/report-schema.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('analyze: our own inference-perf run converts into valid v0.1/v0.2/v0.2.1 reports that agree with our summary', async () => {
  const wd = tmp('reports-own');
  const run = await runCli(['run', '--workdir', wd, '--quiet', '-o', 'duration=3,rate=4'], { env: cleanEnv({ LLMDBENCH_SIM_PRESET: 'instant' }) });
  assert.equal(run.code, 0, run.stderr);
  // The run's own analysis step already wrote the reports and says where.
  assert.match(run.stdout, /reports: 3 llm-d benchmark report files \(v0\.1, v0\.2, v0\.2\.1\) in /);
  const r = await runCli(['analyze', wd, '--slo', 'ttft=10s,tpot=1s']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inference-perf: 1 stage, 3 reports in /);
  assert.match(r.stdout, /goodput \(ttft≤10000ms tpot≤1000ms\): (\d+)\/\1 requests = 100\.0 %/);
  const [name] = readdirSync(join(wd, 'results'));
  const out = join(wd, 'analysis', name!);
  const files = readdirSync(out).filter((f) => f.startsWith('benchmark_report'));
  assert.deepEqual(files.sort(), [
    'benchmark_report,_stage_0_lifecycle_metrics.json.yaml',
    'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml',
    'benchmark_report_v0.2.1,_stage_0_lifecycle_metrics.json.yaml',
  ]);
  for (const f of files) {
    const rep = parse(readFileSync(join(out, f), 'utf8')) as Obj;
    assert.equal(schemaErrors(rep['version'], rep), '', f);
  }
  const v2 = parse(readFileSync(join(out, files[1]!), 'utf8')) as Obj;
  const stage = JSON.parse(readFileSync(join(wd, 'results', name!, 'stage_0_lifecycle_metrics.json'), 'utf8')) as Obj;
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Obj;
  const agg = v2['results'].request_performance.aggregate;
  assert.equal(agg.latency.time_to_first_token.p90, stage['successes'].latency.time_to_first_token.p90);
  assert.ok(Math.abs(agg.latency.time_to_first_token.p50 * 1000 - summary['ttft_ms'].p50) < 1e-6, 'same TTFT p50 as the seed summary (s vs ms)');
  assert.equal(agg.requests.total, summary['requests'].total);
  // run / scenario from run_metadata.yaml and the rendered profile
  const meta = parse(readFileSync(join(wd, 'results', name!, 'run_metadata.yaml'), 'utf8')) as Obj;
  assert.equal(v2['run'].time.start, meta['harness_start']);
  assert.match(v2['run'].eid, /^[0-9a-f-]{36}$/);
  assert.equal(v2['scenario'].load.standardized.source, 'random');
  assert.equal(v2['scenario'].load.standardized.tool_version, meta['harness_version']);
  assert.equal(v2['scenario'].load.native.config.load.stages[0].duration, 3);
  assert.match(v2['scenario'].load.metadata.cfg_id, /^[0-9a-f]{64}$/);
  const index = JSON.parse(readFileSync(join(out, 'reports.json'), 'utf8')) as Obj;
  assert.equal(index['harness'], 'inference-perf');
  assert.equal(index['reports'][0].files['0.2'], files[1]);
  const gp = JSON.parse(readFileSync(join(out, 'goodput.json'), 'utf8')) as Obj;
  assert.equal(gp['all'].share, 1);

  // compare our run with the GuideLLM sample (different harnesses, through the v0.2 report)
  const g = tmp('reports-guidellm');
  cpSync(join(SAMPLES, 'guidellm', 'real-run-against-sim', 'benchmarks.json'), join(g, 'benchmarks.json'));
  const cmpOut = join(tmp('reports-compare'), 'out');
  const c = await runCli(['compare', join(wd, 'results', name!), g, '--slo', 'ttft=10s', '--out', cmpOut]);
  assert.equal(c.code, 0, c.stderr);
  // Overlay plots: ours from its records, GuideLLM's from its report's percentiles; PNG + SVG + compare.html.
  assert.ok(c.stdout.includes(`report: ${join(cmpOut, 'compare.html')}`), c.stdout);
  for (const k of ['compare-cdfs', 'compare-throughput-latency']) {
    assert.ok(readFileSync(join(cmpOut, `${k}.png`)).length > 30_000, `${k}.png`);
    assert.match(readFileSync(join(cmpOut, `${k}.svg`), 'utf8'), /A · .*B · [^<;]*reports-guidellm/s);
  }
  const cd = JSON.parse(readFileSync(join(cmpOut, 'compare_data.json'), 'utf8')) as Obj;
  assert.equal(cd['runs'][0].dists.ttft.from, 'records');
  assert.equal(cd['runs'][1].dists.ttft.from, 'report');
  // GuideLLM's TTFT p90 (s in its file) is the CDF's 90 % point in ms.
  assert.deepEqual(cd['runs'][1].dists.ttft.cdf.find((p: number[]) => p[1] === 0.9), [60.964107513427734, 0.9]);
  assert.equal(cd['runs'][0].points.length, 1);
  const html = readFileSync(join(cmpOut, 'compare.html'), 'utf8');
  assert.match(html, /data-plot="compare-cdfs"><svg[\s\S]*data-plot="compare-throughput-latency"><svg/);
  assert.match(html, /<td>TTFT p90 \(ms\)<\/td>/);
  assert.match(c.stdout, /A = .*\(inference-perf\)/);
  assert.match(c.stdout, /B = .*\(guidellm\)/);
  assert.match(c.stdout, /stage 0\s+A\s+B\s+Δ B vs A/);
  assert.match(c.stdout, /goodput \(% of requests\)\s+100\.0\s+-\s/, 'goodput from our records; GuideLLM\'s sample has none');
  assert.match(c.stdout, /requested rate \(req\/s\)\s+4\.000\s+4\.000\s+\+0\.0%/);
  assert.match(c.stdout, /duration \(s\)\s+\d+\.\d\d\s+10\.00\s/);
  const ttftLine = c.stdout.split('\n').find((l) => l.startsWith('TTFT p90 (ms)'))!;
  const cells = ttftLine.trim().split(/\s+/);
  const a = Number(cells[3]);
  const b = Number(cells[4]);
  assert.equal(b, Number((60.964107513427734).toFixed(2)), 'GuideLLM TTFT p90 in ms');
  const aExact = stage['successes'].latency.time_to_first_token.p90 * 1000;
  assert.ok(Math.abs(a - aExact) < 0.006, 'ours, s → ms');
  const delta = ((60.964107513427734 - aExact) / aExact) * 100;
  assert.equal(cells[5], `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}%`);
});

test('report convert: upstream samples, -w/-b/-i, refuses to overwrite, clear errors', async () => {
  const d = tmp('reports-convert');
  const vllm = join(SAMPLES, 'vllm-benchmark', 'real-run-against-sim', 'vllm-4.0qps-Llama-3.2-1B-Instruct-20261202-041532.json');
  const out = join(d, 'br.yaml');
  let r = await runCli(['report', 'convert', vllm, out, '-b', '0.2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((parse(readFileSync(out, 'utf8')) as Obj)['scenario'].load.standardized.tool, 'vllm-benchmark');
  r = await runCli(['report', 'convert', vllm, out, '-b', '0.2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /E_REPORT_EXISTS/);
  r = await runCli(['report', 'convert', join(SAMPLES, 'guidellm', 'guidellm_report_v2.json'), join(d, 'g.yaml'), '-b', '0.2.1']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(d, 'g_0.yaml')) && existsSync(join(d, 'g_1.yaml')));
  r = await runCli(['report', 'convert', join(SAMPLES, 'guidellm', 'guidellm_report_v2.json'), '-i', '1']);
  assert.equal((parse(r.stdout) as Obj)['scenario'].load.args ? 1 : 0, 1);
  r = await runCli(['analyze', d]);
  assert.equal(r.code, 1, 'nothing to analyse is a failure');
  assert.match(r.stdout, /no harness results found/);
  r = await runCli(['compare', d, join(SAMPLES, 'guidellm', 'real-run-against-sim')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /E_COMPARE_EMPTY/);
  // compare of two Python tools' outputs (no records): overlay CDFs through their reports' percentiles.
  const pair = [join(SAMPLES, 'guidellm', 'real-run-against-sim'), join(SAMPLES, 'vllm-benchmark', 'real-run-against-sim')];
  const cmpOut = join(d, 'cmp');
  r = await runCli(['compare', ...pair, '--out', cmpOut, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Obj[]).length, 2, 'stdout stays JSON; where the plots are goes to stderr');
  assert.match(r.stderr, /report: .*compare\.html/);
  const cd = JSON.parse(readFileSync(join(cmpOut, 'compare_data.json'), 'utf8')) as Obj;
  assert.deepEqual(cd['runs'].map((x: Obj) => x.dists.ttft.from), ['report', 'report']);
  assert.ok(existsSync(join(cmpOut, 'compare-cdfs.png')) && existsSync(join(cmpOut, 'compare-throughput-latency.svg')));
  r = await runCli(['compare', ...pair, '--no-plots']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /plots: /);
  writeFileSync(join(d, 'a-file'), '');
  r = await runCli(['compare', ...pair, '--out', join(d, 'a-file')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /E_COMPARE_OUT.*is a file, not a directory/);
  r = await runCli(['report', 'convert', join(SAMPLES, 'vllm-benchmark', 'real-run-against-sim', 'console.txt')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /E_REPORT_UNKNOWN_NATIVE/);
  r = await runCli(['report', 'convert', join(SAMPLES, 'inference-perf', 'inference_perf_lifecycle.yaml'), '-w', 'inference-perf', '-b', '0.3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /E_REPORT_VERSION/);
});

test('nop result.yaml (SHELL shape, as the nop harness writes it) converts into a valid v0.1 report with upstream\'s units', async () => {
  const d = tmp('reports-nop');
  const result = {
    version: '0.1',
    scenario: {
      load_format: 'auto',
      sleep_mode: true,
      model: { name: 'facebook/opt-125m' },
      platform: { engines: [{ name: 'vLLM Standalone', version: '0.10.0', args: { model: 'facebook/opt-125m' } }] },
      gpus: [{ uuid: 'GPU-1', name: 'H100', compute_cap: '9.0', persistence_mode: 'Enabled' }],
    },
    metrics: [
      {
        name: 'vLLM Standalone',
        load: { time: 12.5, size: 0.23, transfer_rate: 0.0184 },
        dynamo_bytecode_transform: 3.1,
        torch_compile: 9.2,
        memory_profiling: { initial_free: 79.1, after_free: 70.2, time: 1.3 },
        sleep: { time: 0.8, gpu_freed: 60.1, gpu_in_use: 2.2 },
        wake: 0.4,
        categories: [{ title: 'Model load', process: { name: 'EngineCore', pid: 7 }, elapsed: 12.5, categories: [{ title: 'weights', elapsed: 10.0 }] }],
      },
    ],
    time: { start: 1764650000.0, stop: 1764650060.5, duration: 60.5 },
  };
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'result.yaml'), JSON.stringify(result));
  const r = await runCli(['analyze', d]);
  assert.equal(r.code, 0, r.stderr);
  const rep = parse(readFileSync(join(d, 'analysis', 'benchmark_report,_result.yaml.yaml'), 'utf8')) as Obj;
  assert.equal(schemaErrors('0.1', rep), '');
  assert.equal(rep['scenario'].load.name, 'nop');
  assert.deepEqual(rep['scenario'].host, { accelerator: [{ count: 1, model: 'auto' }], type: ['replica'] });
  const block = rep['metrics'].metadata[0]; // SHELL-era shape: the entries themselves
  assert.deepEqual(block.load.transfer_rate, { units: 'GiB/s', value: 0.0184 });
  assert.deepEqual(block.sleep.gpu_freed, { units: 'GiB', value: 60.1 });
  assert.deepEqual(block.categories[0].categories[0].elapsed, { units: 's', value: 10 });
  assert.equal(rep['metrics'].time.duration, 60.5);
  assert.equal(readdirSync(join(d, 'analysis')).filter((f) => f.includes('v0.2')).length, 0, 'nop is v0.1 only');
});
