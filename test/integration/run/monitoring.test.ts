/**
 * `llmdbench run -f` scrapes the embedded simulator's /metrics on loopback during the load
 * (snapshots kept, summarised, headline numbers in summary.json); `-j 2` writes the merged
 * summary next to the two generators' own and shows it as a column of the final table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, readJson, runCli, tmp } from './helpers.ts';
import { parse } from 'yaml';
import { observabilityOf } from '../../../src/analysis/monitoring.ts';
import { schemaErrors } from '../../helpers/report-schema.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('run -f scrapes the simulator every interval: raw snapshots, processed summary, kv cache and running requests', async () => {
  const wd = tmp('run-monitor');
  const r = await runCli(['run', '-f', '--workdir', wd, '-o', 'duration=3,rate=20'], { env: cleanEnv({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1' }) });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /has no effect on a local run/);
  const [name] = readdirSync(join(wd, 'results'));
  const res = join(wd, 'results', name!);
  const raw = readdirSync(join(res, 'metrics', 'raw'));
  // first snapshot at start, one a second during ~3 s of load, one at the end
  assert.ok(raw.length >= 4, `snapshots: ${raw.join(' ')}`);
  for (const f of raw) assert.match(f, /^127\.0\.0\.1_\d+_\d{13}_metrics\.txt$/);
  const first = readFileSync(join(res, 'metrics', 'raw', raw.sort()[0]!), 'utf8');
  assert.match(first, /^# Timestamp: \d{4}-.*\n# Pod: 127\.0\.0\.1_\d+\n# PodIP: 127\.0\.0\.1\n# Source: prometheus_metrics\n/);
  assert.match(first, /vllm:kv_cache_usage_perc/);
  const mon: J = readJson(join(res, 'metrics', 'processed', 'monitoring_summary.json'));
  const t = mon.targets[0];
  assert.equal(t.snapshots, raw.length);
  assert.equal(t.metrics['vllm:num_requests_running'].type, 'gauge');
  assert.ok(t.metrics['vllm:num_requests_running'].stats.max >= 1, 'requests were running during a scrape');
  assert.ok(t.metrics['vllm:kv_cache_usage_perc'].stats.max > 0, 'kv cache was used');
  // every request of the run is in the counters' increase (first snapshot before the first request)
  const s: J = readJson(join(wd, 'analysis', name!, 'summary.json'));
  assert.equal(t.metrics['vllm:request_success_total'].increase, s.requests.succeeded);
  assert.equal(t.metrics['vllm:e2e_request_latency_seconds'].count, s.requests.succeeded);
  assert.equal(s.monitoring.snapshots, raw.length);
  assert.ok(s.monitoring.kv_cache_usage_pct_max > 0);
  assert.ok(s.monitoring.running_requests_max >= 1);
  assert.deepEqual(s.monitoring.warnings, []);
  assert.match(readFileSync(join(wd, 'analysis', name!, 'summary.txt'), 'utf8'), /server metrics \(-f\)\s+\d+ snapshots of 1 target/);
  const upstreamShape: J = readJson(join(res, 'metrics', 'processed', 'metrics_summary.json'));
  assert.ok(upstreamShape[t.target].metrics['vllm:num_requests_waiting'].count === raw.length);
  const obs: J = observabilityOf(res)!;
  assert.equal(obs.components[0].component_label, 'vllm-service');
  assert.equal(obs.components[0].aggregate.kv_cache_usage.units, 'percent');
  assert.ok(obs.components[0].aggregate.running_requests.max >= 1);
  assert.ok(obs.components[0].time_series.kv_cache_usage.series.length === raw.length);
  // The server metrics are drawn over time on the requests' clock (PNG + SVG) and shown in both HTML reports.
  const plots = join(wd, 'analysis', name!, 'plots');
  const svg = readFileSync(join(plots, 'server-metrics.svg'), 'utf8');
  for (const k of ['Server metrics over time', 'KV-cache usage (%)', 'requests on the server', 'running', 'waiting', 'request rate (req/s)', 'same clock as the requests']) assert.ok(svg.includes(k), `server-metrics.svg: "${k}"`);
  assert.ok(readFileSync(join(plots, 'server-metrics.png')).length > 30_000, 'server-metrics.png has content');
  const pd: J = readJson(join(wd, 'analysis', name!, 'plot_data.json'));
  const end = pd.timeline.at(-1).tS + pd.timeline.at(-1).widthS;
  const running = pd.server.panels.find((p: J) => p.id === 'queue').rows.filter((x: J) => x.s === 'running');
  assert.equal(running.filter((x: J) => x.v !== null).length, raw.length, 'one point per scrape (nulls are gaps between late scrapes)');
  // Aligned: requests ran on the server only while the load ran (t within [0, end of the timeline]).
  assert.ok(running.some((x: J) => x.v >= 1), 'running requests seen');
  for (const x of running) if (x.v >= 1) assert.ok(x.t > 0 && x.t <= end + 0.5, `running at t=${x.t} s lies within the load (0…${end} s)`);
  assert.ok(pd.server.panels.some((p: J) => p.id === 'kv-cache'));
  for (const f of [join(wd, 'analysis', name!, 'report.html'), join(wd, 'analysis', 'report.html')]) assert.match(readFileSync(f, 'utf8'), /data-plot="server-metrics"><svg/, f);
  // The v0.2 / v0.2.1 reports of the run carry it, and still validate against upstream's schemas.
  const ana = join(wd, 'analysis', name!);
  for (const [prefix, version] of [['benchmark_report_v0.2,_', '0.2'], ['benchmark_report_v0.2.1,_', '0.2.1']] as const) {
    const files = readdirSync(ana).filter((f) => f.startsWith(prefix));
    assert.ok(files.length > 0, `${prefix}* written: ${readdirSync(ana).join(' ')}`);
    for (const f of files) {
      const rep: J = parse(readFileSync(join(ana, f), 'utf8'));
      assert.equal(schemaErrors(version, rep), '', f);
      assert.ok(rep.results.observability.components[0].aggregate.kv_cache_usage.max > 0, f);
      assert.ok(rep.results.observability.vllm_num_requests_running.components.length === 1, f);
    }
  }
});

test('run -f against a server without /metrics: the run completes, failures are warnings', async () => {
  const wd = tmp('run-monitor-fail');
  // The simulator answers /metrics; point the path somewhere that 404s.
  const r = await runCli(['run', '-f', '--workdir', wd, '-o', 'duration=1,rate=5'], { env: cleanEnv({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1', LLMDBENCH_VLLM_MONITORING_METRICS_PATH: '/no-such-metrics' }) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /metrics scrape of http:\/\/127\.0\.0\.1:\d+\/no-such-metrics failed/);
  const [name] = readdirSync(join(wd, 'results'));
  const s: J = readJson(join(wd, 'analysis', name!, 'summary.json'));
  assert.equal(s.requests.failed, 0);
  assert.ok(s.monitoring.warnings.length >= 2);
});

test('run -j 2 writes both generators and the merged summary, shown as a column', async () => {
  const wd = tmp('run-j2');
  const r = await runCli(['run', '-j', '2', '--workdir', wd, '-o', 'duration=2,rate=5']);
  assert.equal(r.code, 0, r.stderr);
  // The result directories (the work directory's own plots/ and report.html sit beside them).
  const names = readdirSync(join(wd, 'analysis')).filter((n) => n.startsWith('inference-perf_')).sort();
  assert.equal(names.length, 3, names.join(' '));
  const merged = names.find((n) => n.endsWith('_merged'))!;
  assert.ok(merged, names.join(' '));
  const [a, b]: J[] = names.filter((n) => n !== merged).map((n) => readJson(join(wd, 'analysis', n, 'summary.json')));
  const m: J = readJson(join(wd, 'analysis', merged, 'summary.json'));
  assert.equal(m.requests.total, a!.requests.total + b!.requests.total);
  assert.equal(m.requests.succeeded, a!.requests.succeeded + b!.requests.succeeded);
  assert.deepEqual(m.merged_from, names.filter((n) => n !== merged).map((n) => n));
  assert.ok(existsSync(join(wd, 'analysis', merged, 'summary.txt')));
  assert.match(r.stdout, /#3\s+\S+_merged/);
  // -z re-analyses the generators and the merged summary the same way.
  const z = await runCli(['run', '-z', '--workdir', wd]);
  assert.equal(z.code, 0, z.stderr);
  assert.equal(readJson<J>(join(wd, 'analysis', merged, 'summary.json')).requests.total, m.requests.total);
});
