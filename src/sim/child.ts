/**
 * Entry of the embedded simulator's child process (started by embedded.ts
 * through child-bootstrap.js). Sources come as JSON in LLMDBENCH_SIM_SOURCES;
 * prints one line "llmdbench sim listening on <url>" and serves until SIGTERM,
 * SIGINT or the parent's IPC channel closes.
 */
import { formatError, isLlmdbenchError } from '../util/errors.ts';
import { createLogger } from '../util/logger.ts';
import { runSimulator, type SimSources } from './run.ts';

const log = createLogger((process.env['LLMDBENCH_SIM_LOG_LEVEL'] as 'info' | undefined) ?? 'info');
try {
  const src = JSON.parse(process.env['LLMDBENCH_SIM_SOURCES'] ?? '{}') as SimSources;
  const server = await runSimulator(src, log);
  process.stdout.write(`llmdbench sim listening on ${server.url}\n`);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
} catch (e) {
  process.stderr.write(`${isLlmdbenchError(e) ? formatError(e) : String(e)}\n`);
  process.exit(isLlmdbenchError(e) && e.kind === 'usage' ? 2 : 3);
}
