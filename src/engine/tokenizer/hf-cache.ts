import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LlmdbenchError } from '../../util/errors.ts';

/**
 * The Hugging Face hub cache directory, as huggingface_hub resolves it:
 * $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
 * `cacheDir` (an explicit option) wins and names the hub cache directory itself.
 */
export function hubCacheDir(cacheDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (cacheDir) return cacheDir;
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  const xdg = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(xdg, 'huggingface', 'hub');
}

/** `org/name` → `models--org--name` (the cache's repo folder). */
export function repoFolderName(model: string): string {
  return `models--${model.split('/').join('--')}`;
}

/** Reject model ids that could escape the cache directory. */
export function checkModelId(model: string): void {
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(model) || model.includes('..')) {
    throw new LlmdbenchError('E_TOKENIZER_MODEL_ID', `"${model}" is not a Hugging Face model id (org/name)`, {
      hint: 'use an id such as meta-llama/Llama-3.1-8B-Instruct, or a local path to tokenizer.json',
    });
  }
}

/**
 * Find `tokenizer.json` for `model` in the hub cache layout:
 * `<hub>/models--<org>--<name>/snapshots/<rev>/tokenizer.json`. Prefers the
 * snapshot `refs/<revision>` points at, else the newest snapshot that has one.
 */
export function findInHubCache(model: string, hubDir: string, revision = 'main'): string | undefined {
  const repo = join(hubDir, repoFolderName(model));
  const snaps = join(repo, 'snapshots');
  if (!existsSync(snaps)) return undefined;
  try {
    const ref = readFileSync(join(repo, 'refs', revision), 'utf8').trim();
    const f = join(snaps, ref, 'tokenizer.json');
    if (ref && existsSync(f)) return f;
  } catch {
    // no ref file: fall through to scanning
  }
  // a revision given as a commit hash names its snapshot directly
  const direct = join(snaps, revision, 'tokenizer.json');
  if (existsSync(direct)) return direct;
  let best: { f: string; mtime: number } | undefined;
  for (const rev of readdirSync(snaps)) {
    const f = join(snaps, rev, 'tokenizer.json');
    if (!existsSync(f)) continue;
    const mtime = statSync(f).mtimeMs;
    if (!best || mtime > best.mtime) best = { f, mtime };
  }
  return best?.f;
}

/** A local path: a tokenizer.json file, or a directory that holds one. */
export function resolveLocalPath(path: string): string {
  if (!existsSync(path)) {
    throw new LlmdbenchError('E_TOKENIZER_NOT_FOUND', `tokenizer path ${path} does not exist`, {
      kind: 'environment',
      location: { file: path },
      hint: 'give a tokenizer.json file or a model directory containing tokenizer.json',
    });
  }
  if (statSync(path).isDirectory()) {
    const f = join(path, 'tokenizer.json');
    if (!existsSync(f)) {
      throw new LlmdbenchError('E_TOKENIZER_NOT_FOUND', `no tokenizer.json in directory ${path}`, {
        kind: 'environment',
        location: { file: path },
        hint: 'only Hugging Face "fast" tokenizers (tokenizer.json) are supported; convert a sentencepiece model with transformers first',
      });
    }
    return f;
  }
  return path;
}
