#!/usr/bin/env node
// Runs every test file under test/ with node:test + tsx.
// Node 20's `node --test <dir>` finds no .ts files and globs need Node 21+, so
// the file list is built here; zero files found is a failure, never a pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = findTests('test');
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/');
  process.exit(1);
}
// Human-readable spec output on stdout, TAP into a file we count from, then one
// plain closing line ("N passed, N failed, N skipped") that any CI can read.
const tapFile = join(mkdtempSync(join(tmpdir(), 'llmdbench-tests-')), 'results.tap');
const res = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  // CLI children spawned by tests run from the TypeScript sources too, never from dist/ (bin/llmdbench.js).
  { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', NODE_LLMDBENCH_FROM_SOURCES: '1' } },
);
const tap = readFileSync(tapFile, 'utf8');
const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.error('run-tests: no test was executed');
  process.exit(1);
}
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
