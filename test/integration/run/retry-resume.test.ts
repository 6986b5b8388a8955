/**
 * --retries and --resume through the real CLI against the ground-truth server: a server that
 * fails the whole first attempt, and a run SIGKILLed halfway then resumed. Every attempt keeps
 * its own folder; the counting one sits at the upstream name and says which attempt it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { onlyDir, readJson, runCli, startCli, tmp, waitForFinished } from './helpers.ts';

function profile(dir: string, rate: number, duration: number): string {
  const file = join(dir, 'rr_profile.yaml');
  writeFileSync(
    file,
    `load:
  type: constant
  stages:
  - rate: ${rate}
    duration: ${duration}
  request_timeout: 5
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: truth-model
  base_url: http://unused.invalid:1
  ignore_eos: true
data:
  type: random
  input_distribution: {min: 10, max: 20, mean: 15, std_dev: 2}
  output_distribution: {min: 4, max: 8, mean: 6, std_dev: 1}
storage:
  local_storage:
    path: /workspace
`,
  );
  return file;
}

const lines = (f: string): string[] => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '');

test('--retries 1: a first attempt in which every request fails is kept aside and the second attempt counts', async () => {
  // The first 4 benchmark requests (the whole first attempt: 4 req/s for 1 s) get HTTP 500.
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 4 }, { faultFor: (n) => (n < 4 ? { kind: 'status', status: 500 } : { kind: 'none' }) });
  try {
    const wd = tmp('retries');
    const r = await runCli(['run', '--workdir', wd, '-w', profile(wd, 4, 1), '--endpoint', truth.url, '-m', 'truth-model', '--retries', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /attempt 1 of 2 failed: no request succeeded \(4 failed\)/);
    const res = onlyDir(wd, 'results');
    const name = basename(res);
    const first = join(wd, 'attempts', name, 'attempt-1');
    // The failed attempt, whole: its records (all failed), metadata and analysis.
    const failedRecs = lines(join(first, 'results', 'records.jsonl')).map((l) => JSON.parse(l) as { error?: { label: string } });
    assert.equal(failedRecs.length, 4);
    assert.ok(failedRecs.every((x) => x.error?.label === 'http_5xx'));
    assert.ok(existsSync(join(first, 'analysis', 'summary.json')));
    assert.equal(readJson<{ ok: boolean }>(join(first, 'results', 'llmdbench_complete.json')).ok, false);
    // The attempt that counts, at the upstream name.
    const recs = lines(join(res, 'records.jsonl')).map((l) => JSON.parse(l) as { error?: unknown });
    assert.equal(recs.length, 4);
    assert.ok(recs.every((x) => x.error === undefined));
    const meta = parse(readFileSync(join(res, 'run_metadata.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(meta.attempt, 2);
    assert.equal(meta.attempts_allowed, 2);
    assert.deepEqual(meta.failed_attempts, [first]);
    const summary = readJson<{ attempt?: { number: number; failed_attempts: string[] }; failure_rate: number }>(join(wd, 'analysis', name, 'summary.json'));
    assert.deepEqual(summary.attempt, { number: 2, failed_attempts: [first] });
    assert.equal(summary.failure_rate, 0);
    assert.match(r.stdout, new RegExp(`${name} \\(attempt 2\\)`));
  } finally {
    await truth.close();
  }
});

test('--retries 0 (default): a failed attempt is not retried and the exit code says it failed', async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 4 }, { faultFor: () => ({ kind: 'status', status: 500 }) });
  try {
    const wd = tmp('no-retries');
    const r = await runCli(['run', '--workdir', wd, '-w', profile(wd, 4, 1), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!existsSync(join(wd, 'attempts')));
  } finally {
    await truth.close();
  }
});

test('--resume after a SIGKILL halfway: the unfinished directory is kept aside, the unit runs again, a second resume reruns nothing', async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 4 });
  try {
    const wd = tmp('resume');
    const run = startCli(['run', '--workdir', wd, '-w', profile(wd, 4, 8), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 60_000 });
    await run.waitFor(/Stage 0 - run started/, 30_000);
    await waitForFinished(wd, 1, 30_000);
    run.child.kill('SIGKILL');
    await run.done;
    const res = onlyDir(wd, 'results');
    const name = basename(res);
    const partial = lines(join(res, 'records.jsonl')).length;
    assert.ok(partial > 0 && partial < 32, `records before the kill: ${partial}`);
    assert.ok(!existsSync(join(res, 'llmdbench_complete.json')));

    // Resume: the stored flags are reused (profile, endpoint, model); -o given now wins (shorter).
    const r = await runCli(['run', '--resume', wd, '-o', 'load.stages=[{rate: 4, duration: 1}]']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /unfinished in an earlier run; kept in .*attempt-1, running it again/);
    assert.deepEqual(readdirSync(join(wd, 'results')), [name], 'the same result directory name (same experiment id)');
    const kept = join(wd, 'attempts', name, 'attempt-1', 'results', 'records.jsonl');
    assert.equal(lines(kept).length, partial, 'the killed attempt\'s records are kept as they were');
    assert.equal(lines(join(res, 'records.jsonl')).length, 4);
    assert.equal(readJson<{ ok: boolean }>(join(res, 'llmdbench_complete.json')).ok, true);

    // A second resume: complete, nothing runs, the table still shows it.
    const before = truth.log.size;
    const again = await runCli(['run', '--resume', wd]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /complete from an earlier run/);
    assert.equal(truth.log.size, before, 'no request sent');
    assert.match(again.stdout, /TTFT p50 \(ms\)/);
    assert.equal(readdirSync(join(wd, 'attempts', name)).length, 1);
  } finally {
    await truth.close();
  }
});

test('--resume of a folder that holds no run is a usage error naming the file', async () => {
  const wd = tmp('resume-none');
  const r = await runCli(['run', '--resume', wd]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no llmdbench_run\.json there/);
});
