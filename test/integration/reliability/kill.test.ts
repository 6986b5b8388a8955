/**
 * Crashes (issue 12, "-z on a killed run reports it complete"): after SIGKILL mid-run, `-z`
 * reports the result directory incomplete (no completion marker, no run_metadata.yaml, the
 * per-request JSON still under its temporary name) and analyses the records that were kept;
 * the server killed mid-run: every later request is recorded as a failure, the run finishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { readJson, runCli, startCli, tmp } from '../run/helpers.ts';
import { truthProfile } from './helpers.ts';

test('SIGKILL mid-run, then -z: the result is reported incomplete with what is torn or missing, the kept records are analysed', async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 5 });
  try {
    const wd = tmp('rel-kill');
    const run = startCli(['run', '--workdir', wd, '-w', truthProfile(wd, { rate: 20, duration: 20 }), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 30_000 });
    await run.waitFor(/Stage 0 - run started/, 20_000);
    await sleep(1500);
    run.child.kill('SIGKILL');
    await run.done;
    const name = readdirSync(join(wd, 'results'))[0]!;
    const dir = join(wd, 'results', name);
    assert.equal(existsSync(join(dir, 'per_request_lifecycle_metrics.json')), false, 'no half JSON under the upstream name');
    const z = await runCli(['run', '-z', '--workdir', wd, '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(z.code, 0, z.stderr);
    assert.match(z.stderr, new RegExp(`${name}: incomplete: no llmdbench_complete\\.json`));
    assert.match(z.stderr, /incomplete: run_metadata\.yaml is missing/);
    assert.match(z.stderr, /incomplete: \.per_request_lifecycle_metrics\.json\.partial: a file that was being written when the run stopped \(torn\)/);
    assert.match(z.stdout, /value \(incomplete\)/);
    const s = readJson<{ complete: boolean; requests: { total: number }; incomplete_reasons: string[] }>(join(wd, 'analysis', name, 'summary.json'));
    assert.equal(s.complete, false);
    assert.ok(s.incomplete_reasons.length >= 2);
    const lines = readFileSync(join(dir, 'records.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length >= 10, `${lines.length} records kept`);
    assert.ok(s.requests.total >= lines.length - 1);
  } finally {
    await truth.close();
  }
});

test('the server killed mid-run: later requests are recorded as connection failures, the run finishes with the results kept', async () => {
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 });
  const wd = tmp('rel-server-kill');
  const run = startCli(['run', '--workdir', wd, '-w', truthProfile(wd, { rate: 10, duration: 3, timeout: 2 }), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 30_000 });
  await run.waitFor(/Stage 0 - run started/, 20_000);
  await sleep(1200);
  await truth.close();
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  const s = readJson<{ requests: { succeeded: number; failed: number; total: number }; failures_by_label: Record<string, number> }>(join(wd, 'analysis', readdirSync(join(wd, 'analysis'))[0]!, 'summary.json'));
  assert.equal(s.requests.total, 30);
  assert.ok(s.requests.succeeded >= 5 && s.requests.failed >= 5, JSON.stringify(s.requests));
  assert.match(r.stdout, /^failures \(\d+ of 30\):$/m);
});
