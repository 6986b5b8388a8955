/**
 * `llmdbench run -l guidellm` (real CLI, child process) against the ground-truth server, which
 * records when it received each request and wrote each chunk (same monotonic clock): GuideLLM's
 * numbers in results.json must be GuideLLM's definitions applied to what the server did.
 * Tolerances: TPOT (÷ out) and ITL (÷ out − 1) means within 1 ms of the truth; TTFT and latency
 * means within 10 ms as in truth.test.ts (receive lag on a loaded 2-core machine; tested in
 * test/integration/run/truth.test.ts); request rate and token counts exactly.
 * A duration limit cancels what is in flight: those requests are `incomplete`, cut within 100 ms
 * of the limit (counted from the stage clock; GuideLLM's window runs from the first send).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { onlyDir, readJson, runCli, tmp } from './helpers.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function scenario(dir: string, profile: string, seconds: number): string {
  const file = join(dir, 'gl_truth.yaml');
  writeFileSync(
    file,
    `spec:
  backend:
    kind: openai_http
    target: http://unused.invalid:1
    model: truth-model
    request_format: /v1/completions
  profile: ${profile}
  constraints:
    - kind: max_duration
      seconds: ${seconds}
  data:
    - kind: synthetic_text
      prompt_tokens: 30
      output_tokens: 8
`,
  );
  return file;
}

const records = (dir: string): RequestRecord[] =>
  readFileSync(join(dir, 'records.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RequestRecord);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('guidellm constant 5 req/s for 3 s against the truth server: GuideLLM definitions of what the server did', async () => {
  const truth = await startTruthServer({ ttftMs: 30, itlMs: 8, chunks: 8, tokensPerChunk: 1 });
  try {
    const wd = tmp('gl-truth');
    const r = await runCli(['run', '--workdir', wd, '-l', 'guidellm', '-w', scenario(wd, '{kind: constant, rate: 5}', 3), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /Setup complete, starting benchmarks/);
    assert.match(r.stdout + r.stderr, /ℹ Request Latency Statistics \(Completed Requests\)/);
    const res = onlyDir(wd, 'results');
    const rep: J = readJson(join(res, 'results.json'));
    const b = rep.benchmarks[0];
    assert.equal(truth.log.size, 15, 'k/rate for k = 0..14 (< 3 s)');
    assert.deepEqual(b.metrics.request_totals, { successful: 15, errored: 0, incomplete: 0, total: 15 });
    // every body as GuideLLM's backend sends it
    for (const t of truth.log.values()) {
      assert.deepEqual(t.body.stream_options, { include_usage: true, continuous_usage_stats: true });
      assert.equal(t.body.max_tokens, 8);
      assert.equal(t.body.ignore_eos, true);
      assert.equal(t.body.stop, null);
    }
    // pair our records with the server's log by send order (200 ms apart)
    const recs = records(res).sort((x, y) => x.sentAtMs - y.sentAtMs);
    const logs = [...truth.log.values()].sort((x, y) => x.receivedAtMs - y.receivedAtMs);
    const ttft: number[] = [];
    const tpot: number[] = [];
    const itl: number[] = [];
    const lat: number[] = [];
    let out = 0;
    recs.forEach((rec, i) => {
      const t = logs[i]!;
      assert.ok(rec.sentAtMs <= t.receivedAtMs + 0.5, 'sent before the server received it');
      const w = t.chunkWriteMs;
      ttft.push(w[0]! - rec.sentAtMs);
      tpot.push((w[w.length - 1]! - rec.sentAtMs) / t.completionTokens); // GuideLLM: includes TTFT, ÷ out
      itl.push((w[w.length - 1]! - w[0]!) / (t.completionTokens - 1));
      lat.push(t.endWriteMs! - rec.sentAtMs);
      out += t.completionTokens;
    });
    const m = b.metrics;
    const near = (got: number, want: number, tol: number, what: string): void => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs truth ${want}`);
    near(m.time_to_first_token_ms.successful.mean, mean(ttft), 10, 'TTFT mean');
    near(m.request_latency.successful.mean * 1000, mean(lat), 10, 'latency mean');
    // TPOT is weighted by output tokens (all 8 here, so the weighted mean is the plain mean)
    near(m.time_per_output_token_ms.successful.mean, mean(tpot), 1, 'TPOT mean');
    near(m.inter_token_latency_ms.successful.mean, mean(itl), 1, 'ITL mean');
    assert.equal(m.time_per_output_token_ms.successful.count, out);
    assert.equal(m.output_token_count.successful.total_sum, out);
    // requests/s over GuideLLM's window: first request start → + 3 s
    near(m.requests_per_second.successful.mean, 15 / 3, 1e-9, 'requests/s');
    near(b.duration, 3, 1e-9, 'duration');
    assert.equal(b.config.strategy.type_, 'constant');
    assert.equal(b.config.strategy.rate, 5);
    // llm-d's analysis: analysis/summary.txt = stdout.log from the `Setup complete` line to the end
    const stdout = readFileSync(join(res, 'stdout.log'), 'utf8').split('\n');
    const cut = stdout.slice(stdout.findIndex((l) => l.includes('Setup complete, starting benchmarks'))).join('\n');
    assert.match(cut, /^✔ Setup complete, starting benchmarks\.\.\./);
    for (const title of ['Run Summary Info', 'Request Latency Statistics (Completed Requests)', 'Server Throughput Statistics (All Requests)']) assert.ok(cut.includes(`ℹ ${title}`), title);
  } finally {
    await truth.close();
  }
});

test('guidellm concurrent with a duration limit: requests in flight at the limit are cancelled and reported incomplete', async () => {
  // each response takes ~590 ms (30 + 7 × 80); 2 streams, limit 1.5 s: per stream two complete
  // (0 → 0.59 → 1.18 s) and the third is cut at 1.5 s after a few chunks
  const truth = await startTruthServer({ ttftMs: 30, itlMs: 80, chunks: 8, tokensPerChunk: 1 });
  try {
    const wd = tmp('gl-cut');
    const r = await runCli(['run', '--workdir', wd, '-l', 'guidellm', '-w', scenario(wd, '{kind: concurrent, streams: 2}', 1.5), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    const res = onlyDir(wd, 'results');
    const b: J = readJson<J>(join(res, 'results.json')).benchmarks[0];
    assert.deepEqual(b.metrics.request_totals, { successful: 4, errored: 0, incomplete: 2, total: 6 });
    assert.equal(truth.log.size, 6);
    const recs = records(res);
    // the stage clock (a closed loop's first slots are free from it) is where the limit counts from
    const t0 = Math.min(...recs.map((x) => x.scheduledAtMs));
    const cut = recs.filter((x) => x.error);
    assert.equal(cut.length, 2);
    for (const rec of cut) {
      assert.equal(rec.error?.label, 'aborted');
      assert.ok(rec.chunkTimesMs.length >= 1 && rec.chunkTimesMs.length < 8, `partial stream kept: ${rec.chunkTimesMs.length} chunks`);
      assert.ok(rec.endAtMs - t0 >= 1500 - 1 && rec.endAtMs - t0 < 1600, `cut at ${rec.endAtMs - t0} ms`);
    }
    // the cut requests' partial output counts for TPOT (GuideLLM: token iterations when there is no usage)
    assert.equal(b.metrics.time_per_output_token_ms.incomplete.count, cut.reduce((a, x) => a + (x.completionTokensServer ?? x.chunkTimesMs.length), 0));
    assert.equal(b.requests.incomplete.length, 2);
    assert.equal(b.requests.incomplete[0].info.status, 'cancelled');
    assert.equal(b.requests.incomplete[0].request_latency, null);
    assert.ok(Math.abs(b.duration - 1.5) < 1e-9);
  } finally {
    await truth.close();
  }
});
