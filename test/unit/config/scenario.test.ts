import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../../src/config/resolve.ts';
import { listScenarioFiles, resolveScenarioPath, withShSuffix } from '../../../src/config/scenario.ts';
import { isLlmdbenchError, type LlmdbenchError } from '../../../src/util/errors.ts';
import { cleanEnv, tempDir, upstreamScenarios, writeFiles } from './helpers.ts';

const isErr = (code: string, check: (e: LlmdbenchError) => boolean = () => true) => (e: unknown) =>
  isLlmdbenchError(e) && e.code === code && check(e);

test('every upstream scenario file loads and yields LLMDBENCH_ values', async () => {
  const files = listScenarioFiles(upstreamScenarios);
  assert.ok(files.length >= 30, `found only ${files.length} scenario files under ${upstreamScenarios}`);
  const dir = tempDir();
  for (const f of files) {
    const c = await resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: f }, env: cleanEnv(dir), cwd: dir });
    const fromScenario = c.entries().filter((e) => e.source === 'scenario' && e.name.startsWith('LLMDBENCH_'));
    assert.ok(fromScenario.length > 0, `${f}: no LLMDBENCH_ value imported`);
    assert.equal(c.scenarioPath, f);
  }
});

test('heredoc + $(mktemp) values are paths of files holding the heredoc text', async () => {
  const dir = tempDir();
  const f = join(upstreamScenarios, 'examples', 'sim.sh');
  const c = await resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: f }, env: cleanEnv(dir), cwd: dir });
  const args = c.get('LLMDBENCH_VLLM_STANDALONE_ARGS');
  assert.ok(args && existsSync(args) && statSync(args).isFile(), `not a file: ${args}`);
  assert.ok(args.startsWith(dir), 'mktemp honours TMPDIR from the environment');
  assert.match(readFileSync(args, 'utf8'), /llm-d-inference-sim --model REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL/);
  // Plain values from the same file, and `~` expanded by bash with HOME.
  assert.equal(c.get('LLMDBENCH_HARNESS_CPU_NR'), '2');
  assert.equal(c.get('LLMDBENCH_HARNESS_CPU_MEM'), '8Gi');
  assert.equal(c.get('LLMDBENCH_CONTROL_WORK_DIR'), join(dir, 'data', 'sim'));
});

test('the scenario sees defaults and environment, as when upstream sources it', async () => {
  const dir = tempDir();
  writeFiles(dir, {
    's.sh': [
      'export LLMDBENCH_X_FROM_DEFAULT="cpu=${LLMDBENCH_HARNESS_CPU_NR}"',
      'export LLMDBENCH_X_FROM_ENV="$LLMDBENCH_MINE/x"',
      'LLMDBENCH_NOT_EXPORTED=kept', // a plain shell variable still counts, as in upstream's shell
      'export LLMDBENCH_HARNESS_NAME=inference-perf # same as the default: still reported as set by the scenario',
      'echo "hello from the scenario"',
      'unset LLMDBENCH_MINE',
      '',
    ].join('\n'),
  });
  const c = await resolveConfig({
    flags: { LLMDBENCH_DEPLOY_SCENARIO: join(dir, 's.sh') },
    env: cleanEnv(dir, { LLMDBENCH_MINE: 'env-value' }),
    cwd: dir,
  });
  assert.equal(c.get('LLMDBENCH_X_FROM_DEFAULT'), 'cpu=16');
  assert.equal(c.get('LLMDBENCH_X_FROM_ENV'), 'env-value/x');
  assert.equal(c.get('LLMDBENCH_NOT_EXPORTED'), 'kept');
  assert.equal(c.entry('LLMDBENCH_HARNESS_NAME')?.source, 'scenario');
  assert.deepEqual([c.get('LLMDBENCH_MINE'), c.entry('LLMDBENCH_MINE')?.source], [undefined, 'scenario']);
  assert.match(c.scenarioOutput, /hello from the scenario/);
});

test('resolution by name: .sh optional, .sh.sh collapsed, subfolders searched, symlinked folders followed', () => {
  const dir = tempDir();
  writeFiles(dir, { 'sc/examples/sim.sh': 'export LLMDBENCH_A=1\n', 'sc/guides/deep/g1.sh': 'export LLMDBENCH_B=1\n' });
  const dirs = [join(dir, 'sc')];
  const sim = join(dir, 'sc', 'examples', 'sim.sh');
  assert.equal(resolveScenarioPath('sim', dirs, dir), sim);
  assert.equal(resolveScenarioPath('sim.sh', dirs, dir), sim);
  assert.equal(resolveScenarioPath('sim.sh.sh', dirs, dir), sim);
  assert.equal(resolveScenarioPath('examples/sim', dirs, dir), sim);
  assert.equal(resolveScenarioPath('g1', dirs, dir), join(dir, 'sc', 'guides', 'deep', 'g1.sh'));
  assert.equal(resolveScenarioPath(sim, [], dir), sim);
  assert.equal(resolveScenarioPath(sim.replace(/\.sh$/, ''), [], dir), sim);
  assert.equal(withShSuffix('a.sh.sh'), 'a.sh');
  symlinkSync(join(dir, 'sc', 'guides'), join(dir, 'sc', 'well-lit'));
  // The same file reached through a symlinked folder is one match, not two.
  assert.equal(resolveScenarioPath('g1', dirs, dir), join(dir, 'sc', 'guides', 'deep', 'g1.sh'));
});

