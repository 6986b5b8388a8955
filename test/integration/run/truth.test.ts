/**
 * `llmdbench run` (real CLI, child process) against servers in this process:
 *  - the ground-truth server (test/helpers/truth-server.ts), which records when it wrote each
 *    chunk: TTFT, ITL, E2E, token counts and throughput in the native files must agree with what
 *    it did (same monotonic clock across processes);
 *  - a server answering 500 / 429 to some requests: failures counted by label, the run completes.
 * Tolerances: every client timestamp is after the server's write, the median within 5 ms and the
 * p90 within 25 ms of it (loaded 2-core CI); means agree within 10 ms (TTFT, E2E) and 3 ms (ITL,
 * TPOT; TPOT's median too); token counts and throughput exactly.
 *  - every failure class (HTTP 4xx, 429, 5xx, reset mid-stream, malformed SSE, timeout, and
 *    connection refused): recorded with its label, counted in the failure rate, the run goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refusedUrl, startTruthServer, type Fault } from '../../helpers/truth-server.ts';
import { onlyDir, readJson, runCli, SUMMARY_KEYS, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function profile(dir: string, opts: { rate: number; duration: number }): string {
  const file = join(dir, 'truth_profile.yaml');
  writeFileSync(
    file,
    `load:
  type: constant
  stages:
  - rate: ${opts.rate}
    duration: ${opts.duration}
  request_timeout: 20
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: truth-model
  base_url: http://unused.invalid:1
  ignore_eos: true
tokenizer:
  pretrained_model_name_or_path: meta-llama/Llama-3.2-1B-Instruct
data:
  type: random
  input_distribution: {min: 20, max: 40, mean: 30, std_dev: 5}
  output_distribution: {min: 10, max: 20, mean: 15, std_dev: 2}
report:
  request_lifecycle:
    summary: true
    per_stage: true
    per_request: true
storage:
  local_storage:
    path: /workspace
`,
  );
  return file;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

test('run against the ground-truth server: native metrics agree with what the server did', async () => {
  const truth = await startTruthServer({ ttftMs: 30, itlMs: 8, chunks: 8, tokensPerChunk: 1 });
  try {
    const wd = tmp('run-truth');
    const r = await runCli(['run', '--workdir', wd, '-w', profile(wd, { rate: 5, duration: 3 }), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /TTFT p50 \(ms\)/);
    const res = onlyDir(wd, 'results');
    const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
    assert.equal(truth.log.size, 15);
    assert.equal(sum.load_summary.count, 15);
    assert.equal(sum.successes.count, 15);
    for (const k of ['request_latency', 'normalized_time_per_output_token', 'time_per_output_token', 'time_to_first_token', 'inter_token_latency']) {
      assert.deepEqual(Object.keys(sum.successes.latency[k]), SUMMARY_KEYS, k);
    }
    assert.deepEqual(Object.keys(sum.successes.throughput).sort(), ['audios_per_sec', 'images_per_sec', 'input_tokens_per_sec', 'output_tokens_per_sec', 'requests_per_sec', 'total_tokens_per_sec', 'videos_per_sec']);

    const byPrompt = new Map([...truth.log.values()].map((t) => [String(t.body.prompt), t]));
    const per: J[] = readJson(join(res, 'per_request_lifecycle_metrics.json'));
    assert.equal(per.length, 15);
    const lags: number[] = [];
    const ttftTruth: number[] = [];
    const e2eTruth: number[] = [];
    const itlTruth: number[] = [];
    const tpotTruth: number[] = [];
    let outTruth = 0;
    for (const e of per) {
      const body = JSON.parse(e.request);
      assert.equal(body.model, 'truth-model');
      assert.equal(body.ignore_eos, true);
      const t = byPrompt.get(body.prompt);
      assert.ok(t, 'the server saw this request');
      const startMs = e.start_time * 1000;
      const chunks: number[] = e.info.response_metrics.chunk_times.map((x: number) => x * 1000);
      assert.equal(chunks.length, t.chunkWriteMs.length);
      chunks.forEach((c, i) => lags.push(c - t.chunkWriteMs[i]!));
      assert.ok(startMs <= t.receivedAtMs + 0.5, 'sent before the server received it');
      ttftTruth.push(t.chunkWriteMs[0]! - startMs);
      e2eTruth.push(t.endWriteMs! - startMs);
      for (let i = 1; i < t.chunkWriteMs.length; i++) itlTruth.push(t.chunkWriteMs[i]! - t.chunkWriteMs[i - 1]!);
      // TPOT as inference-perf defines it: (last token − first token) / (output tokens − 1), server count.
      tpotTruth.push((t.chunkWriteMs[t.chunkWriteMs.length - 1]! - t.chunkWriteMs[0]!) / (t.completionTokens - 1));
      assert.equal(e.info.response_metrics.output_tokens, t.completionTokens, 'output tokens per request = what the server sent');
      assert.equal(e.info.request_metrics.text.input_tokens, t.promptTokens, 'input tokens per request = server usage');
      outTruth += t.completionTokens;
    }
    // Every chunk is stamped after the server wrote it; typically within a few ms (loaded 2-core CI: p90 < 25 ms).
    lags.sort((a, b) => a - b);
    assert.ok(lags[0]! > -0.5, `a chunk stamped ${lags[0]} ms before it was written`);
    assert.ok(lags[Math.floor(lags.length / 2)]! < 5, `median receive lag ${lags[Math.floor(lags.length / 2)]} ms`);
    assert.ok(lags[Math.floor(lags.length * 0.9)]! < 25, `p90 receive lag ${lags[Math.floor(lags.length * 0.9)]} ms`);
    const lat = sum.successes.latency;
    assert.ok(Math.abs(lat.time_to_first_token.mean * 1000 - mean(ttftTruth)) < 10, `TTFT ${lat.time_to_first_token.mean * 1000} vs ${mean(ttftTruth)}`);
    assert.ok(lat.time_to_first_token.min * 1000 >= 30 - 0.5, 'TTFT is never below the server delay');
    assert.ok(Math.abs(lat.inter_token_latency.mean * 1000 - mean(itlTruth)) < 3, `ITL ${lat.inter_token_latency.mean * 1000} vs ${mean(itlTruth)}`);
    assert.ok(Math.abs(lat.request_latency.mean * 1000 - mean(e2eTruth)) < 10, `E2E ${lat.request_latency.mean * 1000} vs ${mean(e2eTruth)}`);
    assert.ok(Math.abs(lat.time_per_output_token.mean * 1000 - mean(tpotTruth)) < 3, `TPOT ${lat.time_per_output_token.mean * 1000} vs ${mean(tpotTruth)}`);
    assert.ok(Math.abs(lat.time_per_output_token.median * 1000 - median(tpotTruth)) < 3, `TPOT p50 ${lat.time_per_output_token.median * 1000} vs ${median(tpotTruth)}`);
    assert.equal(sum.successes.output_tokens.total, outTruth);
    assert.ok(Math.abs(sum.successes.throughput.output_tokens_per_sec - outTruth / sum.benchmark_time_seconds) < 1e-6);
    assert.ok(Math.abs(sum.successes.throughput.requests_per_sec - 15 / sum.benchmark_time_seconds) < 1e-9);
    // Server-counted prompt tokens (usage) are the input tokens.
    const promptTruth = [...truth.log.values()].reduce((a, t) => a + t.promptTokens, 0);
    assert.equal(sum.successes.prompt_tokens.total, promptTruth);
    const s: J = readJson(join(onlyDir(wd, 'analysis'), 'summary.json'));
    assert.ok(Math.abs(s.ttft_ms.mean - mean(ttftTruth)) < 10);
  } finally {
    await truth.close();
  }
});

test('run against a server answering 500 and 429: failures counted by label, the run completes', async () => {
  let n = 0;
  const injected = { 500: 0, 429: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST') {
        // GET /v1/models (the run checks which model is served): not a benchmark request.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"truth-model"}]}');
        return;
      }
      const i = n++;
      if (i % 5 === 1) {
        injected[500]++;
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
        return;
      }
      if (i % 5 === 3) {
        injected[429]++;
        res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":"slow down"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let k = 0; k < 4; k++) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: ' x', finish_reason: k === 3 ? 'length' : null }] })}\n\n`);
      res.end(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4 } })}\n\ndata: [DONE]\n\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const wd = tmp('run-faults');
    const r = await runCli(['run', '--workdir', wd, '-w', profile(wd, { rate: 10, duration: 2 }), '--endpoint', url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(n, 20);
    const sum: J = readJson(join(onlyDir(wd, 'results'), 'summary_lifecycle_metrics.json'));
    assert.equal(sum.failures.count, injected[500] + injected[429]);
    assert.equal(sum.successes.count, 20 - sum.failures.count);
    assert.equal(sum.failures.by_label['500 - Internal Server Error'].count, injected[500]);
    assert.equal(sum.failures.by_label['429 - Rate Limit'].count, injected[429]);
    const s: J = readJson(join(onlyDir(wd, 'analysis'), 'summary.json'));
    assert.equal(s.failure_rate, (injected[500] + injected[429]) / 20);
    assert.match(r.stdout, /failure rate \(%\)\s+40\.00/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a run capped by num_workers × worker_max_concurrency shows the waits as schedule lag, not as TTFT', async () => {
  const truth = await startTruthServer({ ttftMs: 250, itlMs: 5, chunks: 3, tokensPerChunk: 1 });
  try {
    const wd = tmp('run-cap');
    const file = profile(wd, { rate: 20, duration: 1 });
    writeFileSync(file, readFileSync(file, 'utf8').replace('  request_timeout: 20\n', '  request_timeout: 20\n  num_workers: 1\n  worker_max_concurrency: 2\n'));
    const r = await runCli(['run', '--workdir', wd, '-w', file, '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(truth.log.size, 20);
    assert.ok(truth.maxActive() <= 2, `server saw ${truth.maxActive()} at once; the cap is 2`);
    const res = onlyDir(wd, 'results');
    const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
    assert.equal(sum.successes.count, 20);
    // 20 requests due over 1 s, 2 at a time, ~265 ms each (~2.6 s of service): the last waits ~1.6 s for a slot.
    // TTFT stays what the server did (250 ms + a little), it does not absorb the wait.
    assert.ok(sum.successes.latency.time_to_first_token.max < 0.25 + 0.1, `TTFT max ${sum.successes.latency.time_to_first_token.max} s`);
    assert.ok(sum.successes.latency.time_to_first_token.min >= 0.25 - 0.001);
    const h: J = readJson(join(res, 'loadgen_health.json'));
    assert.equal(h.inference_perf_in_flight_cap, 2);
    assert.equal(h.stages[0].maxInFlight, 2);
    assert.ok(h.stages[0].scheduleLagMs.max > 800, `schedule lag max ${h.stages[0].scheduleLagMs.max} ms`);
    assert.equal(h.cause, 'in-flight-cap', h.verdict);
    assert.match(h.verdict, /caps requests in flight at num_workers × worker_max_concurrency = 2/);
    assert.match(r.stdout, /BEHIND \(in-flight cap\)/);
  } finally {
    await truth.close();
  }
});

test('every failure class through the CLI: recorded with its label, counted in the failure rate, the run goes on', async () => {
  const faults: Fault[] = [
    { kind: 'none' },
    { kind: 'status', status: 400 },
    { kind: 'status', status: 429 },
    { kind: 'status', status: 503 },
    { kind: 'reset', afterChunks: 2 },
    { kind: 'malformed_sse' },
    { kind: 'stall', afterChunks: 1 },
  ];
  // 21 requests: each class 3 times, in turn.
  const truth = await startTruthServer({ ttftMs: 20, itlMs: 5, chunks: 4, tokensPerChunk: 1 }, { faultFor: (n) => faults[n % faults.length]! });
  try {
    const wd = tmp('run-fault-classes');
    const file = profile(wd, { rate: 21, duration: 1 });
    writeFileSync(file, readFileSync(file, 'utf8').replace('request_timeout: 20', 'request_timeout: 1'));
    const r = await runCli(['run', '--workdir', wd, '-w', file, '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(truth.log.size, 21, 'every request was sent: the run went on');
    const res = onlyDir(wd, 'results');
    const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
    assert.equal(sum.successes.count, 3);
    assert.equal(sum.failures.count, 18);
    const labels = Object.fromEntries(Object.entries(sum.failures.by_label as Record<string, J>).map(([k, v]) => [k, v.count]));
    assert.deepEqual(labels, { '400 - other': 3, '429 - Rate Limit': 3, '503 - Service Unavailable': 3, 'Connection Error': 3, 'Invalid JSON': 3, Timeout: 3 });
    // Our own labels, in the raw records.
    const recs = readFileSync(join(res, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J);
    const ours: Record<string, number> = {};
    for (const x of recs) if (x.error) ours[x.error.label] = (ours[x.error.label] ?? 0) + 1;
    assert.deepEqual(ours, { http_4xx: 3, http_429: 3, http_5xx: 3, connection_reset: 3, malformed_sse: 3, timeout: 3 });
    const s: J = readJson(join(onlyDir(wd, 'analysis'), 'summary.json'));
    assert.equal(s.failure_rate, 18 / 21);
    assert.match(r.stdout, /failure rate \(%\)\s+85\.71/);
  } finally {
    await truth.close();
  }
});

test('connection refused: every request recorded as a connection error, the run finishes (exit 3: nothing succeeded)', async () => {
  const url = await refusedUrl();
  const wd = tmp('run-refused');
  const r = await runCli(['run', '--workdir', wd, '-w', profile(wd, { rate: 5, duration: 1 }), '--endpoint', url, '-m', 'truth-model']);
  assert.notEqual(r.code, 0);
  assert.notEqual(r.code, 130);
  const res = onlyDir(wd, 'results');
  const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
  assert.equal(sum.load_summary.count, 5);
  assert.equal(sum.failures.count, 5);
  assert.deepEqual(Object.keys(sum.failures.by_label), ['Connection Error']);
  const recs = readFileSync(join(res, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J);
  assert.deepEqual([...new Set(recs.map((x) => x.error?.label))], ['connection_refused']);
  assert.match(r.stdout, /failure rate \(%\)\s+100\.00/);
});
