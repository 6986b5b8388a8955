/**
 * `workers` > 1: the simulator sharded over N processes, each with its own
 * event loop and clock (ticker.ts), so one core's worth of socket writes no
 * longer bounds the streams a simulator keeps on time. Node 20 has no
 * SO_REUSEPORT listen, so node:cluster's round-robin is used: this process (the
 * primary) accepts every connection and hands it to the next shard; a keep-alive
 * connection then stays on its shard. The primary also relays the shards'
 * questions to each other (shards.ts: /metrics totals, /admin/config, sleep,
 * traces) and stops them all: on close(), and — each shard exits when its IPC
 * channel closes — when the primary itself dies.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { SimConfig } from './config.ts';
import type { SimService, SimSources } from './service.ts';
import { isShardMsg, TAG, type GatheredMsg, type ShardMsg } from './shards.ts';

/** How long a shard may take to stop after SIGTERM before it is killed, ms. */
const STOP_GRACE_MS = 3000;

export async function startCluster(src: SimSources, config: SimConfig, log: Logger): Promise<SimService> {
  const n = config.workers;
  // Every shard resolves the same configuration: the seed chosen here (shards offset it by their index).
  const sources: SimSources = { ...src, overrides: { ...(src.overrides ?? {}), seed: config.seed } };
  cluster.schedulingPolicy = cluster.SCHED_RR;
  // The shards boot like the embedded child (compiled JavaScript or tsx), which sees cluster.isWorker.
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./child-bootstrap.js', import.meta.url)), args: [], execArgv: [] });
  const workers: Worker[] = [];
  let stopping = false;
  let up = false;
  let fail: (e: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => (fail = resolve));

  // Relay: an `ask` from one shard goes to every shard; their answers go back in shard order.
  let nextId = 1;
  const pending = new Map<number, { from: Worker; id: number; order: Worker[]; values: unknown[]; left: number }>();
  const onMessage = (from: Worker, m: ShardMsg): void => {
    if (m.t === 'ask') {
      const id = nextId++;
      const alive = workers.filter((w) => w.isConnected());
      pending.set(id, { from, id: m.id, order: alive, values: new Array<unknown>(alive.length).fill(null), left: alive.length });
      alive.forEach((w) => w.send({ ...m, id }));
    } else if (m.t === 'answer') {
      const p = pending.get(m.id);
      if (!p) return;
      p.values[Math.max(0, p.order.indexOf(from))] = m.value;
      if (--p.left > 0) return;
      pending.delete(m.id);
      if (p.from.isConnected()) p.from.send({ tag: TAG, t: 'gathered', id: p.id, values: p.values } satisfies GatheredMsg);
    }
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.process.exitCode !== null || w.process.signalCode !== null) return resolve();
            const killer = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
            w.process.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };

  const listening: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    const w = cluster.fork({ LLMDBENCH_SIM_SOURCES: JSON.stringify(sources), LLMDBENCH_SIM_SHARD: `${i}/${n}`, LLMDBENCH_SIM_LOG_LEVEL: log.level });
    workers.push(w);
    w.on('message', (m: unknown) => {
      if (isShardMsg(m)) onMessage(w, m);
    });
    listening.push(
      new Promise<number>((resolve, reject) => {
        w.once('listening', (a: { port: number }) => resolve(a.port));
        w.once('exit', (code, signal) => reject(new LlmdbenchError('E_SIM_WORKER', `simulator shard ${i + 1}/${n} exited (${signal ?? `code ${code}`}) before listening`, { kind: 'environment' })));
      }),
    );
    w.on('exit', (code, signal) => {
      if (stopping || !up) return;
      // A shard gone means a part of the connections would be refused: stop the rest, loudly.
      const e = new LlmdbenchError('E_SIM_WORKER', `simulator shard ${i + 1}/${n} (pid ${w.process.pid}) exited unexpectedly (${signal ?? `code ${code}`}); stopping the simulator`, { kind: 'environment' });
      void stopAll().then(() => fail(e));
    });
  }
  let port: number;
  try {
    const ports = await Promise.all(listening);
    port = ports[0] as number;
    up = true;
  } catch (e) {
    await stopAll();
    throw e;
  }
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  log.info(`sim: ${n} shards (pids ${workers.map((w) => w.process.pid).join(', ')}), connections round-robin`);
  return { url: `http://${hostForUrl}:${port}`, port, workers: n, failed, close: stopAll };
}
