/**
 * A harness's tokenizer for a model name, with the run's hub settings (HF token, offline,
 * endpoint from ctx.env): the HF cache, the hub only with a token and not offline, else the
 * shipped tokenizer with a warning (src/engine/tokenizer). For harnesses whose profile names
 * the tokenizer by model (vllm bench `--tokenizer`, fmperf's model).
 */
import { loadTokenizer, type LoadedTokenizer } from '../../engine/tokenizer/index.ts';
import type { HarnessRunContext } from '../types.ts';

export async function openModelTokenizer(model: string, ctx: Pick<HarnessRunContext, 'config' | 'env' | 'log'>): Promise<LoadedTokenizer> {
  const hfToken = ctx.env.hfToken ?? ctx.config.get('LLMDBENCH_HF_TOKEN');
  return loadTokenizer({
    model,
    log: ctx.log,
    allowDownload: Boolean(hfToken) && !ctx.env.hfHubOffline,
    offline: ctx.env.hfHubOffline,
    ...(ctx.env.hfEndpoint ? { hubEndpoint: ctx.env.hfEndpoint } : {}),
    ...(hfToken ? { hfToken } : {}),
  });
}
