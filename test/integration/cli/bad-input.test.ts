/**
 * Bad input of every kind, through the real CLI: exit code 2, an error that
 * says what is wrong, where (file, line, key path) and how to fix it, and
 * nothing started (no work directory created).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(repoRoot, 'bin', 'llmdbench.js');
const sanity = path.join(repoRoot, 'workload', 'profiles', 'inference-perf', 'sanity_random.yaml.in');
let dir = '';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs bin/llmdbench.js as a child process in a clean environment (no LLMDBENCH_* from the machine) plus `extraEnv`. */
function spawned(args: string[], extraEnv: Record<string, string>): Promise<Result> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LLMDBENCH_')) env[k] = v;
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The same CLI entry point (`main`, which the bin calls) in this process, with
 * the same clean environment and cwd, stdout/stderr captured: a child process
 * per case costs ~1 s of start-up on a loaded machine. Tests run one at a time.
 */
async function inProcess(args: string[], extraEnv: Record<string, string>): Promise<Result> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const out = { stdout: '', stderr: '' };
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  for (const k of Object.keys(process.env)) if (k.startsWith('LLMDBENCH_')) delete process.env[k];
  Object.assign(process.env, extraEnv);
  process.chdir(dir);
  // The test runner's own messages to its parent go through this process's stdout as
  // binary chunks: pass those through, capture only the command's text.
  const capture = (key: 'stdout' | 'stderr', write: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (typeof chunk !== 'string') return (write as (c: Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      out[key] += chunk;
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout', writeOut);
  process.stderr.write = capture('stderr', writeErr);
  try {
    const code = await main(args);
    return { code, ...out };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}

/** In this process, or as a child process when `viaBin` (a few cases check the real binary's exit code). */
function cli(args: string[], extraEnv: Record<string, string> = {}, viaBin = false): Promise<Result> {
  return viaBin ? spawned(args, extraEnv) : inProcess(args, extraEnv);
}

/** Exit code 2, and stderr matches every pattern (what, where, how to fix). */
async function rejectsWith(args: string[], patterns: RegExp[], extraEnv: Record<string, string> = {}, viaBin = false): Promise<Result> {
  const r = await cli(args, extraEnv, viaBin);
  assert.equal(r.code, 2, `exit code for llmdbench ${args.join(' ')}\nstderr: ${r.stderr}`);
  for (const p of patterns) assert.match(r.stderr, p, `llmdbench ${args.join(' ')}`);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/, 'no stack trace');
  return r;
}

/** As rejectsWith, for tests that need nothing more. */
async function rejects(args: string[], patterns: RegExp[], extraEnv: Record<string, string> = {}, viaBin = false): Promise<void> {
  await rejectsWith(args, patterns, extraEnv, viaBin);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'llmdbench-bad-input-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('flags', () => {
  test('unknown long flag names the closest valid flag', () =>
    rejects(['render', '--harnes', 'guidellm'], [/error\[E_UNKNOWN_FLAG\]/, /unknown flag --harnes/, /did you mean --harness\?/], {}, true));
  test('unknown short flag: a case slip suggests the right letter', () =>
    rejects(['config', '-M', 'x'], [/E_UNKNOWN_FLAG/, /unknown flag -M \(did you mean -m\?\)/]));
  test('unknown flag on run, before anything runs', () => rejects(['run', '--dryrun'], [/E_UNKNOWN_FLAG/, /did you mean --dry-run\?/]));
  test('bad number', () =>
    rejects(['render', '-j', 'abc'], [/E_BAD_FLAG_VALUE/, /-j\/--parallelism "abc": expected a positive whole number/, /hint: -j\/--parallelism N/]));
  test('bad number in the -x=value form', () => rejects(['config', '-s=-5'], [/E_BAD_FLAG_VALUE/, /-s\/--wait "-5"/]));
  test('bad endpoint', () => rejects(['render', '--endpoint', 'ftp://x'], [/E_BAD_FLAG_VALUE/, /--endpoint "ftp:\/\/x": expected http:\/\/ or https:\/\//]));
  test('a flag without its value', () => rejects(['render', '-o'], [/-o, --overrides <LIST>' argument missing/], {}, true));
  test('bad value from the environment names the variable and its source', () =>
    rejects(['config'], [/E_CONFIG_VALUE/, /LLMDBENCH_HARNESS_LOAD_PARALLELISM=0 \(from the environment\)/, /hint: fix the value where it comes from/], {
      LLMDBENCH_HARNESS_LOAD_PARALLELISM: '0',
    }));
});

describe('commands', () => {
  test('unknown command names the closest command', () => rejects(['rendr'], [/unknown command 'rendr'/, /Did you mean render\?/]));
  test('unknown option of profiles names the closest option', () => rejects(['profiles', '--jsn'], [/unknown option '--jsn'/, /Did you mean --json\?/]));
  test('unknown harness for profiles', () => rejects(['profiles', 'guidelm'], [/E_UNKNOWN_HARNESS/, /did you mean "guidellm"/]));
  test('too many arguments', () => rejects(['render', 'a', 'b'], [/too many arguments for 'render'/]));
});

describe('profiles and harnesses', () => {
  test('unknown profile lists the harness profiles and a suggestion', () =>
    rejects(['render', '-w', 'sanity_randm'], [/E_UNKNOWN_PROFILE/, /unknown inference-perf profile "sanity_randm"/, /profiles for inference-perf: .*sanity_random/, /did you mean "sanity_random"/]));
  test('a profile of another harness says which -l to use', () =>
    rejects(['render', '-w', 'sanity_concurrent'], [/E_UNKNOWN_PROFILE/, /exists for harness guidellm/, /-l guidellm -w sanity_concurrent/]));
  test('the default profile missing for the chosen harness: a profile of that harness is suggested', () =>
    rejects(['render', '-l', 'nop'], [/E_UNKNOWN_PROFILE/, /unknown nop profile "sanity_random"/, /choose one with -w \(e\.g\. -w nop\)/]));
  test('unknown harness (render)', () =>
    rejects(['render', '-l', 'guidelm'], [/E_UNKNOWN_HARNESS/, /unknown harness "guidelm"/, /did you mean "guidellm"/]));
  test('unknown harness (run --dry-run)', () => rejects(['run', '--dry-run', '-l', 'nosuch'], [/E_UNKNOWN_HARNESS/, /use one of: fmperf, guidellm, inference-perf/]));
  test('profile file that does not exist', () => rejects(['render', './nope.yaml'], [/E_PROFILE_NOT_FOUND/, /nope\.yaml/]));
  test('YAML syntax error in a profile given by path: that file and line', async () => {
    const p = file('syntax.yaml', 'load:\n  type: constant\n  stages:\n   - rate: 1\n  duration: [\n');
    await rejects(['render', p], [new RegExp(`error\\[E_PROFILE_YAML\\] ${esc(p)}:6:1: `), /not valid YAML/, /hint: fix the YAML syntax/], {}, true);
  });
  test('wrong type in a profile: every error with its file, line and key path', async () => {
    const p = file('types.yaml', 'load:\n  type: constant\n  stages:\n    - rate: fast\n      duration: 30\napi:\n  type: completion\nserver:\n  type: vllm\n');
    const r = await rejectsWith(['render', p], [/E_PROFILE_INVALID/, /inference-perf profile has 2 errors/, /hint: fix the fields listed/]);
    assert.match(r.stderr, new RegExp(`${esc(p)}:4 \\(at load\\.stages\\[0\\]\\.rate\\): expected number, got "fast"`));
    assert.match(r.stderr, new RegExp(`${esc(p)}:8 \\(at server\\.base_url\\): required field is missing`));
  });
  test('a profile made invalid by -o names the template it came from', async () => {
    const r = await rejectsWith(['render', '-o', 'load.stages[0].rate=fast', '--endpoint', 'http://127.0.0.1:8000'], [/E_PROFILE_INVALID/]);
    // Scalar overrides keep the template's lines: the template file and line are named.
    assert.match(r.stderr, new RegExp(`${esc(sanity)}:7 \\(at load\\.stages\\[0\\]\\.rate\\): expected number, got "fast"`));
  });
  test('an added key moves lines: the rendered file is named with its template; warnings listed with the errors', async () => {
    const r = await rejectsWith(['render', '-o', 'load.stages[0].rate=fast,+load.bogus=1', '--endpoint', 'http://127.0.0.1:8000'], [/E_PROFILE_INVALID/]);
    assert.match(r.stderr, /workload\/profiles\/inference-perf\/sanity_random\.yaml:\d+ \(at load\.stages\[0\]\.rate\): expected number/);
    assert.match(r.stderr, new RegExp(`sanity_random\\.yaml is ${esc(sanity)} after overrides and treatment values`));
    assert.match(r.stderr, /warning: .*\(at load\.bogus\): unknown key "bogus"/);
  });
  test('unresolved REPLACE_ENV token: variable, template file:line:col, how to set it', async () => {
    const p = file('tok.yaml.in', '# a comment REPLACE_ENV_IGNORED\nload:\n  rate: REPLACE_ENV_LLMDBENCH_NOPE_NOT_SET\n');
    await rejects(['render', p], [
      /E_UNRESOLVED_TOKEN/,
      new RegExp(`${esc(p)}:3:9: REPLACE_ENV_LLMDBENCH_NOPE_NOT_SET`),
      /LLMDBENCH_NOPE_NOT_SET is not set/,
      /export LLMDBENCH_NOPE_NOT_SET=<value>/,
      /REPLACE_ENV_LLMDBENCH_NOPE_NOT_SET\+\+\+\+default=<value>/,
    ]);
  });
  test('a template that would copy a secret into the profile is refused, the secret not printed', async () => {
    const p = file('secret.yaml.in', 'load:\n  token: REPLACE_ENV_LLMDBENCH_HF_TOKEN\n');
    const r = await rejectsWith(['render', '--no-validate', p], [new RegExp(`E_SECRET_IN_PROFILE\\] ${esc(p)}:2:10: `), /LLMDBENCH_HF_TOKEN/], { LLMDBENCH_HF_TOKEN: 'hf_secretvalue123456' });
    assert.ok(!`${r.stdout}${r.stderr}`.includes('secretvalue'));
  });
});

describe('overrides', () => {
  const hint = /hint: write key=value entries separated by commas/;
  test('odd number of key,value items', () => rejects(['render', '-o', 'foo'], [/E_OVERRIDE_SYNTAX/, /last key "foo" has no value/, hint]));
  test('empty entry', () => rejects(['render', '-o', 'a=1,,b=2'], [/E_OVERRIDE_SYNTAX/, /empty entry at position 2/, /overrides given: "a=1,,b=2"/]));
  test('mixed forms', () => rejects(['render', '-o', 'a=1,b'], [/E_OVERRIDE_SYNTAX/, /entry "b" is not key=value/, /must be quoted or escaped/]));
  test('unterminated quote', () => rejects(['render', '-o', 'k="a,b'], [/E_OVERRIDE_SYNTAX/, /unterminated " quote/, hint]));
  test('empty value', () => rejects(['render', '-o', 'rate='], [/E_OVERRIDE_SYNTAX/, /has an empty value/, /rate=null or rate=""/]));
  test('bare key that matches nothing: profile file, key, closest keys', () =>
    rejects(['render', '-o', 'mins=20'], [/E_OVERRIDE_NO_MATCH/, new RegExp(`${esc(sanity)} \\(at mins\\)`), /closest existing keys: min/, /hint: a bare name sets every key/]));
  test('key with nothing close lists the profile keys', () =>
    rejects(['render', '-o', 'zzzz=1'], [/E_OVERRIDE_NO_MATCH/, /no similar key; the profile's keys: load, type, stages/]));
  test('path that stops in the middle says where', () =>
    rejects(['render', '-o', 'load.stages[5].rate=1'], [/E_OVERRIDE_NO_MATCH/, /stopped at: load\.stages is a list of 1 item/, /closest existing paths: load\.stages\[0\]\.rate/, /\+load\.num_workers=2/]));
  test('scalar over a map', () => rejects(['render', '-o', 'load=1'], [/E_OVERRIDE_NOT_SCALAR/, /\(at load\)/, /override a leaf inside it/]));
  test('from the environment variable: the message names it', () =>
    rejects(['render'], [/E_OVERRIDE_NO_MATCH/, /from LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES \(env\)/], {
      LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'nosuch=1',
    }));
  test('run: a bad -o stops before anything starts (no work directory)', async () => {
    const work = path.join(dir, 'work-bad-o');
    await rejects(['run', '-o', 'nosuchkey=1', '--workdir', work], [/E_OVERRIDE_NO_MATCH/], {}, true);
    assert.equal(existsSync(work), false, 'no work directory created');
  });
});

describe('scenarios', () => {
  test('missing scenario by path', () =>
    rejects(['config', '-c', path.join(dir, 'nope.sh')], [/E_SCENARIO_NOT_FOUND/, /nope\.sh" not found/, /hint: give an absolute path/]));
  test('missing scenario by name', () => rejects(['config', '-c', 'no_such_scenario'], [/E_SCENARIO_NOT_FOUND/, /"no_such_scenario" not found/, /LLMDBENCH_SCENARIOS_DIR/]));
  test('bash syntax error: file and line', async () => {
    const p = file('syntax.sh', 'export LLMDBENCH_DEPLOY_MODEL_LIST=foo\nif then fi\n');
    await rejects(['config', '-c', p], [new RegExp(`E_SCENARIO_BASH\\] ${esc(p)}:2: `), /syntax error near unexpected token/, /bash -n/]);
  });
  test('a failing command: file, line and the command', async () => {
    const p = file('failing.sh', 'export LLMDBENCH_DEPLOY_MODEL_LIST=foo\nfalse\n');
    await rejects(['render', '-c', p], [new RegExp(`E_SCENARIO_BASH\\] ${esc(p)}:2: `), /command failed with status 1: false/, /fix or remove the failing command/]);
  });
  test('a bad value set by a scenario names the scenario', async () => {
    const p = file('badval.sh', 'export LLMDBENCH_HARNESS_LOAD_PARALLELISM=abc\n');
    await rejects(['config', '-c', p], [/E_CONFIG_VALUE/, new RegExp(`LLMDBENCH_HARNESS_LOAD_PARALLELISM=abc \\(from scenario ${esc(p)}\\)`)]);
  });
  test('run: a bad scenario stops before anything starts', async () => {
    const p = file('failing2.sh', 'exit 3\n');
    const work = path.join(dir, 'work-bad-c');
    await rejects(['run', '-c', p, '--workdir', work], [/E_SCENARIO_BASH/]);
    assert.equal(existsSync(work), false);
  });
});

describe('experiment files', () => {
  test('missing experiment file', () => rejects(['render', '-e', path.join(dir, 'nope.yaml')], [/E_EXPERIMENT_NOT_FOUND/, /nope\.yaml" not found/, /hint: give a path/]));
  test('YAML syntax error: file and line', async () => {
    const p = file('exp-syntax.yaml', 'run:\n  factors: [a, b\n');
    await rejects(['render', '-e', p], [new RegExp(`E_EXPERIMENT_YAML\\] ${esc(p)}:3:1: `), /is not valid YAML: \S/, /hint: fix the YAML syntax/]);
  });
  test('treatment with the wrong number of factor values: file, line, key path', async () => {
    const p = file('exp-count.yaml', 'run:\n  factors:\n    - a\n    - b\n  levels:\n    a: "1,2"\n    b: "3,4"\n  treatments:\n    - "1,3"\n    - "2"\n');
    await rejects(['render', '-e', p], [new RegExp(`E_EXPERIMENT_INVALID\\] ${esc(p)}:10 \\(at run\\.treatments\\[1\\]\\)`), /treatment "2" has 1 value\(s\) but there are 2 factor\(s\) \(a, b\)/, /docs\/overrides-and-treatments\.md/]);
  });
  test('a treatment key that matches nothing in the profile', async () => {
    const p = file('exp-key.yaml', 'run:\n  factors:\n    - nosuchfactor\n  levels:\n    nosuchfactor: "1,2"\n  treatments:\n    - "1"\n    - "2"\n');
    await rejects(['render', '-e', p], [/E_OVERRIDE_NO_MATCH/, /nosuchfactor/, new RegExp(esc(p))]);
  });
  test('run: a bad experiment file stops before anything starts', async () => {
    const p = file('exp-bad2.yaml', 'run: [\n');
    const work = path.join(dir, 'work-bad-e');
    await rejects(['run', '-e', p, '--workdir', work], [/E_EXPERIMENT_YAML/]);
    assert.equal(existsSync(work), false);
  });
});
