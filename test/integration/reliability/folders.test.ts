/**
 * One run, one folder (issue 12, "Results merge silently"): a second run into a used result
 * folder is refused before anything starts; a model name with a space is an error naming -m;
 * an experiment id that would leave the work directory is refused; two models deriving the same
 * stack name get separate folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { cleanEnv, onlyDir, runCli, tmp } from '../run/helpers.ts';
import { errorLine, truthProfile } from './helpers.ts';

const lines = (f: string): number => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0).length;

test('a second run with the same experiment id and work directory is refused (exit 2) and the first results stay as they were', async () => {
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 });
  try {
    const wd = tmp('rel-rerun');
    const args = ['run', '--workdir', wd, '-w', truthProfile(wd, { rate: 4, duration: 1 }), '--endpoint', truth.url, '-m', 'truth-model'];
    const env = cleanEnv({ LLMDBENCH_RUN_EXPERIMENT_ID: 'same' });
    const first = await runCli(args, { env });
    assert.equal(first.code, 0, first.stderr);
    const records = join(onlyDir(wd, 'results'), 'records.jsonl');
    const before = lines(records);
    assert.equal(before, 4);
    const served = truth.log.size;
    const second = await runCli(args, { env });
    assert.equal(second.code, 2, second.stderr);
    assert.match(errorLine(second.stderr), /^error\[E_RESULTS_EXIST\]: .*inference-perf_same_.* already holds results/);
    assert.match(second.stderr, /--resume/);
    assert.equal(lines(records), before, 'nothing appended');
    assert.equal(truth.log.size, served, 'no request sent');
  } finally {
    await truth.close();
  }
});

test('-m with a space inside a model name is an error naming the flag, before anything starts', async () => {
  const wd = tmp('rel-model-space');
  const r = await runCli(['run', '-n', '--workdir', wd, '-m', 'my model name']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLine(r.stderr), /^error\[E_CONFIG_VALUE\]/);
  assert.match(r.stderr, /LLMDBENCH_DEPLOY_MODEL_LIST=my model name \(from flag -m\/--models\): "my model name" is not a model name \(model names contain no spaces\)/);
  assert.equal(existsSync(join(wd, 'results')), false);
});

test('an experiment id (or stack name) that would leave the work directory is refused at -n', async () => {
  const wd = tmp('rel-escape');
  for (const [name, value] of [['LLMDBENCH_RUN_EXPERIMENT_ID', '../../../../escaped'], ['LLMDBENCH_RUN_EXPERIMENT_ID', '/abs'], ['LLMDBENCH_HARNESS_STACK_NAME', '..']] as const) {
    const r = await runCli(['run', '-n', '--workdir', wd], { env: cleanEnv({ [name]: value }) });
    assert.equal(r.code, 2, `${name}=${value}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${name}=${value.replace(/[./]/g, '\\$&')} \\(from the environment\\): a name that becomes a folder name may not contain`));
  }
  assert.deepEqual(readdirSync(wd), []);
});

test('two models deriving the same stack name get separate result folders', async () => {
  const wd = tmp('rel-stack');
  const r = await runCli(['run', '-n', '--json', '--workdir', wd, '-m', 'facebook/opt-125m,other/opt-125m']);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as { units: { model: string; resultsDirs: string[] }[] };
  const dirs = plan.units.flatMap((u) => u.resultsDirs);
  assert.equal(dirs.length, 2);
  assert.equal(new Set(dirs).size, 2, dirs.join(', '));
});
