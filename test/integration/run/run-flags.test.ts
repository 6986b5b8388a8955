/** `llmdbench run`: --dry-run --json, verbose from the config, Kubernetes-only flag warnings, -x datasets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli, tmp } from './helpers.ts';

test('run -n --json prints the plan as JSON', async () => {
  const wd = join(tmp('run-dry-json'), 'work');
  const r = await runCli(['run', '-n', '--json', '--workdir', wd, '-m', 'facebook/opt-125m'], { env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as { workDir: string; units: Array<{ model: string; harness: string }> };
  assert.equal(plan.units.length, 1);
  assert.equal(plan.units[0]!.model, 'facebook/opt-125m');
  assert.equal(plan.units[0]!.harness, 'inference-perf');
  assert.equal(existsSync(wd), false, 'no work directory made');
});

test('run: LLMDBENCH_CONTROL_VERBOSE=1 from the environment or a scenario turns on debug output, as -v does', async () => {
  const debugOf = async (args: string[], env: Record<string, string>): Promise<boolean> => {
    const r = await runCli(['run', '-z', '--workdir', tmp('run-verbose'), ...args], { env: cleanEnv(env) });
    assert.equal(r.code, 0, r.stderr);
    return /^debug: unit: inference-perf/m.test(r.stderr);
  };
  assert.equal(await debugOf([], {}), false, 'no debug output by default');
  assert.equal(await debugOf(['-v'], {}), true, '-v');
  assert.equal(await debugOf([], { LLMDBENCH_CONTROL_VERBOSE: '1' }), true, 'environment');
  const scenario = join(tmp('run-verbose-scenario'), 'verbose.sh');
  writeFileSync(scenario, 'export LLMDBENCH_CONTROL_VERBOSE=1\n');
  assert.equal(await debugOf(['-c', scenario], {}), true, 'scenario');
});

test('run warns once per Kubernetes-only flag it was given, and not for flags it was not', async () => {
  const wd = join(tmp('run-k8s-flags'), 'work');
  const r = await runCli(['run', '-n', '--workdir', wd, '-k', 'mypvc', '-r', 's3://bucket/x', '-s', '30', '-g', 'FOO', '-d', '-q', 'sa', '-u'], { env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
  const warned = r.stderr.split('\n').filter((l) => /has no effect on a local run/.test(l));
  for (const f of ['--pvc mypvc', '--output s3://bucket/x', '--wait 30', '--envvarspod FOO', '--debug', '--serviceaccount sa', '--wva']) {
    assert.equal(warned.filter((l) => l.includes(f)).length, 1, `one warning for ${f}:\n${r.stderr}`);
  }
  assert.equal(warned.length, 7, r.stderr);
  assert.match(r.stderr, /s3:\/\/bucket\/x.*not uploaded/);
  const quiet = await runCli(['run', '-n', '--workdir', wd, '-r', 'local'], { env: cleanEnv() });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /has no effect/);
});

test('run -x with a local path that does not exist fails before anything starts', async () => {
  const wd = tmp('run-x-missing');
  for (const extra of [[], ['-n']]) {
    const r = await runCli(['run', '--workdir', wd, '-x', join(wd, 'nonexistent', 'data.json'), ...extra], { env: cleanEnv() });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /E_DATASET_NOT_FOUND/);
    assert.doesNotMatch(r.stderr, /simulator|work directory:/);
  }
  assert.deepEqual(readdirSync(wd), []);
});

test('run -x URL downloads the dataset once into LLMDBENCH_RUN_DATASET_DIR, before the simulator starts', async () => {
  const body = JSON.stringify([{ conversations: [{ from: 'human', value: 'hello there' }, { from: 'gpt', value: 'hi' }] }]);
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/d/small.json') res.end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/d/small.json`;
  const dataDir = tmp('run-x-data');
  const env = cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: dataDir, LLMDBENCH_SIM_PRESET: 'instant' });
  try {
    const r = await runCli(['run', '--workdir', tmp('run-x-1'), '-x', url, '-o', 'duration=1,rate=4'], { env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths, ['/d/small.json']);
    assert.equal(readFileSync(join(dataDir, 'small.json'), 'utf8'), body);
    const dl = r.stderr.indexOf('dataset: downloaded');
    const sim = r.stderr.indexOf('embedded simulator');
    assert.ok(dl >= 0 && sim > dl, `download before the simulator starts:\n${r.stderr}`);

    // Present already: not fetched again.
    writeFileSync(join(dataDir, 'small.json'), body);
    const again = await runCli(['run', '--workdir', tmp('run-x-2'), '-x', url, '-o', 'duration=1,rate=4'], { env, timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(paths.length, 1, 'no second download');
    assert.match(again.stderr, /already present, not downloaded/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('run -x with a local file: copied once into the dataset dir; an unusable dataset dir is a clear error', async () => {
  const base = tmp('run-x-local');
  const src = join(base, 'mine.json');
  writeFileSync(src, '[]');
  const blocker = join(base, 'a-file');
  writeFileSync(blocker, '');
  const bad = await runCli(['run', '--workdir', join(base, 'w0'), '-x', src], { env: cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: join(blocker, 'sub') }) });
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /E_DATASET_DIR/);
  assert.doesNotMatch(bad.stderr, /internal error|simulator/);

  const dataDir = join(base, 'data');
  const ok = await runCli(['run', '--workdir', join(base, 'w1'), '-x', src, '-o', 'duration=1,rate=4'], {
    env: cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: dataDir, LLMDBENCH_SIM_PRESET: 'instant' }),
    timeoutMs: 60_000,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(readFileSync(join(dataDir, 'mine.json'), 'utf8'), '[]');
});
