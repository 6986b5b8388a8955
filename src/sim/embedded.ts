/**
 * The embedded default target: the simulator in its own child process (never
 * on the load generator's event loop), on a free loopback port, ready when
 * this resolves. Used by `llmdbench run` when no endpoint is configured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { buildSimConfig } from './sources.ts';
import { takeStandby } from './standby.ts';
import { getStatus, READY_LINE } from './ready.ts';

export interface EmbeddedSimOptions {
  /** Model name to serve (the run's model). */
  model: string;
  /** Latency preset; default "realistic-small" (see docs/simulator.md). */
  preset?: string;
  /** Further llm-d-inference-sim keys (kebab-case), applied over the preset. */
  config?: Record<string, unknown>;
  /** A YAML file of llm-d-inference-sim keys, applied between preset and `config`. */
  configFile?: string;
  log: Logger;
  /** How long to wait for /health/ready, ms (default 30 000). */
  readyTimeoutMs?: number;
  /** Pin the child to these CPUs with taskset when available (e.g. "0"). */
  cpus?: string;
}

export interface EmbeddedSim {
  /** e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  /** The child's pid. */
  pid: number;
  /** Stops the child (SIGTERM, then SIGKILL after 3 s); resolves when it has exited. */
  stop(): Promise<void>;
}

export async function startEmbeddedSimulator(opts: EmbeddedSimOptions): Promise<EmbeddedSim> {
  const overrides = { ...(opts.config ?? {}), model: opts.model, host: '127.0.0.1', port: 0 };
  const sources = { preset: opts.preset ?? 'realistic-small', configFile: opts.configFile, overrides };
  buildSimConfig(sources); // validate here so configuration errors surface as usage errors in the parent
  const entry = fileURLToPath(new URL('./child-bootstrap.js', import.meta.url));
  const env = { ...process.env, LLMDBENCH_SIM_SOURCES: JSON.stringify(sources) };
  const args = [process.execPath, entry];
  // A child that `llmdbench run` started before its plan (standby.ts) has booted meanwhile: it gets
  // the sources over IPC. Pinned (cpus) children are always new.
  const adopted = opts.cpus ? undefined : takeStandby();
  adopted?.send({ type: 'sources', sources });
  // Own process group (detached): a terminal Ctrl-C reaches the run, which stops sending and lets
  // in-flight requests finish before it stops the simulator; the child still exits when the IPC channel closes.
  const child: ChildProcess =
    adopted ??
    (opts.cpus
      ? spawn('taskset', ['-c', opts.cpus, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
      : spawn(args[0] as string, args.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  const log = opts.log;
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    stderrTail = (stderrTail + s).slice(-4000);
    for (const line of s.split('\n')) {
      if (!line.trim()) continue;
      // The child's warnings (e.g. keys accepted without effect) reach the user; the rest is debug.
      if (/^(warning|error): /.test(line)) log.warn(`simulator: ${line.replace(/^(warning|error): /, '')}`);
      else log.debug(`sim[${child.pid}]: ${line}`);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The child's READY_LINE: its own /health/ready said 200 (child.ts), so this process need not ask.
  let sawReady = false;
  let onReadyLine: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (onReadyLine = resolve));
  let buf = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its URL in time'), opts.readyTimeoutMs ?? 30_000);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new LlmdbenchError('E_SIM_START', `the embedded simulator ${why}`, { kind: 'environment', details: stderrTail.trim().split('\n').slice(-10) }));
    }
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => {
      buf += s;
      const m = /llmdbench sim listening on (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
      if (!sawReady && buf.includes(`\n${READY_LINE}\n`)) {
        sawReady = true;
        onReadyLine();
      }
    });
    void exited.then((code) => fail(`exited with code ${code}`));
  });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  // Usually ready at the first ask; a start-up log's phases take their configured time: asked
  // again after 2, 4, 8 ... ms, at most every 50 ms (a coarse fixed poll added up to 50 ms).
  // The child's ready line, when it comes first, ends the polling.
  const polled = async (): Promise<void> => {
    for (let waitMs = 2; !sawReady && (await getStatus(`${url}/health/ready`)) !== 200; waitMs = Math.min(50, waitMs * 2)) {
      if (sawReady) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new LlmdbenchError('E_SIM_START', 'the embedded simulator did not become ready in time', { kind: 'environment' });
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  };
  if (!sawReady) await Promise.race([readyLine, polled()]);
  sawReady = true;
  log.debug(`embedded simulator (pid ${child.pid}) ready at ${url}`);
  let stopping: Promise<void> | undefined;
  void exited.then((code) => {
    if (!stopping) log.warn(`the embedded simulator (pid ${child.pid}) exited unexpectedly (code ${code})${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  });
  return {
    url,
    pid: child.pid ?? -1,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
