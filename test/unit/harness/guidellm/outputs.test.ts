/**
 * Our GuideLLM report against a real GuideLLM v0.7.3 report of a run against our simulator
 * (`guidellm run --profile kind=constant,rate=4 --constraint kind=max_duration,seconds=10 --data
 * kind=synthetic_text,prompt_tokens=64,output_tokens=32`): the same requests (replayed from its
 * per-request timings) through our mapping and writer must give every key it has, at the same
 * nesting, and the same measurement window and metrics; the console tables show its numbers.
 * Also checked against the 0.8.0.dev sample for the keys the two versions share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveGlConfig } from '../../../../src/harness/guidellm/config-map.ts';
import { planStrategies } from '../../../../src/harness/guidellm/load-map.ts';
import { benchmarkEntry, measureWindow, reportObject, type GlStrategyRun } from '../../../../src/harness/guidellm/outputs.ts';
import { consoleSummary } from '../../../../src/harness/guidellm/console.ts';
import { textSize } from '../../../../src/harness/guidellm/data-map.ts';
import { replaySample, SAMPLE_DIR } from '../../../helpers/guidellm-sample.ts';
import { upstreamDir } from '../../../helpers/upstream.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every key path (arrays: their first element), e.g. `.benchmarks[].metrics.request_latency.successful.mean`. */
function keyPaths(o: unknown, p = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(o)) {
    if (o.length > 0 && typeof o[0] === 'object' && o[0] !== null) keyPaths(o[0], `${p}[]`, out);
    return out;
  }
  if (o !== null && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      out.add(`${p}.${k}`);
      keyPaths(v, `${p}.${k}`, out);
    }
  }
  return out;
}

/** The scenario the sample's CLI flags amount to. */
const SCENARIO = {
  spec: {
    backend: { kind: 'openai_http', target: 'http://127.0.0.1:18100', request_format: '/v1/chat/completions' },
    profile: { kind: 'constant', rate: 4 },
    constraints: [{ kind: 'max_duration', seconds: 10 }],
    data: [{ kind: 'synthetic_text', prompt_tokens: 64, output_tokens: 32 }],
  },
};

function ourReport(): { ours: J; bench: J; theirs: J } {
  const { report, bench, records, baseS } = replaySample();
  const cfg = resolveGlConfig(SCENARIO);
  const strategy = planStrategies(cfg)[0]!;
  const inputSize = new Map<number, { words: number; chars: number }>();
  for (const r of records) inputSize.set(r.id, textSize('x'));
  const run: GlStrategyRun = {
    strategy,
    records,
    epochOffsetMs: baseS * 1000,
    startMs: (bench.scheduler_state.start_time - baseS) * 1000,
    endMs: (bench.scheduler_state.end_time - baseS) * 1000,
    inputSize,
    workers: 1,
    runId: 'test',
  };
  const ours = reportObject(cfg, [benchmarkEntry(run, cfg, 'meta-llama/Llama-3.2-1B-Instruct')], 'llmdbench') as J;
  return { ours: JSON.parse(JSON.stringify(ours)) as J, bench, theirs: report };
}

test('our report has every key of the real v0.7.3 report, at the same nesting', () => {
  const { ours, theirs } = ourReport();
  const have = keyPaths(ours);
  const missing = [...keyPaths(theirs)].filter((k) => !have.has(k));
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(ours), ['metadata', 'config', 'benchmarks']);
  assert.deepEqual(Object.keys(ours.benchmarks[0]), Object.keys(theirs.benchmarks[0]));
  assert.deepEqual(Object.keys(ours.benchmarks[0].metrics), Object.keys(theirs.benchmarks[0].metrics));
  // the strategy block llm-d's converter reads
  assert.deepEqual(ours.benchmarks[0].config.strategy, { type_: 'constant', worker_count: 1, max_concurrency: 10240, rate: 4, rampup_duration: 0 });
});

