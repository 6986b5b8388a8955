/**
 * Plot data from records (exact values against the inference-perf definitions), every plot type
 * drawn to SVG with its title and axis units and to a real PNG, the HTML report self-contained.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { collectPlotData, drawPlots, RUN_PLOTS, WORKDIR_PLOTS } from '../../../src/analysis/plots/index.ts';
import { findFont } from '../../../src/analysis/plots/fonts.ts';
import { analyzeResultDir } from '../../../src/analysis/analyze.ts';
import { reportWorkDir } from '../../../src/analysis/reporters/registry.ts';
import { scrubYaml } from '../../../src/analysis/html/page.ts';

const base = { worker: 0, api: 'completion' as const, httpStatus: 200 };
// Stage 0: two streamed successes; stage 1: one success and one failure.
const records: RequestRecord[] = [
  { ...base, id: 0, stage: 0, scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [100, 110, 130], chunkTokens: [1, 1, 1], endAtMs: 140, promptTokensServer: 50, completionTokensServer: 3 },
  { ...base, id: 1, stage: 0, scheduledAtMs: 500, sentAtMs: 500, chunkTimesMs: [520, 540], chunkTokens: [1, 1], endAtMs: 1000, promptTokensServer: 30, completionTokensServer: 2 },
  { ...base, id: 2, stage: 1, scheduledAtMs: 2000, sentAtMs: 2000, chunkTimesMs: [2300, 2400], chunkTokens: [1, 1], endAtMs: 2400, promptTokensServer: 30, completionTokensServer: 2 },
  { ...base, id: 3, stage: 1, scheduledAtMs: 2100, sentAtMs: 2100, chunkTimesMs: [], chunkTokens: [], endAtMs: 2110, httpStatus: 500, error: { label: 'http_5xx', message: 'x' } },
];

function resultDir(): string {
  const res = mkdtempSync(join(tmpdir(), 'plots-res-'));
  writeFileSync(join(res, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(res, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], stages: [{ stage: 0, requestedRate: 2 }, { stage: 1, requestedRate: 4 }] }));
  return res;
}

test('plot data: distributions, per-stage points and the time series from streamed records', async () => {
  const d = await collectPlotData('r', join(resultDir(), 'records.jsonl'), { 0: 2, 1: 4 });
  assert.equal(d.requests, 4);
  assert.equal(d.dists.ttft!.count, 3);
  assert.ok(Math.abs(d.dists.ttft!.mean - (100 + 20 + 300) / 3) < 1e-9);
  assert.equal(d.dists.itl!.count, 4, 'gaps 10, 20, 20, 100');
  assert.equal(d.dists.e2e!.count, 3, 'failures are not latencies');
  assert.equal(d.stages.length, 2);
  const [s0, s1] = d.stages;
  assert.equal(s0!.requestedRate, 2);
  assert.ok(Math.abs(s0!.outputTokensPerS - 5 / 1) < 1e-9, '5 tokens over max(end) − min(send) = 1 s');
  assert.equal(s1!.failed, 1);
  assert.ok(Math.abs(s1!.outputTokensPerS - 2 / 0.4) < 1e-9);
  assert.ok(Math.abs(s0!.ttftP50Ms! - 20) / 20 < 0.011 && Math.abs(s1!.ttftP50Ms! - 300) / 300 < 0.011);
  const w = d.timeline[0]!.widthS;
  assert.equal(d.timeline.reduce((t, b) => t + b.requestsPerS * w, 0), 4);
});

test('every plot type draws an SVG with its title and axis units, and a PNG', async () => {
  assert.ok(findFont().files.length > 0 || process.env.CI !== 'true', 'a font for the PNG text (fonts-dejavu-core)');
  const d = await collectPlotData('result-x', join(resultDir(), 'records.jsonl'));
  const dir = mkdtempSync(join(tmpdir(), 'plots-'));
  const drawn = await drawPlots(RUN_PLOTS, d, dir);
  // Every plot but the server metrics (only with -f: test/unit/analysis/plots/server-metrics.test.ts).
  const withoutMonitoring = RUN_PLOTS.map((p) => p.kind).filter((k) => k !== 'server-metrics');
  assert.deepEqual(drawn.map((p) => p.kind), withoutMonitoring);
  const expect: Record<string, string[]> = {
    'latency-histograms': ['Latency distributions', 'time to first token (ms)', 'inter-token latency (ms)', 'time per output token (ms)', 'request latency, end to end (ms)'],
    'latency-cdfs': ['Latency CDFs', 'share of requests ≤ x (%)'],
    timeline: ['requests in flight', 'time since the first request (s)', 'requests/s', 'latency (ms)'],
    'token-rate': ['Output token rate over time', 'output tokens/s'],
    'stage-latency': ['Per-stage latency vs throughput', 'TTFT (ms)', 'E2E latency (ms)', 'output tokens/s'],
  };
  for (const p of drawn) {
    for (const s of expect[p.kind]!) assert.ok(p.svg.includes(s), `${p.kind}: "${s}"`);
    const png = readFileSync(p.pngPath!);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.ok(png.length > 10_000, `${p.kind}.png has content (${png.length} bytes)`);
  }
  const wd = await drawPlots(WORKDIR_PLOTS, [{ label: 'a', points: d.stages }, { label: 'b', points: d.stages }], dir, false);
  assert.equal(wd.length, 1);
  assert.ok(wd[0]!.svg.includes('Throughput vs latency') && !existsSync(join(dir, 'throughput-latency.png')));
});

test('analysis leaves summary, plot data, plots and a self-contained report.html; the work dir gets its own', async () => {
  const res = resultDir();
  const ana = mkdtempSync(join(tmpdir(), 'plots-ana-'));
  writeFileSync(join(res, 'run_metadata.yaml'), 'harness_name: inference-perf\nharness_workload: p.yaml\n');
  writeFileSync(join(res, 'p.yaml'), 'load:\n  type: constant\napi_key: sk-abcdef\nmax_tokens: 10\n');
  const s = (await analyzeResultDir('result-x', res, ana, true))!;
  for (const f of ['summary.json', 'summary.txt', 'plot_data.json', 'plots/timeline.svg', 'plots/timeline.png', 'report.html']) assert.ok(existsSync(join(ana, f)), f);
  const html = readFileSync(join(ana, 'report.html'), 'utf8');
  assert.ok(!/<script|<link|src="http|href="http/i.test(html), 'nothing to fetch');
  assert.equal((html.match(/<figure class="plot"/g) ?? []).length, RUN_PLOTS.length - 1, 'every plot but the server metrics (no -f)');
  assert.ok(html.includes(s.ttft_ms!.p50.toFixed(2)));
  assert.ok(!html.includes('sk-abcdef') && html.includes('max_tokens: 10'), 'secrets masked, the rest kept');
  const wd = mkdtempSync(join(tmpdir(), 'plots-wd-'));
  const files = await reportWorkDir({ workDir: wd, results: [{ summary: s, resultsDir: res, analysisDir: ana }] });
  assert.ok(files.html?.[0] && existsSync(files.html[0]));
  assert.ok(existsSync(join(wd, 'analysis', 'plots', 'throughput-latency.svg')));
});

test('scrubYaml masks secret-named keys only', () => {
  assert.equal(scrubYaml('hf_token: hf_x\nmax_tokens: 5\n  api_key: "k"\npassword: p\ntokenizer: t'), "hf_token: '***'\nmax_tokens: 5\n  api_key: '***'\npassword: '***'\ntokenizer: t");
});
