import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbeddedSimulator } from '../../../src/sim/embedded.ts';
import { READY_LINE } from '../../../src/sim/ready.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { LlmdbenchError } from '../../../src/util/errors.ts';
import { post, get } from './helpers.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(repo, 'bin', 'llmdbench.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the CLI; resolves at exit or, with `untilLine`, once a stdout line matches (then SIGTERM). */
function cli(args: string[], untilLine?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; match?: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let match: string | undefined;
    const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = untilLine?.exec(stdout);
      if (m && match === undefined) {
        match = m[1];
        void get(`${match}/v1/models`).then((r) => {
          stdout += `\nMODELS ${r.body}\n`;
          p.kill('SIGTERM');
        });
      }
    });
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('exit', (code) => {
      clearTimeout(kill);
      done({ code, stdout, stderr, match });
    });
  });
}

describe('embedded simulator and llmdbench sim', () => {
  it('startEmbeddedSimulator runs the simulator in a child process, serves, and stops', async () => {
    const sim = await startEmbeddedSimulator({ model: 'facebook/opt-125m', log: createLogger('error'), config: { 'inter-token-latency': '2ms', 'inter-token-latency-std-dev': '0.2ms', 'prefill-overhead': '2ms' } });
    try {
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(sim.pid, process.pid);
      assert.ok(alive(sim.pid));
      const r = await post(`${sim.url}/v1/chat/completions`, { model: 'facebook/opt-125m', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, ignore_eos: true, stream: true });
      assert.equal(r.status, 200);
      assert.equal(r.events.at(-1)?.data, '[DONE]');
      const cfg = JSON.parse((await get(`${sim.url}/admin/config`)).body) as Record<string, unknown>;
      assert.equal(cfg['max-num-seqs'], 256, 'realistic-small preset by default');
      assert.equal(cfg['inter-token-latency'], '2ms', 'config overrides the preset');
    } finally {
      await sim.stop();
    }
    assert.equal(alive(sim.pid), false, 'child is gone after stop()');
    await sim.stop(); // idempotent
  });

  it("the child prints its ready line only when its own /health/ready said 200", async () => {
    const entry = join(repo, 'src', 'sim', 'child-bootstrap.js');
    const run = async (overrides: Record<string, unknown>): Promise<{ lines: string[]; readyStatus: number }> => {
      const sources = { preset: 'instant', overrides: { model: 'm', host: '127.0.0.1', port: 0, ...overrides } };
      const p = spawn(process.execPath, [entry], { env: { ...process.env, LLMDBENCH_SIM_SOURCES: JSON.stringify(sources) }, stdio: ['ignore', 'pipe', 'ignore', 'ipc'] });
      let out = '';
      p.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      try {
        for (let i = 0; i < 1500 && !/listening on \S+\n/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
        const url = /listening on (\S+)\n/.exec(out)?.[1];
        assert.ok(url, `no URL line: ${out}`);
        // the child's own question takes a round trip: wait well past it
        await new Promise((r) => setTimeout(r, 500));
        const readyStatus = (await get(`${url}/health/ready`)).status;
        return { lines: out.trim().split('\n'), readyStatus };
      } finally {
        p.kill('SIGKILL');
      }
    };
    const now = await run({});
    assert.deepEqual(now.lines.map((l) => l.replace(/on \S+$/, 'on URL')), ['llmdbench sim listening on URL', READY_LINE]);
    assert.equal(now.readyStatus, 200);
    // not ready for 60 s (start-up duration): listening, never "ready"; the parent keeps polling
    const later = await run({ 'startup-duration': '60s' });
    assert.deepEqual(later.lines.map((l) => l.replace(/on \S+$/, 'on URL')), ['llmdbench sim listening on URL']);
    assert.equal(later.readyStatus, 503);
  });

  it('warns when the child dies unexpectedly', async () => {
    const lines: string[] = [];
    const sim = await startEmbeddedSimulator({ model: 'm', preset: 'instant', log: createLogger('warn', (s) => lines.push(s)) });
    process.kill(sim.pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(sim.pid); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(lines.some((l) => /embedded simulator .* exited unexpectedly/.test(l)), lines.join(''));
    await sim.stop(); // resolves for an already-dead child
  });

  it('the child exits when its parent is killed (no orphaned simulator)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-orphan-'));
    const script = join(dir, 'parent.mts'); // .mts: ESM (top-level await) outside the package
    const mod = pathToFileURL(join(repo, 'src', 'sim', 'embedded.ts')).href;
    const logMod = pathToFileURL(join(repo, 'src', 'util', 'logger.ts')).href;
    writeFileSync(script, `import { startEmbeddedSimulator } from '${mod}';\nimport { createLogger } from '${logMod}';\nconst sim = await startEmbeddedSimulator({ model: 'm', preset: 'instant', log: createLogger('error') });\nprocess.stdout.write('CHILD ' + sim.pid + '\\n');\nsetInterval(() => {}, 1000);\n`);
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    parent.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const childPid = await new Promise<number>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no child pid: ${out} ${err}`)), 30_000);
      parent.on('exit', () => rej(new Error(`parent exited early: ${out} ${err}`)));
      parent.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /CHILD (\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          res(Number(m[1]));
        }
      });
    });
    assert.ok(alive(childPid));
    parent.kill('SIGKILL');
    for (let i = 0; i < 250 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 20));
    const left = alive(childPid);
    if (left) process.kill(childPid, 'SIGKILL');
    assert.equal(left, false, 'the simulator child exits once its parent is gone (IPC channel closed)');
  });

  it('startEmbeddedSimulator reports configuration errors in the parent', async () => {
    await assert.rejects(
      startEmbeddedSimulator({ model: 'm', log: createLogger('error'), config: { 'max-num-seq': 3 } }),
      (e: unknown) => e instanceof LlmdbenchError && /did you mean "max-num-seqs"/.test(e.message),
    );
  });

  it('llmdbench sim prints its URL on one line, serves, and exits cleanly on SIGTERM', async () => {
    const r = await cli(['sim', '--model', 'm', '--served-model-name', 'alias1', 'alias2', '--port', '0', '--time-to-first-token', '5ms', '--no-enable-prefix-caching', '-v', '2'], /llmdbench sim listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    assert.ok(r.match, r.stderr);
    assert.match(r.stdout, /MODELS .*"id":"alias1".*"id":"alias2"/);
    assert.equal(r.code, 0, r.stderr);
  });

  it('llmdbench sim --config reports file:line and the closest key, exit code 2', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'sim-cli-')), 'sim.yaml');
    writeFileSync(f, 'model: m\ninter-token-latancy: 20ms\nmax-num-seqs: -1\n');
    const r = await cli(['sim', '--config', f, '--port', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${f}:2: unknown key "inter-token-latancy"; did you mean "inter-token-latency"\\?`));
    assert.match(r.stderr, new RegExp(`${f}:3: max-num-seqs: must be >= 1, got -1`));
  });

  it('llmdbench sim --help documents every key', async () => {
    const r = await cli(['sim', '--help']);
    const { KEYS } = await import('../../../src/sim/keys.ts');
    for (const k of KEYS) assert.match(r.stdout, new RegExp(`--${k.key} `), k.key);
    for (const k of KEYS.filter((x) => x.negatable)) assert.match(r.stdout, new RegExp(`--no-${k.key} `), `--no-${k.key}`);
  });
});
