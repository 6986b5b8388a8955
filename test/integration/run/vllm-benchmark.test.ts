/**
 * `llmdbench run -l vllm-benchmark` (real CLI) against the ground-truth server, which records
 * when it received each request and wrote each chunk (same monotonic clock):
 *  - the 3-prompt warm-up comes first and is not in the result; the main run's count, tokens and
 *    per-request TTFT / latency / ITL / TPOT (from --save-detailed) agree with what the server did;
 *  - with --max-concurrency 1 and rate inf, requests wait for the slot: that wait is the client
 *    queue time, and TTFT / latency stay the server's.
 * Tolerances (loaded 2-core machine): no client time before the server's write (0.5 ms slack);
 * per-request TTFT and latency medians within 5 ms of the server's; ITL and TPOT means within
 * 1 ms (both ends carry the same receive lag); counts and tokens exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startTruthServer, type TruthRequestLog } from '../../helpers/truth-server.ts';
import { onlyDir, runCli, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function writeProfile(dir: string, extra: string): string {
  const f = join(dir, 'vb.yaml');
  writeFileSync(f, `executable: benchmark_serving.py
model: truth-model
backend: vllm
dataset-name: random
random-input-len: 20
random-output-len: 8
percentile-metrics: "ttft,tpot,itl,e2el,client_queue_time"
metric-percentiles: "50,90"
save-detailed: none
${extra}`);
  return f;
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const wdOf = (resultsDir: string): string => dirname(dirname(resultsDir));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function run(extra: string): Promise<{ res: J; truth: TruthRequestLog[]; stdout: string; dir: string }> {
  const truth = await startTruthServer({ ttftMs: 30, itlMs: 8, chunks: 8, tokensPerChunk: 1 });
  try {
    const wd = tmp('run-vllm');
    const r = await runCli(['run', '--workdir', wd, '-l', 'vllm-benchmark', '-w', writeProfile(wd, extra), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const dir = onlyDir(wd, 'results');
    const name = readdirSync(dir).find((f) => /^vllm-.*qps.*-truth-model-\d{8}-\d{6}\.json$/.test(f));
    assert.ok(name, `result file in ${readdirSync(dir).join(', ')}`);
    const res = JSON.parse(readFileSync(join(dir, name), 'utf8')) as J;
    return { res, truth: [...truth.log.values()].sort((a, b) => a.receivedAtMs - b.receivedAtMs), stdout: r.stdout + r.stderr, dir };
  } finally {
    await truth.close();
  }
}

test('vllm-benchmark against the ground-truth server: warm-up first, then vLLM\'s definitions agree with what the server did', async () => {
  const { res, truth, stdout, dir } = await run('num-prompts: 12\nrequest-rate: 6\nseed: 3\n');
  assert.equal(truth.length, 3 + 12, 'warm-up of 3, then 12');
  const main = truth.slice(3);
  assert.ok(main.every((t) => t.body.ignore_eos === true && t.body.max_tokens === 8 && t.body.model === 'truth-model'));
  assert.equal(res.completed, 12);
  assert.equal(res.failed, 0);
  assert.equal(res.num_prompts, 12);
  assert.equal(res.request_rate, 6);
  assert.equal(res.total_output_tokens, 12 * 8);
  assert.equal(res.total_input_tokens, main.reduce((a, t) => a + t.promptTokens, 0));
  const starts: number[] = res.start_times.map((s: number) => s * 1000);
  const order = starts.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const ttftErr: number[] = [];
  const latErr: number[] = [];
  const itlOurs: number[] = [];
  const itlTruth: number[] = [];
  const tpotTruth: number[] = [];
  order.forEach((i, k) => {
    const t = main[k]!;
    const st = starts[i]!;
    assert.ok(st <= t.receivedAtMs + 0.5, 'sent before received');
    const ttft = res.ttfts[i] * 1000;
    const lat = res.latencies[i] * 1000;
    const w = t.chunkWriteMs;
    assert.ok(ttft >= w[0]! - st - 0.5 && lat >= w[w.length - 1]! - st - 0.5, 'never before the server wrote it');
    ttftErr.push(ttft - (w[0]! - st));
    latErr.push(lat - (w[w.length - 1]! - st));
    itlOurs.push(...res.itls[i].map((x: number) => x * 1000));
    for (let j = 1; j < w.length; j++) itlTruth.push(w[j]! - w[j - 1]!);
    tpotTruth.push((w[w.length - 1]! - w[0]!) / (t.completionTokens - 1));
    assert.equal(res.output_lens[i], t.completionTokens);
  });
  assert.ok(median(ttftErr) < 5, `TTFT median error ${median(ttftErr)} ms`);
  assert.ok(median(latErr) < 5, `latency median error ${median(latErr)} ms`);
  assert.equal(itlOurs.length, itlTruth.length, 'one ITL sample per chunk gap');
  assert.ok(Math.abs(res.mean_itl_ms - mean(itlTruth)) < 1, `ITL ${res.mean_itl_ms} vs ${mean(itlTruth)}`);
  assert.ok(Math.abs(res.mean_tpot_ms - mean(tpotTruth)) < 1, `TPOT ${res.mean_tpot_ms} vs ${mean(tpotTruth)}`);
  // duration: dispatch start → all done; at least the last arrival plus its latency
  assert.ok(res.duration >= 12 / 6 - 0.01 && res.duration < 12 / 6 + 1, `duration ${res.duration}`);
  assert.ok(Math.abs(res.request_throughput - 12 / res.duration) < 1e-9);
  // no --max-concurrency: no queue metrics; the console block and the ten-metric table
  assert.equal(res.mean_client_queue_time_ms, undefined);
  assert.match(stdout, /=+ Serving Benchmark Result =+\nSuccessful requests: +12/);
  assert.match(stdout, /TTFT p50 \(ms\)/);
  assert.match(readFileSync(join(dir, 'stdout.log'), 'utf8'), /Starting main benchmark run\.\.\.[\s\S]*Serving Benchmark Result/);
  // records.jsonl keeps the warm-up (tagged); the analysis summary, under vLLM's definitions, leaves it out
  const recs = readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J);
  assert.equal(recs.length, 15);
  assert.equal(recs.filter((x) => x.tags?.phase === 'warmup').length, 3);
  const summary = JSON.parse(readFileSync(join(wdOf(dir), 'analysis', basename(dir), 'summary.json'), 'utf8')) as J;
  assert.deepEqual(summary.requests, { total: 12, succeeded: 12, failed: 0 });
  assert.ok(Math.abs(summary.ttft_ms.mean - res.mean_ttft_ms) < 1e-6, 'the summary\'s TTFT is vLLM\'s');
  assert.equal(summary.ntpot_ms, null);
});

test('vllm-benchmark --max-concurrency 1, rate inf: the wait for the slot is client queue time, not TTFT', async () => {
  const { res, truth } = await run('num-prompts: 6\nmax-concurrency: 1\n');
  const main = truth.slice(3);
  assert.equal(res.completed, 6);
  assert.equal(res.max_concurrency, 1);
  assert.equal(res.max_concurrent_requests, 1);
  for (let k = 1; k < main.length; k++) assert.ok(main[k]!.receivedAtMs >= main[k - 1]!.endWriteMs! - 0.5, 'one request at a time');
  // every request was due at t = 0: request k waited for the k before it (~86 ms each)
  const q: number[] = [...res.queue_times].map((x: number) => x * 1000).sort((a, b) => a - b);
  for (let k = 1; k < q.length; k++) assert.ok(q[k]! - q[k - 1]! > 80, `queue times ${q.map((x) => x.toFixed(1))}`);
  assert.ok(res.mean_ttft_ms > 29.5 && res.mean_ttft_ms < 40, `TTFT ${res.mean_ttft_ms} excludes the queue`);
  assert.ok(Math.abs(res.mean_client_queue_time_ms - mean(q)) < 1e-6);
  assert.ok(res.p90_client_queue_time_ms > 300);
});
