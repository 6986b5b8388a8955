/**
 * Ctrl-C while planning (issue 12: "ignores three Ctrl-C and leaves nothing" — Ctrl-C must be
 * honoured at every moment, planning included): a SIGINT that lands while the harness builds
 * its data (a shared_prefix set of 40,000 prompts, many seconds of work) stops the run at once
 * with exit 130 and E_INTERRUPTED; no request reaches the server and no result folder is left.
 * Before, planning ran to its end, the load started and a result folder was written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { startCli, tmp } from '../run/helpers.ts';
import { errorLine } from './helpers.ts';

function slowDataProfile(dir: string): string {
  const file = join(dir, 'slow_data.yaml');
  writeFileSync(
    file,
    `load:
  type: constant
  stages:
  - rate: 5
    duration: 20
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: truth-model
  base_url: http://unused.invalid:1
tokenizer:
  pretrained_model_name_or_path: meta-llama/Llama-3.2-1B-Instruct
data:
  type: shared_prefix
  shared_prefix:
    num_groups: 200
    num_prompts_per_group: 200
    system_prompt_len: 50
    question_len: 400
    output_len: 10
storage:
  local_storage:
    path: /workspace
`,
  );
  return file;
}

test('SIGINT while the run is being planned (tokenizer, data): exit 130 at once, nothing sent, no result folder left', { timeout: 120_000 }, async () => {
  const truth = await startTruthServer({ ttftMs: 5, itlMs: 1, chunks: 3 });
  const wd = tmp('rel-int-plan');
  const run = startCli(['run', '--workdir', wd, '-w', slowDataProfile(wd), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 100_000, detached: true });
  try {
    await run.waitFor(/running inference-perf slow_data\.yaml/, 60_000);
    // Planning follows that line: the tokenizer loads (about a second), then the first prompts are
    // built. The signal is sent at once: with lazy data generation the load may start a second or
    // two later, so a later signal would test an interrupted run, not an interrupted plan.
    const t0 = Date.now();
    process.kill(-run.child.pid!, 'SIGINT');
    const r = await run.done;
    const afterMs = Date.now() - t0;
    assert.equal(r.code, 130, r.stderr.slice(-2000));
    assert.match(errorLine(r.stderr), /^error\[E_INTERRUPTED\]: interrupted while (loading the tokenizer|generating the shared_prefix prompts|generating the data|planning)[^:]*: no request was sent$/, r.stderr.slice(-2000));
    assert.equal(truth.log.size, 0, 'no request reached the server');
    assert.doesNotMatch(r.stderr, /Stage 0 - run started/);
    const results = join(wd, 'results');
    assert.deepEqual(existsSync(results) ? readdirSync(results) : [], [], 'no result folder left behind');
    assert.ok(afterMs < 5000, `exited ${afterMs} ms after the signal`);
  } finally {
    if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    await truth.close();
  }
});
