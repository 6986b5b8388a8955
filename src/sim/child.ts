/**
 * Entry of the simulator's child processes (started through child-bootstrap.js):
 * - the embedded simulator's child (embedded.ts): sources come as JSON in
 *   LLMDBENCH_SIM_SOURCES; prints one line "llmdbench sim listening on <url>"
 *   and serves until SIGTERM, SIGINT or the parent's IPC channel closes;
 * - a shard of a `workers` > 1 simulator (a node:cluster worker, cluster.ts):
 *   LLMDBENCH_SIM_SHARD is "index/count"; it serves until SIGTERM, SIGINT or
 *   the primary's IPC channel closes (the primary died), and prints nothing.
 */
import cluster from 'node:cluster';
import { formatError, isLlmdbenchError } from '../util/errors.ts';
import { createLogger, type LogLevel } from '../util/logger.ts';
import { runSimulator, serveSimulator, type SimSources } from './run.ts';

const shardEnv = cluster.isWorker ? /^(\d+)\/(\d+)$/.exec(process.env['LLMDBENCH_SIM_SHARD'] ?? '') : null;
const shard = shardEnv ? { index: Number(shardEnv[1]), count: Number(shardEnv[2]) } : undefined;
const level = (process.env['LLMDBENCH_SIM_LOG_LEVEL'] as LogLevel | undefined) ?? 'info';
// Shards after the first say only what goes wrong (the first one's notes stand for all).
const log = createLogger(shard && shard.index > 0 && (level === 'debug' || level === 'info') ? 'warn' : level);
try {
  const src = JSON.parse(process.env['LLMDBENCH_SIM_SOURCES'] ?? '{}') as SimSources;
  const server = shard ? await runSimulator(src, log, shard) : await serveSimulator(src, log);
  if (!shard) process.stdout.write(`llmdbench sim listening on ${server.url}\n`);
  let closing = false;
  const shutdown = (code = 0): void => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 2000).unref();
  };
  process.on('SIGTERM', () => shutdown());
  process.on('SIGINT', () => shutdown());
  process.on('disconnect', () => shutdown());
  if ('failed' in server) {
    void server.failed.then((e) => {
      log.error(e.message);
      shutdown(3);
    });
  }
} catch (e) {
  process.stderr.write(`${isLlmdbenchError(e) ? formatError(e) : String(e)}\n`);
  process.exit(isLlmdbenchError(e) && e.kind === 'usage' ? 2 : 3);
}
