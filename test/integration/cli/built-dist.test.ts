/**
 * The built CLI, as `npm ci` leaves it: bin/llmdbench.js with a fresh dist/ starts the bundle
 * (dist/bundle/cli.js, scripts/bundle.mjs) — or the unbundled dist/ when the build could not bundle.
 * Every other CLI test runs the TypeScript sources (NODE_LLMDBENCH_FROM_SOURCES=1), so this is where
 * the bundle's lazy chunks, its rewritten module URLs (profiles, the simulator's child bootstrap,
 * the tokenizer cache, package.json) and the bundled simulator child are exercised end to end:
 * --help, profiles, config, `run` (inference-perf and guidellm against the embedded simulator)
 * and `sim` with two shards. Skipped when dist/ is absent or stale (then bin/ runs the sources anyway).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module of the launcher (no types)
import { distEntry } from '../../../bin/dist-stamp.js';
import { cleanEnv, onlyDir, readJson, repoRoot, tmp } from '../run/helpers.ts';

const bin = join(repoRoot, 'bin', 'llmdbench.js');
const entry = (distEntry as (root: string) => string | undefined)(repoRoot);
const skip = entry === undefined ? 'no fresh dist/ here (built by `npm ci` / `npm run build`)' : false;

/** The test environment without the switch that forces the sources. */
function builtEnv(): Record<string, string> {
  const env = cleanEnv();
  delete env['NODE_LLMDBENCH_FROM_SOURCES'];
  return env;
}

function cli(args: string[], timeoutMs = 120_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, env: builtEnv(), encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('built dist/: the launcher starts the bundle when the build made one', { skip }, () => {
  if (existsSync(join(repoRoot, 'dist', 'bundle', 'cli.js'))) assert.equal(entry, 'bundle/cli.js');
  else assert.equal(entry, 'cli/index.js');
});

test('built dist/: --help, profiles and config', { skip }, () => {
  const help = cli(['--help']);
  assert.equal(help.code, 0, help.stderr);
  for (const c of ['run', 'sim', 'profiles', 'config', 'analyze', 'harness']) assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  const version = cli(['--version']);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  // The built-in catalog: workload/profiles found from the bundle's chunk (a rewritten module URL).
  const profiles = cli(['profiles']);
  assert.equal(profiles.code, 0, profiles.stderr);
  assert.match(profiles.stdout, /^inference-perf\/sanity_random +Sanity check/m);
  assert.match(profiles.stdout, /^guidellm\//m);
  const config = cli(['config', '--json']);
  assert.equal(config.code, 0, config.stderr);
  assert.ok(Array.isArray(JSON.parse(config.stdout)) || typeof JSON.parse(config.stdout) === 'object');
});

test('built dist/: run (inference-perf, embedded simulator) writes results and the analysis', { skip }, () => {
  const wd = tmp('dist-run');
  const r = cli(['run', '--workdir', wd, '--json', '-o', 'duration=1,rate=4']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: Array<{ summary: { requests: { total: number; failed?: number } } }> };
  assert.equal(out.results[0]?.summary.requests.total, 4);
  const res = onlyDir(wd, 'results');
  for (const f of ['summary_lifecycle_metrics.json', 'per_request_lifecycle_metrics.json', 'config.yaml', 'run_metadata.yaml']) assert.ok(existsSync(join(res, f)), f);
  const sum = readJson<{ successes: { count: number }; failures: { count: number } }>(join(res, 'summary_lifecycle_metrics.json'));
  assert.equal(sum.successes.count, 4);
  assert.equal(sum.failures.count, 0);
  assert.ok(existsSync(join(onlyDir(wd, 'analysis'), 'summary.json')));
});

test('built dist/: run -l guidellm against the embedded simulator', { skip }, () => {
  const wd = tmp('dist-guidellm');
  const file = join(wd, 'constant.yaml');
  writeFileSync(file, `spec:
  backend: {kind: openai_http, target: http://unused.invalid:1, request_format: /v1/completions}
  profile: {kind: constant, rate: 4}
  constraints: [{kind: max_duration, seconds: 1}]
  data: [{kind: synthetic_text, prompt_tokens: 10, output_tokens: 4}]
`);
  const r = cli(['run', '--quiet', '--workdir', wd, '-l', 'guidellm', '-w', file]);
  assert.equal(r.code, 0, r.stderr);
  const bs = readJson<{ benchmarks: Array<{ metrics: { request_totals: { successful: number; errored: number } } }> }>(join(onlyDir(wd, 'results'), 'results.json')).benchmarks;
  assert.equal(bs.length, 1);
  assert.ok((bs[0]?.metrics.request_totals.successful ?? 0) >= 3, JSON.stringify(bs[0]?.metrics.request_totals));
  assert.equal(bs[0]?.metrics.request_totals.errored, 0);
});

test('built dist/: sim with two shards (node:cluster children through the bundled child) serves until SIGTERM', { skip, timeout: 60_000 }, async () => {
  const p = spawn(process.execPath, [bin, 'sim', '--model', 'm', '--port', '0', '--workers', '2'], { cwd: repoRoot, env: builtEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line; stderr:\n${stderr}`)), 45_000);
    p.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /llmdbench sim listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (m) resolve((clearTimeout(t), m[1] as string));
    });
  });
  const models = await new Promise<string>((resolve, reject) => {
    request(`${url}/v1/models`, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s)).on('end', () => resolve(body));
    }).on('error', reject).end();
  });
  assert.equal((JSON.parse(models) as { data: Array<{ id: string }> }).data[0]?.id, 'm');
  assert.match(stderr, /2 shards/);
  const code = await new Promise<number | null>((resolve) => {
    p.on('exit', (c) => resolve(c));
    p.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
});