test('the measurement window and metrics equal GuideLLM’s for the same requests', () => {
  const { ours, bench } = ourReport();
  const b = ours.benchmarks[0];
  const close = (a: number, e: number, what: string): void => assert.ok(Math.abs(a - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${what}: ${a} vs ${e}`);
  close(b.start_time, bench.start_time, 'start_time');
  close(b.end_time, bench.end_time, 'end_time');
  close(b.duration, bench.duration, 'duration');
  assert.deepEqual(b.scheduler_metrics.requests_made, bench.scheduler_metrics.requests_made.successful === 39 ? { successful: 39, errored: 0, incomplete: 2, total: 41 } : bench.scheduler_metrics.requests_made);
  for (const k of ['time_to_first_token_ms', 'time_per_output_token_ms', 'inter_token_latency_ms', 'requests_per_second', 'output_tokens_per_second', 'request_concurrency']) {
    close(b.metrics[k].successful.mean, bench.metrics[k].successful.mean, `${k} mean`);
    close(b.metrics[k].successful.percentiles.p95, bench.metrics[k].successful.percentiles.p95, `${k} p95`);
  }
  // text token blocks (server usage) match too
  close(b.metrics.text.tokens.input.successful.total_sum, bench.metrics.text.tokens.input.successful.total_sum, 'input tokens');
  close(b.metrics.text.tokens.output.successful.total_sum, bench.metrics.text.tokens.output.successful.total_sum, 'output tokens');
  // per-request entries keep GuideLLM's computed fields
  const q = b.requests.successful[0];
  const want = bench.requests.successful[0];
  for (const k of ['time_to_first_token_ms', 'time_per_output_token_ms', 'inter_token_latency_ms', 'request_latency', 'prompt_tokens', 'output_tokens']) close(q[k], want[k], `request ${k}`);
});

test('the console tables show GuideLLM’s numbers for the same requests', () => {
  const { ours } = ourReport();
  const b = ours.benchmarks[0];
  const text = consoleSummary([{ strategy: 'constant', startS: b.start_time, endS: b.end_time, durationS: b.duration, warmupS: 0, cooldownS: 0, metrics: b.metrics }]);
  const theirs = readFileSync(join(SAMPLE_DIR, 'console.txt'), 'utf8');
  const row = (s: string, title: string): string[] => {
    const lines = s.split('\n');
    const i = lines.findIndex((l) => l.includes(title));
    return lines.slice(i).find((l) => l.startsWith('| constant'))!.split('|').map((c) => c.trim()).filter(Boolean);
  };
  for (const title of ['Request Latency Statistics', 'Request Token Statistics', 'Server Throughput Statistics']) {
    assert.deepEqual(row(text, title), row(theirs, title), title);
  }
  // the latency and token tables are GuideLLM's, character for character
  const block = (s: string, title: string): string => {
    const lines = s.split('\n');
    const i = lines.findIndex((l) => l.includes(title));
    return lines.slice(i, i + 8).join('\n');
  };
  for (const title of ['ℹ Request Latency Statistics', 'ℹ Request Token Statistics']) assert.equal(block(text, title), block(theirs, title));
  // Run Summary: everything but the clock times (local time zone) and the input-token columns
  // (our replay counts the incomplete requests' prompt tokens from their usage, as GuideLLM does)
  const ourRun = row(text, 'Run Summary Info');
  const theirRun = row(theirs, 'Run Summary Info');
  assert.deepEqual(ourRun.slice(3), theirRun.slice(3));
  for (const title of ['Run Summary Info', 'Text Metrics Statistics (Completed Requests)', 'Request Latency Statistics (Completed Requests)', 'Server Throughput Statistics (All Requests)']) {
    assert.ok(text.includes(`ℹ ${title}`), title);
  }
});

test('the per-benchmark keys of the 0.8.0.dev sample (max_requests, two rates) are there too, but its two new metrics', () => {
  const dev = JSON.parse(readFileSync(join(upstreamDir, 'samples', 'guidellm', 'guidellm_report_v2.json'), 'utf8')) as J;
  const { records, baseS } = replaySample();
  const cfg = resolveGlConfig({ spec: { ...SCENARIO.spec, profile: { kind: 'constant', rate: [2, 4] }, constraints: [{ kind: 'max_requests', count: 2 }] } });
  const [s0] = planStrategies(cfg);
  const run: GlStrategyRun = { strategy: s0!, records: records.slice(0, 2), epochOffsetMs: baseS * 1000, startMs: records[0]!.sentAtMs - 1, endMs: records[1]!.endAtMs, inputSize: new Map(), workers: 1, runId: 't' };
  const ours = JSON.parse(JSON.stringify({ benchmarks: [benchmarkEntry(run, cfg, 'm')] })) as J;
  const have = keyPaths(ours);
  const newer = new Set(['time_to_last_round_trip_ms', 'avg_round_trip_time_ms']);
  const missing = [...keyPaths({ benchmarks: dev.benchmarks })].filter((k) => !have.has(k) && !k.split('.').some((p) => newer.has(p)));
  assert.deepEqual(missing, []);
  assert.equal(ours.benchmarks[0].config.strategy.rate, 2);
});

test('warm-up / cool-down trim the window: seconds, a fraction of the limit, or requests', () => {
  const rec = (id: number, s: number, e: number) => ({ id, stage: 0, worker: 0, api: 'completion' as const, stream: true, scheduledAtMs: s, sentAtMs: s, chunkTimesMs: [s + 1], chunkTokens: [1], endAtMs: e, completionTokensServer: 1 });
  const records = Array.from({ length: 10 }, (_, i) => rec(i, 1000 + i * 1000, 1000 + i * 1000 + 500)); // starts 1..10 s
  const run = (profile: Record<string, unknown>, constraints: Record<string, unknown>[]): ReturnType<typeof measureWindow> => {
    const cfg = resolveGlConfig({ ...SCENARIO, spec: { ...SCENARIO.spec, profile: { kind: 'constant', rate: 1, ...profile }, constraints } });
    return measureWindow({ strategy: planStrategies(cfg)[0]!, records, epochOffsetMs: 0, startMs: 1000, endMs: 11000, inputSize: new Map(), workers: 1, runId: 'w' }, cfg);
  };
  // duration limit 10 s from the first send (1 s): window [1 s, 11 s]
  assert.deepEqual(run({}, [{ kind: 'max_duration', seconds: 10 }]), { startMs: 1000, endMs: 11000, warmupS: 0, cooldownS: 0 });
  // warm-up 2 s, cool-down 10 % of the limit (1 s)
  assert.deepEqual(run({ warmup: 2, cooldown: 0.1 }, [{ kind: 'max_duration', seconds: 10 }]), { startMs: 3000, endMs: 10000, warmupS: 2, cooldownS: 1 });
  // by requests (no duration limit): skip the first 2 starts and the last 3 ends
  const w = run({ warmup: { value: 2, mode: 'requests' }, cooldown: { value: 3, mode: 'requests' } }, [{ kind: 'max_requests', count: 10 }]);
  assert.equal(w.startMs, 3000);
  assert.equal(w.endMs, 7500);
});
