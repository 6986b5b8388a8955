/**
 * The nop harness run: no load. Reads the vLLM log (from --vllm-log, else the log the platform
 * knows: the embedded simulator's start-up log, later the Kubernetes pod's), parses the
 * load-time metrics and phases, exercises sleep/wake when sleep mode is on (then reads the log
 * again), writes upstream's files and prints our summary. A log that lacks lines gives partial
 * results with warnings and the run still succeeds: what was missing is in the files.
 */
import { LlmdbenchError } from '../../util/errors.ts';
import type { HarnessLoad, HarnessPreflightContext, HarnessRunContext } from '../types.ts';
import { categorize } from './categories.ts';
import { splitLog } from './log-lines.ts';
import type { NopRunResult } from './outputs/model.ts';
import { summaryText } from './outputs/summary.ts';
import { writeNopOutputs } from './outputs/write.ts';
import { parseLog } from './parse.ts';
import { checkLogFile, sourceFromSpec, type VllmLogSource } from './sources.ts';
import { toLoadFormat, type ParsedLog } from './types.ts';
import { servedModel, serverVersion, sleepAndWake } from './vllm-api.ts';

export const VLLM_LOG_VAR = 'LLMDBENCH_HARNESS_NOP_VLLM_LOG';

/** Before anything starts: a named log file must exist; a user endpoint needs a log source. */
export function preflightNop(ctx: HarnessPreflightContext): void {
  const spec = ctx.config.get(VLLM_LOG_VAR);
  if (spec && spec !== '-' && !/^https?:\/\//i.test(spec)) checkLogFile(spec);
  if (!spec && !ctx.serverLogSupplied && ctx.config.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL')) {
    throw new LlmdbenchError('E_NOP_LOG', 'the nop harness needs the vLLM server log of the stack it measures', {
      hint: 'pass --vllm-log FILE, --vllm-log http://…/log, or --vllm-log - (stdin); on Kubernetes (--executor kubernetes) the launcher pod reads the vLLM pod\'s log',
    });
  }
}

function chooseSource(ctx: HarnessRunContext): VllmLogSource {
  const spec = ctx.config.get(VLLM_LOG_VAR);
  if (spec) return sourceFromSpec(spec);
  if (ctx.serverLog) return ctx.serverLog;
  throw new LlmdbenchError('E_NOP_LOG', `no vLLM log to analyse for ${ctx.endpointUrl}`, { hint: 'pass --vllm-log FILE|URL|-; on Kubernetes the vLLM pod behind the endpoint must be found (service -> deployment -> pod, see docs/nop.md)' });
}

async function readLog(src: VllmLogSource, notes: string[], signal: AbortSignal): Promise<Buffer> {
  try {
    return await src.read(signal);
  } catch (e) {
    notes.push(`could not read the vLLM log from ${src.description}: ${(e as Error).message}`);
    return Buffer.alloc(0);
  }
}

const hasSleepWake = (p: ParsedLog): boolean => p.metrics.sleep?.timeS !== undefined && p.metrics.wakeS !== undefined;

/**
 * No stages: the shared glue runs no engine and calls writeOutputs, where nop does its "load"
 * (read the log, sleep/wake) and writes its files. The source is chosen here, before anything.
 */
export function prepareNop(ctx: HarnessRunContext): Promise<HarnessLoad> {
  const src = chooseSource(ctx);
  return Promise.resolve({ stages: [], writeOutputs: () => measureNop(ctx, src) });
}

async function measureNop(ctx: HarnessRunContext, src: VllmLogSource): Promise<string[]> {
  const startS = Date.now() / 1000;
  const notes: string[] = [];
  const servedByEndpoint = await servedModel(ctx.endpointUrl);
  const apiVersion = await serverVersion(ctx.endpointUrl);
  let log = await readLog(src, notes, ctx.signal);
  let parsed = parseLog(splitLog(log.toString('utf8')));
  const sleepMode = parsed.sleepMode ?? ctx.config.get('LLMDBENCH_VLLM_COMMON_ENABLE_SLEEP_MODE') === 'true';
  let sleepWakeSent = false;
  if (sleepMode && !hasSleepWake(parsed) && !ctx.signal.aborted) {
    if (!src.rereadable) notes.push(`sleep mode is on but the log from ${src.description} cannot be read again: sleep and wake not measured`);
    else {
      try {
        ctx.log.info(`nop: sleep mode on: POST ${ctx.endpointUrl}/sleep?level=1, then /wake_up`);
        await sleepAndWake(ctx.endpointUrl, { signal: ctx.signal });
        sleepWakeSent = true;
        log = await readLog(src, notes, ctx.signal);
        parsed = parseLog(splitLog(log.toString('utf8')));
      } catch (e) {
        notes.push(`sleep/wake against ${ctx.endpointUrl} failed: ${(e as Error).message}`);
      }
    }
  }
  // A log named with --vllm-log may come from another server than the endpoint: its own model wins.
  const logModel = typeof parsed.args?.['model'] === 'string' ? parsed.args['model'] : undefined;
  const model = (ctx.config.get(VLLM_LOG_VAR) ? logModel : undefined) ?? servedByEndpoint ?? logModel ?? ctx.model;
  const lines = splitLog(log.toString('utf8'));
  const categorized = categorize(lines, model);
  let loadFormat = parsed.loadFormat;
  if (loadFormat === 'unknown') {
    loadFormat = toLoadFormat(ctx.config.get('LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT'));
    notes.push(`the log names no load format: ${loadFormat} from LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT`);
  }
  if (log.length === 0) notes.push('the vLLM log is empty: every metric and phase is missing');
  const result: NopRunResult = {
    model,
    loadFormat,
    sleepMode,
    gpus: parsed.gpus,
    engines: [
      {
        name: 'vLLM Standalone',
        engine: { name: 'vllm', version: apiVersion ?? parsed.version ?? '', args: parsed.args ?? {} },
        parsed,
        categorized,
        log,
        source: src.description,
        sleepWakeSent,
      },
    ],
    startS,
    stopS: Date.now() / 1000,
    notes,
  };
  const files = writeNopOutputs(ctx.resultsDir, result);
  for (const line of summaryText(result).trimEnd().split('\n')) ctx.log.info(line);
  return files;
}
