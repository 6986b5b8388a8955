/**
 * `llmdbench --help` and each command's `--help`, through the real binary:
 * every command listed, every option documented with the variable it sets and
 * its default, exit code 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_SH_OPTIONS } from '../../../src/cli/run-options.ts';
import { variableSpec } from '../../../src/config/variables.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(repoRoot, 'bin', 'llmdbench.js');

function help(args: string[]): string {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LLMDBENCH_')) env[k] = v;
  const r = spawnSync(process.execPath, [bin, ...args, '--help'], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  // Commander wraps long lines: compare with whitespace collapsed.
  return r.stdout.replace(/\s+/g, ' ');
}

test('llmdbench --help lists every command with a description', () => {
  const h = help([]);
  for (const c of ['run', 'config', 'sim', 'profiles', 'render']) assert.match(h, new RegExp(`\\b${c} (\\[options\\] )?(\\[\\w+\\] )?[A-Z]`), c);
  assert.match(h, /-V, --version/);
});

for (const cmd of ['config', 'render', 'run']) {
  test(`llmdbench ${cmd} --help documents every run.sh flag, the variables it sets and their defaults`, () => {
    const h = help([cmd]);
    for (const o of RUN_SH_OPTIONS) {
      const flags = `${o.short ? `-${o.short}, ` : ''}--${o.long}${o.arg ? ` <${o.arg}>` : ''}`;
      assert.ok(h.includes(flags), `${cmd}: ${flags} missing`);
      for (const v of o.variables) {
        const d = variableSpec(v)?.default;
        const def = typeof d === 'string' ? (d === '' ? 'empty' : d) : (variableSpec(v)?.defaultDoc ?? 'empty');
        assert.ok(h.includes(`${v}${o.arg ? '' : `=${o.on ?? '1'}`} (default: ${def})`), `${cmd} ${flags}: ${v} and its default`);
      }
      if (o.kubernetesOnly) assert.ok(h.includes(`${o.description} [Kubernetes only: local runs ignore it]`), `${cmd} ${flags}: Kubernetes-only note`);
    }
  });
}

test('llmdbench config --help states the precedence and the masking', () => {
  const h = help(['config']);
  assert.ok(h.includes('--json') && h.includes('--all'));
  assert.ok(h.includes('Precedence: flag > scenario file (-c) > environment > built-in default'));
  assert.ok(h.includes('Secrets (tokens, keys, passwords, kubeconfig contents) are shown as ****<last 4>'));
});

test('llmdbench render --help: its own options, the argument and examples', () => {
  const h = help(['render']);
  for (const o of ['[profile]', '--all ', '--all-harnesses', '--out <dir>', '--no-validate', 'Examples:', 'docs/overrides-and-treatments.md']) {
    assert.ok(h.includes(o), o);
  }
});

test('llmdbench run --help: --quiet and --json', () => {
  const h = help(['run']);
  assert.ok(h.includes('--quiet') && h.includes('--json'));
});

test('llmdbench profiles --help: argument and options', () => {
  const h = help(['profiles']);
  for (const o of ['[harness]', '--json', '--harnesses', '--profiles-dir <dir>', 'docs/workloads.md']) assert.ok(h.includes(o), o);
});

test('compiled dist/ (when built and fresh) prints the same help as the TypeScript sources', async (t) => {
  // @ts-expect-error: plain JavaScript module of the launcher (no types)
  const { distIsFresh } = (await import('../../../bin/dist-stamp.js')) as { distIsFresh: (root: string) => boolean };
  if (!distIsFresh(repoRoot)) {
    t.skip('no fresh dist/ here (built by `npm ci` / `npm run build`)');
    return;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LLMDBENCH_') && k !== 'NODE_LLMDBENCH_FROM_SOURCES') env[k] = v;
  for (const args of [['--help'], ['run', '--help'], ['sim', '--help']]) {
    const compiled = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const sources = spawnSync(process.execPath, [bin, ...args], { env: { ...env, NODE_LLMDBENCH_FROM_SOURCES: '1' }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(compiled.status, 0, compiled.stderr);
    assert.equal(compiled.stdout, sources.stdout, args.join(' '));
  }
});
