/**
 * vllm-benchmark's native outputs against a real `vllm bench serve` run (the sample in
 * ../shared/upstream/samples/vllm-benchmark/real-run-against-sim): the result JSON carries
 * exactly its keys in its order, the file name follows vLLM's rule, and the console block has
 * its lines; plus the profile → arguments defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { upstreamDir } from '../../../helpers/upstream.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { vllmBenchMetrics } from '../../../../src/metrics/vllm-bench.ts';
import { resolveVllmArgs } from '../../../../src/harness/vllm-benchmark/config-map.ts';
import { consoleBlock, resultFileName, resultJsonText, vllmResult } from '../../../../src/harness/vllm-benchmark/outputs.ts';

const dir = join(upstreamDir, 'samples', 'vllm-benchmark', 'real-run-against-sim');
const sampleName = readdirSync(dir).find((f) => f.endsWith('.json'))!;
const sample = JSON.parse(readFileSync(join(dir, sampleName), 'utf8')) as Record<string, unknown>;
const consoleText = readFileSync(join(dir, 'console.txt'), 'utf8');

// The sample's run: --backend vllm, random 64/32, 40 prompts, rate 4, ttft,tpot,itl,e2el at 50,90,99, seed 0.
const profile = { backend: 'vllm', 'dataset-name': 'random', 'random-input-len': 64, 'random-output-len': 32, 'num-prompts': 40, 'request-rate': 4, 'percentile-metrics': 'ttft,tpot,itl,e2el', 'metric-percentiles': '50,90,99', seed: 0 };
const rec = (id: number, sent: number): RequestRecord => ({
  id, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: sent, sentAtMs: sent,
  chunkTimesMs: [sent + 50, sent + 60, sent + 70], chunkTokens: [1, 1, 1], firstChoiceAtMs: sent + 50, lastChoiceAtMs: sent + 70, endAtMs: sent + 71,
  promptTokensServer: 64, completionTokensServer: 3,
});

test('result JSON: exactly the real run\'s keys, in its order; Python number text; file name', () => {
  const a = resolveVllmArgs(profile);
  const m = vllmBenchMetrics([rec(0, 1000), rec(1, 1250)], { percentiles: a.metric_percentiles });
  const o = vllmResult(a, m, { date: '20261202-041532', modelId: 'meta-llama/Llama-3.2-1B-Instruct', tokenizerId: 'meta-llama/Llama-3.2-1B-Instruct' });
  assert.deepEqual(Object.keys(o), Object.keys(sample));
  const text = resultJsonText(o);
  assert.deepEqual(Object.keys(JSON.parse(text)), Object.keys(sample));
  assert.match(text, /^\{"date": "20261202-041532", "endpoint_type": "vllm", "backend": "vllm", "label": null, /);
  assert.match(text, /"num_prompts": 40, "request_rate": 4\.0, "burstiness": 1\.0, "max_concurrency": null, /);
  assert.match(text, /"completed": 2, "failed": 0, /);
  assert.match(text, /"max_output_tokens_per_s": 6\.0, "max_concurrent_requests": 1, "rtfx": 0\.0, /);
  for (const k of Object.keys(sample)) assert.equal(typeof JSON.parse(text)[k], typeof sample[k], k);
  assert.equal(resultFileName(a, 'meta-llama/Llama-3.2-1B-Instruct', '20261202-041532'), sampleName);
  const capped = resolveVllmArgs({ ...profile, 'request-rate': 'inf', 'max-concurrency': 8, backend: 'openai' });
  assert.equal(resultFileName(capped, 'org/Model-X', 'D'), 'openai-infqps-concurrency8-Model-X-D.json');
  assert.equal(resultFileName(resolveVllmArgs({ 'result-filename': 'result.json' }), 'm', 'D'), 'result.json');
});

test('with --save-detailed the per-request arrays sit where vLLM puts them; queue metrics only with --max-concurrency', () => {
  const a = resolveVllmArgs({ ...profile, 'save-detailed': 'none', 'max-concurrency': 2, 'percentile-metrics': 'ttft,client_queue_time,e2el_including_client_queue', 'metric-percentiles': '99.9,0.1' });
  const o = vllmResult(a, vllmBenchMetrics([rec(0, 1000)], { percentiles: a.metric_percentiles }), { date: 'D', modelId: 'm', tokenizerId: 'm' });
  const keys = Object.keys(o);
  const at = (k: string): number => keys.indexOf(k);
  assert.ok(at('total_token_throughput') < at('input_lens') && at('itls') < at('latencies') && at('latencies') < at('start_times') && at('queue_times') < at('generated_texts') && at('errors') < at('max_output_tokens_per_s'));
  assert.deepEqual(keys.filter((k) => k.endsWith('_ms')), [
    'mean_ttft_ms', 'median_ttft_ms', 'std_ttft_ms', 'p99.9_ttft_ms', 'p0.1_ttft_ms',
    'mean_client_queue_time_ms', 'median_client_queue_time_ms', 'std_client_queue_time_ms', 'p99.9_client_queue_time_ms', 'p0.1_client_queue_time_ms',
    'mean_e2el_including_client_queue_ms', 'median_e2el_including_client_queue_ms', 'std_e2el_including_client_queue_ms', 'p99.9_e2el_including_client_queue_ms', 'p0.1_e2el_including_client_queue_ms',
  ]);
});

test('console block: the real run\'s lines (labels and layout), values from our metrics', () => {
  const a = resolveVllmArgs(profile);
  const ours = consoleBlock(a, vllmBenchMetrics([rec(0, 1000), rec(1, 1250)], { percentiles: a.metric_percentiles })).trimEnd().split('\n');
  const start = consoleText.split('\n').findIndex((l) => l.includes('Serving Benchmark Result'));
  const theirs = consoleText.split('\n').slice(start, start + ours.length);
  const label = (l: string): string => (l.length > 40 && l[40] === ' ' ? l.slice(0, 41) : l);
  assert.deepEqual(ours.map(label), theirs.map(label));
  assert.equal(ours[ours.length - 1], '='.repeat(50));
  // values are left-aligned in 10 columns after the 40-column label
  assert.equal(ours[1], `${'Successful requests:'.padEnd(40)} ${'2'.padEnd(10)}`);
});

test('profile → vllm bench arguments: defaults, bare flags, inf, random forces ignore_eos, general lengths', () => {
  const a = resolveVllmArgs({ executable: 'benchmark_serving.py', 'dataset-name': 'sharegpt', 'ignore-eos': 'none', 'output-len': 77, goodput: 'ttft:100 tpot:20', metadata: 'a=1 b=x=y' });
  assert.equal(a.backend, 'openai');
  assert.equal(a.endpoint, '/v1/completions');
  assert.equal(a.num_prompts, 1000);
  assert.equal(a.request_rate, Infinity);
  assert.equal(a.ignore_eos, true);
  assert.equal(a.sharegpt_output_len, 77);
  assert.deepEqual(a.percentile_metrics, ['ttft', 'tpot', 'itl']);
  assert.deepEqual(a.metric_percentiles, [99]);
  assert.deepEqual(a.goodput, { ttft: 100, tpot: 20 });
  assert.deepEqual(a.metadata, { a: '1', b: 'x=y' });
  assert.equal(resolveVllmArgs({ 'dataset-name': 'random' }).ignore_eos, true);
  assert.equal(resolveVllmArgs({ 'dataset-name': 'sonnet' }).ignore_eos, false);
});
