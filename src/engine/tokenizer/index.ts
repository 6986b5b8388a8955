import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { isLlmdbenchError } from '../../util/errors.ts';
import { createLogger, type Logger } from '../../util/logger.ts';
import { downloadFromHub } from './download.ts';
import { checkModelId, findInHubCache, hubCacheDir, resolveLocalPath } from './hf-cache.ts';
import { buildCore, HfTokenizer, type HfCoreBundle, type LoadedTokenizer, type TokenizerSource } from './hf.ts';
import { isLlama3Family, llama3Variant, patchLlama31Names, patchShippedPostProcessor, SHIPPED_NAME, shippedTokenizerFile } from './shipped.ts';

export type { Tokenizer } from './types.ts';
export type { LoadedTokenizer, TokenizerSource } from './hf.ts';
export { HfTokenizer } from './hf.ts';
export { hubCacheDir, findInHubCache, repoFolderName } from './hf-cache.ts';
export { isLlama3Family, shippedTokenizerFile } from './shipped.ts';

export interface LoadTokenizerOptions {
  /** HF model id (`org/name`), e.g. the profile's `tokenizer.pretrained_model_name_or_path` or the served model. */
  model?: string;
  /** Explicit local tokenizer.json, or a directory holding one. Wins over everything else. */
  path?: string;
  /** Hub cache directory (the `hub` folder). Default: $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Try the hub when the cache has no copy. Off by default: runs are offline. */
  allowDownload?: boolean;
  /** HF_HUB_OFFLINE=1 (read in src/config, passed down): never download. */
  offline?: boolean;
  /** HF token for gated models (never logged). Default $HF_TOKEN. */
  hfToken?: string;
  /** Hub base URL (tests point it at a loopback server). Default https://huggingface.co (HF_ENDPOINT is read in src/config/runtime-env.ts and passed here). */
  hubEndpoint?: string;
  revision?: string;
  log: Logger;
}

const cores = new Map<string, HfCoreBundle>();
const built = new Map<string, LoadedTokenizer>();

function build(file: string, name: string, exact: boolean, source: TokenizerSource): LoadedTokenizer {
  const key = `${file}\0${name}\0${exact}\0${source}`;
  const hit = built.get(key);
  if (hit) return hit;
  const variant = source === 'shipped' ? llama3Variant(name) : undefined;
  const coreKey = `${variant ?? 'file'}\0${file}`;
  let bundle = cores.get(coreKey);
  if (!bundle) {
    bundle = buildCore(
      file,
      variant
        ? (json) => {
            patchShippedPostProcessor(json);
            if (variant === '3.1') patchLlama31Names(json);
          }
        : undefined,
      variant ? `shipped-llama-${variant}` : 'file',
    );
    cores.set(coreKey, bundle);
  }
  const t = new HfTokenizer({ name, exact, source, file, bundle });
  built.set(key, t);
  return t;
}

/** The shipped Llama-3 tokenizer (sync; exact only for Llama-3 family models). */
export function loadShippedTokenizer(model?: string): LoadedTokenizer {
  const exact = isLlama3Family(model);
  return build(shippedTokenizerFile(), exact && model ? model : SHIPPED_NAME, exact, 'shipped');
}

function looksLikePath(s: string): boolean {
  return isAbsolute(s) || s.startsWith('./') || s.startsWith('../') || s.endsWith('.json') || (existsSync(s) && !s.includes('..'));
}

/**
 * Load the tokenizer for a model. Sources, in order:
 *  1. `path` (or a `model` that is a local path): must exist, else an error;
 *  2. the Hugging Face cache layout;
 *  3. the hub, only with `allowDownload` (saved into the cache layout);
 *  4. the shipped Llama-3 tokenizer: exact for Llama-3 family models, otherwise
 *     `exact: false` with a warning that token counts are approximate.
 * Loaded tokenizers are cached per file, so repeated calls are free.
 */
export async function loadTokenizer(opts: LoadTokenizerOptions | string): Promise<LoadedTokenizer> {
  // a bare string is a model id or a local path (warnings still reach stderr)
  const o: LoadTokenizerOptions = typeof opts === 'string' ? { model: opts, log: createLogger('warn') } : opts;
  if (o.path) return build(resolveLocalPath(o.path), o.model ?? o.path, true, 'path');
  const model = o.model;
  const tried: string[] = [];
  if (model && looksLikePath(model)) {
    // a served model given as a path (vLLM allows it): use it when it is here too
    if (existsSync(model)) return build(resolveLocalPath(model), model, true, 'path');
    tried.push(`local path ${model} (not on this machine)`);
  } else if (model) {
    checkModelId(model);
    const hub = hubCacheDir(o.cacheDir);
    const cached = findInHubCache(model, hub, o.revision);
    if (cached) {
      o.log.debug(`tokenizer for ${model}: ${cached}`);
      return build(cached, model, true, 'hf-cache');
    }
    tried.push(`HF cache ${hub}`);
    if (o.allowDownload && o.offline !== true) {
      try {
        const file = await downloadFromHub({
          model,
          hubDir: hub,
          endpoint: o.hubEndpoint,
          revision: o.revision,
          hfToken: o.hfToken,
        });
        o.log.info(`downloaded the tokenizer of ${model} to ${file}`);
        return build(file, model, true, 'download');
      } catch (e) {
        if (!isLlmdbenchError(e)) throw e;
        tried.push(`hub download (${e.message}${e.hint ? `; ${e.hint}` : ''})`);
      }
    } else {
      tried.push(o.allowDownload ? 'hub download (HF_HUB_OFFLINE=1)' : 'hub download (not allowed)');
    }
  }
  const t = loadShippedTokenizer(model);
  if (!t.exact) {
    o.log.warn(
      `no tokenizer for ${model ?? '(no model given)'}${tried.length ? ` (tried: ${tried.join('; ')})` : ''}; ` +
        'using the shipped Llama-3 tokenizer: client token counts are approximate (server usage stays the ground truth)',
    );
  }
  return t;
}

/** Drop cached tokenizers (tests). */
export function clearTokenizerCache(): void {
  built.clear();
  cores.clear();
}
