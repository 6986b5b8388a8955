/**
 * -f server metrics over time: the monitoring summary's series become panels on the timeline's
 * axis (both KV-cache spellings, counters as rates per scrape interval with restarts counted
 * whole, the prefix-cache hit rate as Δhits/Δqueries, a missing scrape as a gap), and the plot
 * draws them under the request rate with units on every axis, to SVG and PNG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricSummary, MonitoringSummary } from '../../../../src/metrics/monitoring.ts';
import { valueStats } from '../../../../src/metrics/monitoring.ts';
import { serverPlotData } from '../../../../src/analysis/plots/server-series.ts';
import { serverMetricsPlot } from '../../../../src/analysis/plots/server-metrics.ts';
import { drawPlots, RUN_PLOTS, type PlotData } from '../../../../src/analysis/plots/index.ts';

type Pts = [number, number][];
const gauge = (series: Pts): MetricSummary => ({ type: 'gauge', stats: valueStats(series.map((p) => p[1])), series });
const counter = (series: Pts): MetricSummary => ({ type: 'counter', first: series[0]![1], last: series.at(-1)![1], increase: 0, ratePerS: 0, series });

/** Scrapes every second from epoch 1000 s; the one at +4 s is missing. */
const T = [0, 1000, 2000, 3000, 5000].map((d) => 1_000_000 + d);
function summary(kvName: string): MonitoringSummary {
  return {
    warnings: [],
    targets: [
      {
        target: 'pod-a',
        snapshots: T.length,
        firstMs: T[0]!,
        lastMs: T.at(-1)!,
        metrics: {
          [kvName]: gauge([[T[0]!, 0], [T[1]!, 0.25], [T[2]!, 0.5], [T[3]!, 0.4], [T[4]!, 0.1]]),
          'vllm:num_requests_running': gauge(T.map((t, i) => [t, [0, 4, 8, 6, 1][i]!])),
          'vllm:num_requests_waiting': gauge(T.map((t) => [t, 0])),
          // 0 → 100 → 300 → restart at 50 → 250 (over the 2 s hole)
          'vllm:generation_tokens_total': counter([[T[0]!, 0], [T[1]!, 100], [T[2]!, 300], [T[3]!, 50], [T[4]!, 250]]),
          'vllm:prefix_cache_hits_total': counter([[T[0]!, 0], [T[1]!, 10], [T[2]!, 10], [T[3]!, 40], [T[4]!, 40]]),
          'vllm:prefix_cache_queries_total': counter([[T[0]!, 0], [T[1]!, 40], [T[2]!, 40], [T[3]!, 100], [T[4]!, 140]]),
          'vllm:num_preemptions_total': counter(T.map((t) => [t, 3])),
          'vllm:e2e_request_latency_seconds': { type: 'histogram', count: 1, sum: 1, mean: 1, p50: 1, p90: 1, p99: 1 },
        },
      },
    ],
  };
}
const toS = (e: number): number => (e - 1_000_500) / 1000; // t = 0 half a second after the first scrape

test('server series: both KV-cache spellings, rates per interval, hit rate, gaps, on the timeline axis', () => {
  for (const kv of ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc']) {
    const d = serverPlotData(summary(kv), toS, 'clock')!;
    assert.deepEqual(d.panels.map((p) => p.id), ['kv-cache', 'queue', 'tokens', 'prefix-cache'], 'preemptions never rose: no panel; histograms are not series');
    assert.equal(d.intervalS, 1);
    const kvRows = d.panels[0]!.rows;
    assert.deepEqual(kvRows.map((r) => [r.t, r.v]), [[-0.5, 0], [0.5, 25], [1.5, 50], [2.5, 40], [3.5, null], [4.5, 10]], `${kv}: percent, the missing scrape a gap`);
    const tok = d.panels.find((p) => p.id === 'tokens')!;
    assert.equal(tok.kind, 'rate');
    // Rates start where their interval starts; the restart counts the new value whole; over the hole the
    // increase is known (a 2 s average, no gap); the last step ends at the last scrape.
    assert.deepEqual(tok.rows.filter((r) => r.s === 'generated').map((r) => [r.t, r.v]), [[-0.5, 100], [0.5, 200], [1.5, 50], [2.5, 100], [4.5, 100]]);
    const hit = d.panels.find((p) => p.id === 'prefix-cache')!.rows;
    assert.deepEqual(hit.map((r) => r.v), [25, null, 50, 0, 0], 'Δhits/Δqueries in %, null without queries');
    const q = d.panels.find((p) => p.id === 'queue')!.rows;
    assert.deepEqual([...new Set(q.map((r) => r.s))], ['running', 'waiting']);
  }
});

test('server series: several targets get one line each, named by target', () => {
  const s = summary('vllm:kv_cache_usage_perc');
  s.targets.push({ ...s.targets[0]!, target: 'pod-b' });
  const d = serverPlotData(s, toS, 'first-scrape')!;
  assert.deepEqual([...new Set(d.panels[0]!.rows.map((r) => r.s))], ['KV cache (GPU) · pod-a', 'KV cache (GPU) · pod-b']);
  assert.equal(serverPlotData({ targets: [], warnings: [] }, toS, 'clock'), undefined);
});

test('server-metrics plot: stacked panels under the request rate, shared time axis, units, SVG and PNG', async () => {
  const data: PlotData = {
    name: 'run-x',
    requests: 10,
    dists: {},
    stages: [],
    timeline: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((tS, i) => ({ tS, widthS: 0.5, requestsPerS: i < 6 ? 4 : 0, completionsPerS: i > 0 ? 4 : 0, failuresPerS: 0, outputTokensPerS: 40, inFlight: 2 })),
    server: serverPlotData(summary('vllm:gpu_cache_usage_perc'), toS, 'clock')!,
  };
  const spec = serverMetricsPlot(data) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(spec.vconcat.length, 5, 'request rate + 4 server panels');
  assert.deepEqual(spec.resolve.scale.x, 'shared');
  assert.deepEqual(spec.vconcat[0].encoding.x.scale.domain, [0, 4.5], 'from the first request to the last scrape');
  assert.equal(serverMetricsPlot({ ...data, server: undefined }), undefined, 'no -f: no plot');
  const dir = mkdtempSync(join(tmpdir(), 'server-plot-'));
  const [p] = await drawPlots(RUN_PLOTS.filter((t) => t.kind === 'server-metrics'), data, dir);
  for (const s of ['Server metrics over time', 'request rate (req/s)', 'requests/s', 'KV-cache usage (%)', 'cache used (%)', 'requests on the server', 'tokens/s', 'prefix-cache hit rate (%)', 'time since the first request (s)', 'completed (client)', 'same clock as the requests']) {
    assert.ok(p!.svg.includes(s), `"${s}" drawn`);
  }
  assert.ok(readFileSync(p!.pngPath!).length > 20_000, 'a PNG with content');
});
