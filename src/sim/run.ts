/**
 * Starting a simulator from configuration sources: shared by `llmdbench sim`
 * and the embedded child process.
 */
import type { Logger } from '../util/logger.ts';
import { KEY_BY_NAME } from './keys.ts';
import { buildWithKeys } from './sources.ts';
import { startSimServer, type SimServer } from './server.ts';
import { loadSimTokenizer, RegexTokenizer } from './tokenizer.ts';
import { OffLoopTokenizer } from './offloop.ts';
import { loadChatTemplate } from './chat-template.ts';
import { lowerHelperThreads } from './threads.ts';
import type { ShardInfo } from './shards.ts';
import type { SimService, SimSources } from './service.ts';

export type { SimSources, SimService } from './service.ts';
export { buildSimConfig, presetValues } from './sources.ts';

/**
 * The simulator as `llmdbench sim` and the embedded child start it: in this process, or with
 * `workers` > 1 as this process (the primary: accepts connections, hands them round-robin to the
 * shards, relays between shards) plus N shard processes.
 */
export async function serveSimulator(src: SimSources, log: Logger): Promise<SimService> {
  const { config } = buildWithKeys(src);
  if (config.workers > 1) {
    const { startCluster } = await import('./cluster.ts');
    return startCluster(src, config, log);
  }
  const server = await runSimulator(src, log);
  return { url: server.url, port: server.port, workers: 1, failed: new Promise<Error>(() => {}), close: () => server.close() };
}

/** One simulator server in this process; with `shard`, one shard of a `workers` > 1 simulator. */
export async function runSimulator(src: SimSources, log: Logger, shard?: ShardInfo): Promise<SimServer> {
  const { config, explicit } = buildWithKeys(src);
  const ignored = explicit.filter((k) => KEY_BY_NAME.get(k)?.effect === 'ignored');
  if (ignored.length > 0 && !shard?.index) log.warn(`sim: accepted for compatibility but without effect here: ${ignored.join(', ')}`);
  const { tokenizer, note } = await loadSimTokenizer(config.model, config.tokenizer, config.forceDummyTokenizer);
  log.info(`sim: ${note}`);
  // A model tokenizer (BPE) is slow on long prompts: those go to a worker thread. The regex one is cheap.
  const offLoop = tokenizer instanceof RegexTokenizer ? undefined : new OffLoopTokenizer(config.model, config.tokenizer, config.forceDummyTokenizer);
  const chatTemplate = loadChatTemplate(tokenizer);
  log.info(`sim: chat prompts: ${chatTemplate ? `the model's chat template (${chatTemplate.source})` : "llm-d-inference-sim's \"### role: content\" rendering (no chat template for this tokenizer)"}`);
  try {
    const server = await startSimServer(config, { log, tokenizer, ...(offLoop ? { offLoop } : {}), ...(chatTemplate ? { chatTemplate } : {}), ...(shard ? { shard } : {}) });
    // Listening first: the worker's copy of the tokenizer then does not delay readiness (start-up
    // CPU is shared with the client on small machines); until it is ready, prompts are tokenized inline.
    offLoop?.start();
    // Every thread is up by now (V8's helpers, the tokenizer thread): below the main thread (threads.ts).
    lowerHelperThreads();
    return server;
  } catch (e) {
    // A busy port: stop the tokenizer worker too, so the process exits at once.
    await offLoop?.close();
    throw e;
  }
}
