/**
 * The ground-truth server (truth-server.ts) in a child process, so a test's
 * client and the server do not share one event loop (a fair comparison with an
 * external client such as curl). The child reports its URL, and on request the
 * per-request log; stop() ends it. Same monotonic clock in both processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TruthBehaviour, TruthRequestLog } from './truth-server.ts';

export interface TruthChild {
  url: string;
  /** The server's log so far (the request body and headers are left out). */
  log(): Promise<Map<string, Pick<TruthRequestLog, 'receivedAtMs' | 'chunkWriteMs' | 'endWriteMs'>>>;
  stop(): Promise<void>;
}

type Entry = Pick<TruthRequestLog, 'receivedAtMs' | 'chunkWriteMs' | 'endWriteMs'>;

export async function startTruthChild(defaults: Partial<TruthBehaviour>): Promise<TruthChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--truth-child', JSON.stringify(defaults)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`truth child exited with ${code}`)));
  });
  return {
    url,
    log: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(new Map(Object.entries((m as { log: Record<string, Entry> }).log))));
        child.send('log');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

if (process.argv[2] === '--truth-child') {
  const { startTruthServer } = await import('./truth-server.ts');
  const server = await startTruthServer(JSON.parse(process.argv[3] ?? '{}') as Partial<TruthBehaviour>);
  process.on('message', (m) => {
    if (m === 'log') {
      const out: Record<string, Entry> = {};
      for (const [id, e] of server.log) out[id] = { receivedAtMs: e.receivedAtMs, chunkWriteMs: e.chunkWriteMs, ...(e.endWriteMs !== undefined ? { endWriteMs: e.endWriteMs } : {}) };
      process.send!({ log: out });
    } else if (m === 'stop') void server.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  process.send!({ url: server.url });
}
