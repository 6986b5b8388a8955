/** `llmdbench render --help | head -1`: the reader closing stdout early is a normal end (exit 0, no stack). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repoRoot, 'bin', 'llmdbench.js');

function closedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  // Close our end of stdout before the CLI writes anything: its first write meets EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((res) => child.on('close', (code) => (clearTimeout(timer), res({ code, stderr }))));
}

for (const args of [['render', '--help'], ['config']]) {
  test(`llmdbench ${args.join(' ')} with stdout closed by the reader exits 0 without a stack`, async () => {
    const r = await closedStdout(args);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error|at /);
  });
}
