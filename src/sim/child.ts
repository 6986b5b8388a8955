/**
 * Entry of the simulator's child processes (started through child-bootstrap.js):
 * - the embedded simulator's child (embedded.ts): sources come as JSON in
 *   LLMDBENCH_SIM_SOURCES; prints one line "llmdbench sim listening on <url>", then
 *   "llmdbench sim ready" once its own /health/ready said 200 (asked once: ready.ts),
 *   and serves until SIGTERM, SIGINT or the parent's IPC channel closes; with `--standby`
 *   (standby.ts) it boots first and gets the sources as an IPC message;
 * - a shard of a `workers` > 1 simulator (a node:cluster worker, cluster.ts):
 *   LLMDBENCH_SIM_SHARD is "index/count"; it serves until SIGTERM, SIGINT or
 *   the primary's IPC channel closes (the primary died), and prints nothing.
 */
import cluster from 'node:cluster';
import { formatError, isLlmdbenchError } from '../util/errors.ts';
import { createLogger, type LogLevel } from '../util/logger.ts';
import { runSimulator, serveSimulator, type SimSources } from './run.ts';
import { STANDBY_ARG } from './standby.ts';
import { healthReady, READY_LINE } from './ready.ts';

const shardEnv = cluster.isWorker ? /^(\d+)\/(\d+)$/.exec(process.env['LLMDBENCH_SIM_SHARD'] ?? '') : null;
const shard = shardEnv ? { index: Number(shardEnv[1]), count: Number(shardEnv[2]) } : undefined;
const level = (process.env['LLMDBENCH_SIM_LOG_LEVEL'] as LogLevel | undefined) ?? 'info';
// Shards after the first say only what goes wrong (the first one's notes stand for all).
const log = createLogger(shard && shard.index > 0 && (level === 'debug' || level === 'info') ? 'warn' : level);
/**
 * Standby (standby.ts): the sources come over IPC once the parent's plan is ready; meanwhile the
 * tokenizer module is loaded, so only the configuration, the tokenizer's file and listen remain.
 */
function sourcesFromParent(): Promise<SimSources> {
  return new Promise((resolve) => {
    // The parent went before adopting this child: nothing to serve.
    const gone = (): void => process.exit(0);
    process.once('disconnect', gone);
    process.on('message', function onMessage(m: unknown) {
      const msg = m as { type?: string; sources?: SimSources } | null;
      if (msg?.type !== 'sources') return;
      process.off('message', onMessage);
      process.off('disconnect', gone);
      resolve(msg.sources ?? {});
    });
    void preloadTokenizer(process.argv[process.argv.indexOf(STANDBY_ARG) + 1]).catch(() => {});
  });
}

/**
 * The tokenizer module, and the hinted model's tokenizer when it is local (loadSimTokenizer's own
 * rule), into the process-wide cache: a wrong hint only costs this idle child's time.
 */
async function preloadTokenizer(model: string | undefined): Promise<void> {
  const { loadTokenizer, findInHubCache, hubCacheDir, isLlama3Family } = await import('../engine/tokenizer/index.ts');
  if (!model || !(isLlama3Family(model) || findInHubCache(model, hubCacheDir()) !== undefined)) return;
  await loadTokenizer({ model, log: createLogger('silent') });
}

try {
  const src = !shard && process.argv.includes(STANDBY_ARG) ? await sourcesFromParent() : (JSON.parse(process.env['LLMDBENCH_SIM_SOURCES'] ?? '{}') as SimSources);
  const server = shard ? await runSimulator(src, log, shard) : await serveSimulator(src, log);
  if (!shard) {
    process.stdout.write(`llmdbench sim listening on ${server.url}\n`);
    // The parent (embedded.ts) waits for /health/ready: asked once here first, by this otherwise idle
    // process, so a parent still busy when the answer is yes (the usual case) need not ask itself.
    void healthReady(server.url).then((yes) => yes && process.stdout.write(`${READY_LINE}\n`));
  }
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
