/**
 * Bounded planning (issue 12, "Load planning is unbounded"): a rate no host can send and a plan
 * of billions of requests are refused while planning — `-n` included — at once, with the
 * numbers and the variable that lifts the ceiling; nothing is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli, tmp, upstream } from '../run/helpers.ts';
import { errorLine } from './helpers.ts';

for (const dry of [true, false]) {
  test(`rate 1e6 for 2 s is refused at plan time${dry ? ' (-n)' : ''}, in well under the time the schedule would take`, async () => {
    const wd = tmp('rel-plan-rate');
    const t0 = Date.now();
    const r = await runCli(['run', ...(dry ? ['-n'] : []), '--workdir', wd, '-o', 'duration=2,rate=1000000', '--endpoint', 'http://127.0.0.1:9'], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(errorLine(r.stderr), /^error\[E_PLAN_TOO_LARGE\]: the plan is too large: .*load\.stages\[0\]: rate 1,000,000 req\/s is above the ceiling of 20,000 req\/s \(LLMDBENCH_RUN_MAX_RATE\)/);
    assert.match(r.stderr, /hint: .*LLMDBENCH_RUN_MAX_RATE/);
    assert.ok(Date.now() - t0 < 10_000, 'refused without drawing the schedule');
    assert.equal(existsSync(join(wd, 'results')), false, 'nothing written');
  });
}

test('duration 1e9 is refused at -n with the planned count and LLMDBENCH_RUN_MAX_REQUESTS; lifting the ceiling lets the plan through', async () => {
  const wd = tmp('rel-plan-dur');
  const r = await runCli(['run', '-n', '--workdir', wd, '-o', 'duration=1000000000,rate=1']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLine(r.stderr), /1,000,000,000 requests planned .* above the ceiling of 10,000,000 \(LLMDBENCH_RUN_MAX_REQUESTS\)/);
  const lifted = await runCli(['run', '-n', '--workdir', wd, '-o', 'duration=1000000000,rate=1'], { env: cleanEnv({ LLMDBENCH_RUN_MAX_REQUESTS: '2000000000' }) });
  assert.equal(lifted.code, 0, lifted.stderr);
});

test('LLMDBENCH_SIM_PRESET=turbo is refused at -n, before the work directory is made', async () => {
  const wd = join(tmp('rel-preset'), 'wd');
  const r = await runCli(['run', '-n', '--workdir', wd], { env: cleanEnv({ LLMDBENCH_SIM_PRESET: 'turbo' }) });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /LLMDBENCH_SIM_PRESET=turbo \(from the environment\): expected one of instant, realistic-small/);
  assert.equal(existsSync(wd), false);
});

test('repeated -o flags merge in order, the later winning per key (a second -o no longer drops the first)', async () => {
  const wd = tmp('rel-o');
  const r = await runCli(['run', '-n', '--json', '--workdir', wd, '-o', 'rate=3,duration=5', '-o', 'rate=9']);
  assert.equal(r.code, 0, r.stderr);
  const text = (JSON.parse(r.stdout) as { units: { profileText: string }[] }).units[0]!.profileText;
  assert.match(text, /- rate: 9\b/);
  assert.match(text, /duration: 5\b/);
});

test('an experiment whose treatments match nothing in the chosen profile: one error naming the file, the profile and the -l/-w to try', async () => {
  const file = join(upstream, 'experiments', 'max-concurrency-sweep.yaml');
  const r = await runCli(['run', '-n', '--workdir', tmp('rel-exp'), '-e', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLine(r.stderr), /^error\[E_OVERRIDE_NO_MATCH\]: the treatments of experiment .*max-concurrency-sweep\.yaml set max-concurrency \(first at .*max-concurrency-sweep\.yaml:23, treatment conc8\), which matches nothing in profile sanity_random\.yaml \(harness inference-perf\)$/);
  assert.match(r.stderr, /hint: the experiment file names its workload: try -l vllm-benchmark -w random_concurrent\.yaml/);
  assert.equal(r.stderr.split('\n').filter((l) => /E_OVERRIDE_NO_MATCH/.test(l)).length, 1, 'one error, not a block per treatment');
});
