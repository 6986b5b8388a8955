/**
 * The library API from a packed tarball, as a user gets it: `npm pack` (which builds dist/ through
 * the prepare script), install the tarball into a new project, then a program imports
 * `{ plan, render, run, analyze }` from 'llmdbench', runs a short benchmark against the embedded
 * simulator and reads the results; a TypeScript consumer type-checks against the shipped
 * declarations. npm resolves the dependencies from its cache (prefer-offline; `npm ci` filled it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, repoRoot } from '../run/helpers.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(cmd: string, args: string[], cwd: string, timeoutMs: number): string {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: timeoutMs });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack → install into a new project → run a benchmark through the library API', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-pack-'));
  sh(npm, ['pack', '--pack-destination', dir, '--silent'], repoRoot, 300_000);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote a tarball');
  const app = join(dir, 'app');
  sh('mkdir', ['-p', app], dir, 5_000);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, tgz)], app, 300_000);
  assert.ok(existsSync(join(app, 'node_modules', 'llmdbench', 'dist', 'api', 'index.js')), 'the tarball ships the compiled library');

  const work = join(dir, 'work');
  writeFileSync(
    join(app, 'main.mjs'),
    `import { plan, render, run, analyze } from 'llmdbench';
const opts = { workDir: ${JSON.stringify(work)}, overrides: { 'load.stages': [{ rate: 4, duration: 1 }] }, settings: { LLMDBENCH_SIM_PRESET: 'instant' } };
const p = await plan(opts);
const profiles = await render(opts);
const r = await run(opts);
const again = await analyze(r.workDir);
console.log(JSON.stringify({ executor: p.executor, units: p.plan.units.length, profile: profiles[0].profileName, hasRate: profiles[0].text.includes('rate: 4'), ok: r.ok, workDir: r.workDir, summary: r.units[0].summary, again: again.map((s) => s.requests) }));
`,
  );
  const out = JSON.parse(sh(process.execPath, ['main.mjs'], app, 180_000).trim().split('\n').at(-1)!) as {
    executor: string; units: number; profile: string; hasRate: boolean; ok: boolean; workDir: string;
    summary: { requests: { total: number; succeeded: number } }; again: { total: number }[];
  };
  assert.equal(out.executor, 'local');
  assert.equal(out.units, 1);
  assert.equal(out.profile, 'sanity_random.yaml');
  assert.ok(out.hasRate, 'the object overrides reached the rendered profile');
  assert.equal(out.ok, true);
  assert.equal(out.workDir, work);
  assert.equal(out.summary.requests.total, 4);
  assert.equal(out.summary.requests.succeeded, 4);
  assert.deepEqual(out.again.map((x) => x.total), [4]);

  // A TypeScript consumer type-checks against the shipped declarations.
  writeFileSync(
    join(app, 'check.ts'),
    `import { run, type RunResult, type BenchmarkOptions, type ResultSummary } from 'llmdbench';
const o: BenchmarkOptions = { harness: 'inference-perf', models: ['meta-llama/Llama-3.2-1B-Instruct'], retries: 1 };
const r: RunResult = await run(o);
const s: ResultSummary | null = r.units[0]?.summary ?? null;
export const ttft: number | undefined = s?.ttft_ms?.p50;
`,
  );
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['check.ts'] }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  sh(process.execPath, [tsc, '-p', 'tsconfig.json'], app, 120_000);
});
