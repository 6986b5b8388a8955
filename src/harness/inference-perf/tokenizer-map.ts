/**
 * inference-perf's `tokenizer:` section → our `loadTokenizer`. As inference-perf, without the
 * section the tokenizer of `server.model_name` is used (the client still needs one to build
 * prompts of exact lengths). Downloads from the hub only when HF_TOKEN is set (runs are
 * offline by default); otherwise the HF cache, else the shipped tokenizer with a warning.
 */
import { loadTokenizer, type LoadedTokenizer } from '../../engine/tokenizer/index.ts';
import type { HarnessRunContext } from '../types.ts';
import type { IpConfig } from './config-map.ts';

export async function openTokenizer(cfg: IpConfig, ctx: Pick<HarnessRunContext, 'model' | 'config' | 'env' | 'log'>): Promise<LoadedTokenizer> {
  const name = cfg.tokenizer?.pretrained_model_name_or_path ?? cfg.server.model_name ?? ctx.model;
  const hfToken = cfg.tokenizer?.token ?? ctx.env.hfToken ?? ctx.config.get('LLMDBENCH_HF_TOKEN');
  return loadTokenizer({
    model: name,
    log: ctx.log,
    allowDownload: Boolean(hfToken) && !ctx.env.hfHubOffline,
    offline: ctx.env.hfHubOffline,
    ...(ctx.env.hfEndpoint ? { hubEndpoint: ctx.env.hfEndpoint } : {}),
    ...(hfToken ? { hfToken } : {}),
  });
}
