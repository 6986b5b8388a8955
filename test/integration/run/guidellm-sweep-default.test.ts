/**
 * GuideLLM's sweep end to end against the ground-truth server (synchronous, throughput, then
 * constant rates between the two measured request rates), and `llmdbench run -l guidellm` with no
 * other flag: the embedded default profile against the embedded simulator, the ten-metric table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { cleanEnv, onlyDir, readJson, runCli, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('sweep: synchronous, throughput, then linspace(r_sync, r_throughput, sweep_size − 1)[1:] constant rates', async () => {
  const truth = await startTruthServer({ ttftMs: 20, itlMs: 10, chunks: 4, tokensPerChunk: 1 });
  try {
    const wd = tmp('gl-sweep');
    const file = join(wd, 'sweep.yaml');
    writeFileSync(file, `spec:
  backend: {kind: openai_http, target: http://unused.invalid:1, model: truth-model, request_format: /v1/completions}
  profile: {kind: sweep, sweep_size: 4, max_concurrency: 4}
  constraints: [{kind: max_duration, seconds: 1}]
  data: [{kind: synthetic_text, prompt_tokens: 10, output_tokens: 4}]
`);
    const r = await runCli(['run', '--quiet', '--workdir', wd, '-l', 'guidellm', '-w', file, '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    const bs: J[] = readJson<J>(join(onlyDir(wd, 'results'), 'results.json')).benchmarks;
    assert.deepEqual(bs.map((b) => b.config.strategy.type_), ['synchronous', 'throughput', 'constant', 'constant']);
    const rs = bs[0]!.metrics.requests_per_second.successful.mean;
    const rt = bs[1]!.metrics.requests_per_second.successful.mean;
    assert.ok(rt > 2 * rs, `throughput (${rt}) well above synchronous (${rs}) with 4 in flight`);
    // linspace(rs, rt, 3) without its first element
    assert.ok(Math.abs(bs[2]!.config.strategy.rate - (rs + rt) / 2) < 1e-9, `rate 2: ${bs[2]!.config.strategy.rate} vs ${(rs + rt) / 2}`);
    assert.ok(Math.abs(bs[3]!.config.strategy.rate - rt) < 1e-9, `rate 3: ${bs[3]!.config.strategy.rate} vs ${rt}`);
    assert.ok(bs.every((b) => b.metrics.request_totals.successful > 0), JSON.stringify(bs.map((b) => b.metrics.request_totals)));
  } finally {
    await truth.close();
  }
});

test('`llmdbench run -l guidellm` with no other flag: the embedded default profile, GuideLLM report, ten-metric table', async () => {
  const wd = tmp('gl-default');
  const r = await runCli(['run', '--workdir', wd, '-l', 'guidellm'], { env: cleanEnv(), timeoutMs: 150_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const m of ['output tokens/s', 'input tokens/s', 'requests/s', 'TTFT p50 (ms)', 'TPOT p50 (ms)', 'request latency p50 (ms)', 'NTPOT p50 (ms)', 'ITL p50 (ms)', 'failure rate (%)', 'benchmark duration (s)']) {
    assert.ok(r.stdout.includes(m), `table row ${m}`);
  }
  const rep: J = readJson<J>(join(onlyDir(wd, 'results'), 'results.json'));
  assert.equal(rep.benchmarks.length, 1);
  const b = rep.benchmarks[0];
  assert.equal(b.config.strategy.type_, 'constant');
  assert.ok(b.metrics.request_totals.successful >= 28, JSON.stringify(b.metrics.request_totals));
  assert.ok(Math.abs(b.duration - 30) < 1e-6);
});
