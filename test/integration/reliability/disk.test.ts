/**
 * A full disk and a read-only work directory (issue 12, "A full disk crashes the run"). As root,
 * a tiny tmpfs is mounted and filled by the run itself; otherwise the test is skipped (the
 * records writer's own ENOSPC handling is proven against /dev/full in test/unit/engine).
 * Asserts: exit 3, the first error line names the path and the cause, records.jsonl holds only
 * whole, parseable lines, the summary is on the console, the result is marked incomplete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { runCli, tmp } from '../run/helpers.ts';
import { errorLine, truthProfile } from './helpers.ts';

const isRoot = process.getuid?.() === 0;

/** Mount a tmpfs of `size` at a new folder, run `fn`, unmount. */
async function withTmpfs(size: string, opts: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = tmp('rel-tmpfs');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${opts}`, 'tmpfs', dir]);
  try {
    await fn(dir);
  } finally {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a run on a full tmpfs stops the load, exits 3 naming the path and ENOSPC, keeps a valid records.jsonl and prints the summary', { skip: !isRoot && 'needs root to mount a tmpfs' }, async () => {
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 4 });
  const profDir = tmp('rel-disk-prof');
  try {
    await withTmpfs('160k', '', async (wd) => {
      const r = await runCli(['run', '--workdir', wd, '-w', truthProfile(profDir, { rate: 100, duration: 4 }), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 30_000 });
      assert.equal(r.code, 3, r.stderr);
      assert.match(errorLine(r.stderr), /^error\[E_WRITE\]: cannot write .*\/results\/inference-perf_[^ ]+\/[^ ]+: ENOSPC \(no space left on the device\)/);
      assert.match(r.stdout, /requests \(ok\/failed\)/, 'the summary table is on the console');
      assert.match(r.stdout, /\(incomplete\)/);
      const dir = join(wd, 'results', readdirSync(join(wd, 'results'))[0]!);
      const text = readFileSync(join(dir, 'records.jsonl'), 'utf8');
      assert.ok(text.length > 0 && text.endsWith('\n'), 'records.jsonl ends with a whole line');
      const recs = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number });
      assert.ok(recs.length > 0 && recs.length < 400, `${recs.length} records kept`);
      assert.equal(existsSync(join(dir, 'llmdbench_complete.json')), false, 'not marked complete');
      assert.ok(truth.log.size < 400, 'the load stopped early');
    });
  } finally {
    await truth.close();
  }
});

test('a read-only work directory is exit 3 with the path and the cause, before any request', { skip: !isRoot && 'needs root to mount a read-only tmpfs' }, async () => {
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 4 });
  const profDir = tmp('rel-ro-prof');
  try {
    await withTmpfs('1m', ',ro', async (wd) => {
      const r = await runCli(['run', '--workdir', wd, '-w', truthProfile(profDir, { rate: 5, duration: 1 }), '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 30_000 });
      assert.equal(r.code, 3, r.stderr);
      assert.match(errorLine(r.stderr), /^error\[E_(WORKDIR|WRITE)\]: cannot (create|prepare|write) (the work directory )?\/\S+: EROFS/);
      assert.equal(truth.log.size, 0);
    });
  } finally {
    await truth.close();
  }
});

test('--workdir under a regular file is exit 3 with the path and the cause, for a run and for -z (not an internal error)', async () => {
  const base = tmp('rel-wd-file');
  const file = join(base, 'afile');
  mkdirSync(base, { recursive: true });
  execFileSync('touch', [file]);
  const z = await runCli(['run', '-z', '--workdir', join(file, 'sub')]);
  assert.equal(z.code, 3, z.stderr);
  assert.match(errorLine(z.stderr), /^error\[E_WORKDIR\]: cannot create the work directory .*afile\/sub: ENOTDIR/);
  const real = await runCli(['run', '--workdir', join(file, 'sub'), '--endpoint', 'http://127.0.0.1:9', '-o', 'duration=1,rate=1']);
  assert.equal(real.code, 3, real.stderr);
  assert.match(errorLine(real.stderr), /^error\[E_WORKDIR\]: cannot create the work directory .*afile\/sub: ENOTDIR/);
  assert.doesNotMatch(real.stderr, /internal error|\n {4}at /);
});
