/**
 * The endpoint a local run sends to: the user's (`--endpoint` /
 * LLMDBENCH_HARNESS_STACK_ENDPOINT_URL, a base URL without path), else our embedded
 * simulator (src/sim) started for the model being benchmarked and stopped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { normalizeEndpoint } from '../../config/checks.ts';
import { createLogger, type Logger } from '../../util/logger.ts';

export interface Target {
  url: string;
  /** The embedded simulator's vLLM-style start-up log, when asked for (`serverLog`). */
  logFile?: string;
  /** True when we started the embedded simulator (and must stop it). */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * `preset`: the simulator's latency preset (LLMDBENCH_SIM_PRESET, default the simulator's own
 * `realistic-small`; `instant` answers with no latency).
 */
/** The model ids an endpoint serves (`GET /v1/models`), or undefined when it does not say. */
export async function servedModels(url: string): Promise<string[] | undefined> {
  try {
    const { request } = await import('undici');
    const res = await request(`${url}/v1/models`, { method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 });
    const body = (await res.body.json()) as { data?: Array<{ id?: unknown }> };
    if (res.statusCode !== 200 || !Array.isArray(body.data)) return undefined;
    return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}

export interface TargetOptions {
  /** A harness reads the server log (nop): the embedded simulator writes its start-up log to a temporary file. */
  serverLog?: boolean;
  /** Further simulator keys (e.g. load-format, enable-sleep-mode from the LLMDBENCH_VLLM_COMMON_* variables). */
  simConfig?: Record<string, unknown>;
}

/**
 * Loads the model's tokenizer into the process-wide cache (engine/tokenizer keeps it per file), and
 * its prompt builder (kept per tokenizer), so the harness's own requests for them are free. Only when it is local (a path, the HF cache, the
 * shipped Llama-3 one): no download, no building of a fallback the harness may not want.
 */
async function warmTokenizer(model: string): Promise<void> {
  try {
    const { findInHubCache, hubCacheDir, isLlama3Family, loadTokenizer } = await import('../../engine/tokenizer/index.ts');
    if (!isAbsolute(model) && !isLlama3Family(model) && findInHubCache(model, hubCacheDir()) === undefined) return;
    const tokenizer = await loadTokenizer({ model, log: createLogger('silent') });
    // and the prompt builder's word pool (random and synthetic data), kept per tokenizer: read while
    // the simulator boots instead of after it is ready
    const { promptBuilder } = await import('../../engine/datagen/prompt.ts');
    promptBuilder(tokenizer);
  } catch {
    // the harness loads it again and reports any problem itself
  }
}

export async function openTarget(endpointUrl: string | undefined, model: string, log: Logger, preset?: string, opts: TargetOptions = {}): Promise<Target> {
  if (endpointUrl) return { url: normalizeEndpoint(endpointUrl), embedded: false, stop: async () => {} };
  const { startEmbeddedSimulator } = await import('../../sim/embedded.ts');
  const logDir = opts.serverLog ? mkdtempSync(join(tmpdir(), 'llmdbench-sim-log-')) : undefined;
  const logFile = logDir ? join(logDir, 'vllm.log') : undefined;
  const config = { ...(opts.simConfig ?? {}), ...(logFile ? { 'startup-log': logFile } : {}) };
  const starting = startEmbeddedSimulator({ model, log, ...(preset ? { preset } : {}), config });
  starting.catch(() => {}); // awaited below; not an unhandled rejection while the tokenizer loads
  // The child boots (and loads its tokenizer) on another core meanwhile: the first request then
  // does not wait for two tokenizer loads one after the other.
  await warmTokenizer(model);
  const sim = await starting;
  log.info(`embedded simulator serving ${model} at ${sim.url}${logFile ? ` (start-up log ${logFile})` : ''}`);
  let stopped = false;
  return {
    url: sim.url,
    ...(logFile ? { logFile } : {}),
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await sim.stop();
      if (logDir) rmSync(logDir, { recursive: true, force: true });
    },
  };
}
