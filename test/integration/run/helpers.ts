/** Run the real CLI (`bin/llmdbench.js`) in a child process, bounded in time. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upstreamDir } from '../../helpers/upstream.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const upstream = upstreamDir;
const bin = join(repoRoot, 'bin', 'llmdbench.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves when stderr+stdout has matched `re`. */
  waitFor(re: RegExp, timeoutMs: number): Promise<void>;
}

/** Environment for a test run: no inherited LLMDBENCH_* / endpoint settings, offline tokenizers. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LLMDBENCH_') && k !== 'HF_TOKEN') env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

export function startCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string; detached?: boolean } = {}): CliRun {
  // detached: its own process group, so a test can signal the group as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repoRoot, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) if (w.re.test(stdout + stderr)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => ((stdout += s), check()));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => ((stderr += s), check()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
  const done = new Promise<CliResult>((res) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    done,
    waitFor: (re, timeoutMs) =>
      new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`timed out waiting for ${re}; stderr so far:\n${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ re, resolve: () => (clearTimeout(t), res()) });
        check();
      }),
  };
}

export function runCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `llmdbench-${prefix}-`));
}

/** The single results (or analysis) directory of a one-unit run (the work dir's own plots/ and report aside). */
export function onlyDir(workDir: string, kind: 'results' | 'analysis'): string {
  const dirs = readdirSync(join(workDir, kind), { withFileTypes: true }).filter((d) => d.isDirectory() && !(kind === 'analysis' && d.name === 'plots')).map((d) => d.name);
  if (dirs.length !== 1) throw new Error(`expected one ${kind} dir in ${workDir}, got ${dirs.join(', ')}`);
  return join(workDir, kind, dirs[0]!);
}

/**
 * Resolves once the run's records.jsonl holds `n` finished requests (one line each; the writer
 * flushes every 200 ms). A test that must interrupt a run after some requests finished waits on
 * this rather than on a fixed delay, which a loaded CI host can outrun.
 */
export async function waitForFinished(workDir: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const resDir = join(workDir, 'results');
    const runs = existsSync(resDir) ? readdirSync(resDir) : [];
    const file = runs.length === 1 ? join(resDir, runs[0]!, 'records.jsonl') : '';
    if (file && existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      seen = text.split('\n').filter((l) => l.startsWith('{')).length;
      if (seen >= n) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} finished requests in ${workDir} (saw ${seen})`);
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** inference-perf's summary object keys. */
export const SUMMARY_KEYS = ['mean', 'min', 'max', 'p0.1', 'p1', 'p5', 'p10', 'p25', 'median', 'p75', 'p90', 'p95', 'p99', 'p99.9'];
