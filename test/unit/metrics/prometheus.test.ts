import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyOf, parsePrometheusText } from '../../../src/metrics/prometheus.ts';
import { histogramQuantile, summarizeMonitoring } from '../../../src/metrics/monitoring.ts';
import { observabilitySection } from '../../../src/metrics/observability.ts';

// vLLM V0 (0.6.x) exposition as prometheus_client writes it: old cache name, _created series, exponents.
const V0 = (running: number, waiting: number, gpu: number, preempt: number, bucketCounts: [number, number, number], sum: number) => `# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${running}
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${waiting}
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${gpu}
# HELP vllm:num_preemptions_total Cumulative number of preemption from the engine.
# TYPE vllm:num_preemptions_total counter
vllm:num_preemptions_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${preempt}
# HELP vllm:e2e_request_latency_seconds Histogram of end to end request latency in seconds.
# TYPE vllm:e2e_request_latency_seconds histogram
vllm:e2e_request_latency_seconds_sum{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${sum}
vllm:e2e_request_latency_seconds_bucket{le="1.0",model_name="meta-llama/Llama-3.1-8B-Instruct"} ${bucketCounts[0]}
vllm:e2e_request_latency_seconds_bucket{le="2.5",model_name="meta-llama/Llama-3.1-8B-Instruct"} ${bucketCounts[1]}
vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} ${bucketCounts[2]}
vllm:e2e_request_latency_seconds_count{model_name="meta-llama/Llama-3.1-8B-Instruct"} ${bucketCounts[2]}
# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.71234567891e+09
`;

test('parses vLLM exposition: labels, exponents, +Inf buckets, escaped label values, families', () => {
  const p = parsePrometheusText(`${V0(3, 1, 0.25, 2, [4, 9, 10], 12.5)}weird{path="a\\"b\\\\c",x="y"} NaN\nnot a sample\n`);
  assert.deepEqual(p.badLines, [24]); // "not a sample"
  const running = p.samples.find((s) => s.name === 'vllm:num_requests_running')!;
  assert.equal(running.value, 3);
  assert.equal(running.labels.model_name, 'meta-llama/Llama-3.1-8B-Instruct');
  assert.equal(p.samples.find((s) => s.name === 'process_start_time_seconds')!.value, 1712345678.91);
  const inf = p.samples.find((s) => s.labels.le === '+Inf')!;
  assert.equal(inf.value, 10);
  const weird = p.samples.find((s) => s.name === 'weird')!;
  assert.equal(weird.labels.path, 'a"b\\c');
  assert.ok(Number.isNaN(weird.value));
  assert.equal(p.types.get('vllm:e2e_request_latency_seconds'), 'histogram');
  assert.equal(familyOf('vllm:e2e_request_latency_seconds_bucket', p.types), 'vllm:e2e_request_latency_seconds');
  assert.equal(familyOf('vllm:num_preemptions_total', p.types), 'vllm:num_preemptions_total');
});

test('histogramQuantile interpolates inside the bucket like Prometheus', () => {
  // 4 in (0,1], 5 in (1,2.5], 1 above: p50 = rank 5 → 1 + 1.5 * (5-4)/5 = 1.3
  assert.equal(histogramQuantile(0.5, [1, 2.5, Infinity], [4, 9, 10]), 1 + 1.5 * (1 / 5));
  assert.equal(histogramQuantile(0.2, [1, 2.5, Infinity], [4, 9, 10]), 0.5);
  assert.equal(histogramQuantile(0.99, [1, 2.5, Infinity], [4, 9, 10]), 2.5);
  assert.equal(histogramQuantile(0.5, [1, Infinity], [0, 0]), null);
});

test('monitoring summary: gauges over snapshots, counter increase with restart, histogram deltas; old and new cache names', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const snaps = [
    { tsMs: t0, target: 'pod-a', text: V0(2, 0, 0.1, 5, [1, 1, 1], 0.5) },
    { tsMs: t0 + 10_000, target: 'pod-a', text: V0(4, 2, 0.3, 7, [3, 6, 6], 8) },
    { tsMs: t0 + 20_000, target: 'pod-a', text: V0(6, 4, 0.5, 1, [5, 11, 12], 20.5) }, // counter restarted: 7 -> 1
  ];
  const s = summarizeMonitoring(snaps);
  const a = s.targets[0]!;
  assert.equal(a.snapshots, 3);
  const run = a.metrics['vllm:num_requests_running']!;
  assert.equal(run.type, 'gauge');
  if (run.type === 'gauge') {
    assert.equal(run.stats.mean, 4);
    assert.equal(run.stats.max, 6);
    assert.equal(run.stats.p50, 4);
    assert.ok(Math.abs(run.stats.stddev - Math.sqrt(8 / 3)) < 1e-12);
  }
  const pre = a.metrics['vllm:num_preemptions_total']!;
  assert.equal(pre.type, 'counter');
  if (pre.type === 'counter') {
    assert.equal(pre.increase, 2 + 1);
    assert.equal(pre.ratePerS, 3 / 20);
  }
  const e2e = a.metrics['vllm:e2e_request_latency_seconds']!;
  assert.equal(e2e.type, 'histogram');
  if (e2e.type === 'histogram') {
    assert.equal(e2e.count, 11);
    assert.equal(e2e.sum, 20);
    assert.equal(e2e.mean, 20 / 11);
  }
  const obs = observabilitySection(s)!;
  const comp = (obs.components as Record<string, unknown>[])[0]!;
  const agg = comp.aggregate as Record<string, { units: string; mean: number; max?: number }>;
  // gpu_cache_usage_perc (V0 name) fills both fields, as percent.
  assert.ok(Math.abs(agg.kv_cache_usage!.mean - 30) < 1e-9);
  assert.equal(agg.kv_cache_usage!.units, 'percent');
  assert.ok(Math.abs(agg.gpu_cache_usage!.max! - 50) < 1e-9);
  assert.equal(agg.running_requests!.mean, 4);
  assert.equal(agg.waiting_requests!.max, 4);
  assert.equal(agg.preemptions!.mean, 3);
  assert.equal(comp.replica_id, 'pod-a');
  const upstream = obs.vllm_kv_cache_usage_perc as { components: { pod: string; statistics: { mean: number } }[] };
  assert.ok(Math.abs(upstream.components[0]!.statistics.mean - 0.3) < 1e-12);
});