test('by name against the upstream scenarios folder, through LLMDBENCH_SCENARIOS_DIR', async () => {
  const dir = tempDir();
  const c = await resolveConfig({
    flags: { LLMDBENCH_DEPLOY_SCENARIO: 'gpu' },
    env: cleanEnv(dir, { LLMDBENCH_SCENARIOS_DIR: upstreamScenarios }),
    cwd: dir,
  });
  assert.equal(c.scenarioPath, join(upstreamScenarios, 'examples', 'gpu.sh'));
  assert.equal(c.get('LLMDBENCH_CONTROL_WORK_DIR'), join(dir, 'data', 'gpu'));
});

test('./scenarios under cwd is searched by default', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'scenarios/mine.sh': 'export LLMDBENCH_HARNESS_NAME=nop\n' });
  const c = await resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: 'mine' }, env: cleanEnv(dir), cwd: dir });
  assert.equal(c.get('LLMDBENCH_HARNESS_NAME'), 'nop');
  assert.equal(c.get('LLMDBENCH_SCENARIOS_DIR')?.split(':')[0], join(dir, 'scenarios'));
});

test('a bare name not under a scenarios folder is found in the current directory', () => {
  const dir = tempDir();
  writeFiles(dir, { 'local.sh': 'export LLMDBENCH_A=1\n' });
  assert.equal(resolveScenarioPath('local', [upstreamScenarios], dir), join(dir, 'local.sh'));
});

test('a name matching two different files is an error listing both', () => {
  assert.throws(
    () => resolveScenarioPath('pd-disaggregation', [upstreamScenarios], '/'),
    isErr('E_SCENARIO_AMBIGUOUS', (e) => e.details.length === 2 && e.details.every((d) => d.endsWith('pd-disaggregation.sh'))),
  );
});

test('a missing scenario names the closest scenario names', () => {
  assert.throws(
    () => resolveScenarioPath('simm', [upstreamScenarios], '/'),
    isErr('E_SCENARIO_NOT_FOUND', (e) => e.message.includes('"simm"') && (e.hint ?? '').includes('sim')),
  );
  assert.throws(
    () => resolveScenarioPath('inference-schedulng', [upstreamScenarios], '/'),
    isErr('E_SCENARIO_NOT_FOUND', (e) => (e.hint ?? '').includes('inference-scheduling')),
  );
  assert.throws(() => resolveScenarioPath('/nonexistent/x.sh', [], '/'), isErr('E_SCENARIO_NOT_FOUND'));
});

test('a bash syntax error names the file and the line bash reports', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'bad.sh': 'export LLMDBENCH_A=1\nexport LLMDBENCH_B=2\nif then\n' });
  const f = join(dir, 'bad.sh');
  await assert.rejects(
    resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: f }, env: cleanEnv(dir), cwd: dir }),
    isErr('E_SCENARIO_BASH', (e) => e.location?.file === f && e.location.line === 3 && e.message.includes(f) && /syntax error/.test(e.message)),
  );
});

test('a failing command, a failing $(...) and exit are errors too', async () => {
  const dir = tempDir();
  writeFiles(dir, {
    'cmd.sh': 'export LLMDBENCH_A=1\nno_such_command_llmdbench\n',
    'sub.sh': 'export LLMDBENCH_A=$(false)\n',
    'exit.sh': 'export LLMDBENCH_A=1\nexit 3\n',
  });
  const run = (n: string) => resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: join(dir, n) }, env: cleanEnv(dir), cwd: dir });
  await assert.rejects(run('cmd.sh'), isErr('E_SCENARIO_BASH', (e) => e.location?.line === 2 && /command not found/.test(e.message)));
  await assert.rejects(run('sub.sh'), isErr('E_SCENARIO_BASH', (e) => e.location?.line === 1));
  await assert.rejects(run('exit.sh'), isErr('E_SCENARIO_BASH', (e) => /ended the shell/.test(e.message)));
});

test('a scenario that hangs is stopped with an error', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'hang.sh': 'sleep 30\n' });
  await assert.rejects(
    resolveConfig({ flags: { LLMDBENCH_DEPLOY_SCENARIO: join(dir, 'hang.sh') }, env: cleanEnv(dir), cwd: dir, scenarioTimeoutMs: 300 }),
    isErr('E_SCENARIO_BASH', (e) => /time limit/.test(e.message)),
  );
});
