/**
 * `llmdbench run` end to end against the embedded simulator (the default target):
 * the seed's sanity_random shortened with -o, native files, run_metadata.yaml, analysis,
 * the final table; --json; SIGTERM mid-run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { onlyDir, readJson, runCli, startCli, SUMMARY_KEYS, tmp, waitForFinished } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('run: default profile against the embedded simulator writes native files, metadata, analysis and the final table', async () => {
  const wd = tmp('run-emb');
  const r = await runCli(['run', '--workdir', wd, '-o', 'duration=3,rate=5']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Stage 0 - run completed/);
  assert.match(r.stderr, /embedded simulator serving meta-llama\/Llama-3\.2-1B-Instruct/);
  for (const row of ['output tokens/s (tok/s)', 'input tokens/s (tok/s)', 'requests/s (req/s)', 'TTFT p50 (ms)', 'TPOT p90 (ms)', 'request latency p99 (ms)', 'NTPOT mean (ms)', 'ITL p99 (ms)', 'failure rate (%)', 'benchmark duration (s)']) {
    assert.ok(r.stdout.includes(row), `final table row ${row}`);
  }
  const res = onlyDir(wd, 'results');
  for (const f of ['summary_lifecycle_metrics.json', 'stage_0_lifecycle_metrics.json', 'per_request_lifecycle_metrics.json', 'config.yaml', 'records.jsonl', 'run_metadata.yaml', 'loadgen_health.json']) {
    assert.ok(existsSync(join(res, f)), `${f} written`);
  }
  const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
  assert.equal(sum.load_summary.count, 15);
  assert.equal(sum.successes.count, 15);
  assert.equal(sum.failures.count, 0);
  assert.deepEqual(Object.keys(sum.successes.latency.time_to_first_token), SUMMARY_KEYS);
  assert.ok(sum.successes.latency.time_to_first_token.mean > 0.005 && sum.successes.latency.time_to_first_token.mean < 1, 'TTFT in seconds');
  // The seed's lengths: outputs 10..100 tokens, ignore_eos, so every request generates exactly its max_tokens.
  assert.ok(sum.successes.output_len.min >= 10 && sum.successes.output_len.max <= 100);
  const stage: J = readJson(join(res, 'stage_0_lifecycle_metrics.json'));
  assert.equal(stage.load_summary.requested_rate, 5);
  assert.equal(readJson<J[]>(join(res, 'per_request_lifecycle_metrics.json')).length, 15);
  const cfg = parse(readFileSync(join(res, 'config.yaml'), 'utf8'));
  assert.equal(cfg.load.stages[0].duration, 3);
  assert.equal(cfg.storage.local_storage.path, res);
  const md = parse(readFileSync(join(res, 'run_metadata.yaml'), 'utf8'));
  assert.equal(md.harness_name, 'inference-perf');
  assert.equal(md.harness_workload, 'sanity_random.yaml');
  assert.equal(md.harness_rc, 0);
  assert.equal(md.complete, true);
  assert.match(md.harness_start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(md.endpoint_url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const ana = onlyDir(wd, 'analysis');
  const s: J = readJson(join(ana, 'summary.json'));
  assert.equal(s.requests.total, 15);
  assert.equal(s.failure_rate, 0);
  assert.ok(s.ttft_ms.p50 > 5);
  assert.ok(existsSync(join(ana, 'summary.txt')));
  assert.ok(existsSync(join(wd, 'workload', 'profiles', 'inference-perf', 'sanity_random.yaml')));
  // The rendered profile in the work dir points at the simulator that actually served the run.
  assert.ok(readFileSync(join(wd, 'workload', 'profiles', 'inference-perf', 'sanity_random.yaml'), 'utf8').includes(md.endpoint_url));
});

test('run --json prints one JSON summary on stdout', async () => {
  const wd = tmp('run-json');
  const r = await runCli(['run', '--workdir', wd, '--json', '-o', 'duration=1,rate=4']);
  assert.equal(r.code, 0, r.stderr);
  const out: J = JSON.parse(r.stdout);
  assert.equal(out.workDir, wd);
  assert.equal(out.results.length, 1);
  assert.equal(out.results[0].summary.requests.total, 4);
  assert.equal(out.interrupted, false);
});

test('run: SIGTERM mid-run keeps partial results marked incomplete, stops the simulator, exits 130', async () => {
  const wd = tmp('run-term');
  const run = startCli(['run', '--workdir', wd, '-v', '-o', 'duration=30,rate=4']);
  await run.waitFor(/Stage 0 - run started/, 30_000);
  // Interrupt once three requests have finished (not after a fixed delay a loaded host can outrun).
  await waitForFinished(wd, 3, 30_000);
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr.slice(-2000));
  assert.match(r.stderr, /SIGTERM received/);
  const res = onlyDir(wd, 'results');
  const md = parse(readFileSync(join(res, 'run_metadata.yaml'), 'utf8'));
  assert.equal(md.complete, false);
  assert.notEqual(md.harness_rc, 0);
  const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
  assert.ok(sum.load_summary.count >= 3 && sum.load_summary.count < 120, `partial count ${sum.load_summary.count}`);
  assert.ok(readJson<J[]>(join(res, 'per_request_lifecycle_metrics.json')).length >= 3);
  assert.match(readFileSync(join(onlyDir(wd, 'analysis'), 'summary.txt'), 'utf8'), /INCOMPLETE/);
  assert.match(r.stdout, /incomplete/);
  const simPid = Number(/embedded simulator \(pid (\d+)\)/.exec(r.stderr)?.[1]);
  assert.ok(simPid > 0, 'simulator pid logged');
  assert.throws(() => process.kill(simPid, 0), 'the simulator process is gone');
});

test('run: Ctrl-C (SIGINT to the whole process group) lets in-flight requests finish: no failures from the interrupt', async () => {
  const wd = tmp('run-int');
  // Slow responses (~1.5 s each) so requests are in flight when the signal lands.
  const run = startCli(['run', '--workdir', wd, '-o', 'duration=30,rate=4,min=90,max=100,mean=95'], { detached: true });
  await run.waitFor(/Stage 0 - run started/, 30_000);
  await new Promise((r) => setTimeout(r, 2500));
  process.kill(-run.child.pid!, 'SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr.slice(-2000));
  const sum: J = readJson(join(onlyDir(wd, 'results'), 'summary_lifecycle_metrics.json'));
  assert.ok(sum.successes.count >= 1, 'in-flight requests finished during the grace period');
  assert.equal(sum.failures.count, 0, JSON.stringify(sum.failures.by_label));
});

test('run: a second SIGINT cuts the grace period short: in-flight requests are cancelled and recorded as aborted', async () => {
  const wd = tmp('run-int2');
  // ~1.5 s responses: requests are in flight when the signals land; the grace period is 5 s.
  const run = startCli(['run', '--workdir', wd, '-o', 'duration=30,rate=4,min=90,max=100,mean=95'], { detached: true });
  await run.waitFor(/Stage 0 - run started/, 30_000);
  await new Promise((r) => setTimeout(r, 2500));
  process.kill(-run.child.pid!, 'SIGINT');
  await run.waitFor(/SIGINT received: stopping/, 5_000);
  const t0 = Date.now();
  process.kill(-run.child.pid!, 'SIGINT');
  const r = await run.done;
  const afterSecond = Date.now() - t0;
  assert.equal(r.code, 130, r.stderr.slice(-2000));
  assert.match(r.stderr, /received again: cancelling in-flight requests/);
  const sum: J = readJson(join(onlyDir(wd, 'results'), 'summary_lifecycle_metrics.json'));
  assert.ok(sum.failures.count >= 1, `in-flight requests recorded as failures: ${JSON.stringify(sum.failures)}`);
  assert.deepEqual(Object.keys(sum.failures.by_label), ['cancellederror'], JSON.stringify(sum.failures.by_label));
  const recs = readFileSync(join(onlyDir(wd, 'results'), 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J);
  assert.ok(recs.some((x) => /second interrupt/.test(x.error?.message ?? '')), 'the record says why');
  // Well before the 5 s grace period would have ended.
  assert.ok(afterSecond < 4000, `exit ${afterSecond} ms after the second signal`);
  assert.match(readFileSync(join(onlyDir(wd, 'analysis'), 'summary.txt'), 'utf8'), /INCOMPLETE/);
});
