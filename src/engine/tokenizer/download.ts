import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmdbenchError } from '../../util/errors.ts';
import { repoFolderName } from './hf-cache.ts';

export interface HubDownloadOptions {
  model: string;
  hubDir: string;
  /** Hub base URL; default https://huggingface.co (callers pass HF_ENDPOINT from src/config/runtime-env.ts). */
  endpoint?: string;
  revision?: string;
  /** Sent as a bearer token; never logged or written anywhere. */
  hfToken?: string;
  timeoutMs?: number;
}

async function getFile(url: string, token: string | undefined, timeoutMs: number): Promise<{ status: number; body?: Buffer; commit?: string }> {
  const headers: Record<string, string> = { 'user-agent': 'llmdbench' };
  if (token) headers.authorization = `Bearer ${token}`;
  // undici only when downloading: every run loads this module, few download (its import costs ~0.1 s)
  const { fetch } = await import('undici');
  const res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const body = Buffer.from(await res.arrayBuffer());
  return { status: 200, body, commit: res.headers.get('x-repo-commit') ?? undefined };
}

function writeAtomic(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/**
 * Download tokenizer.json (and tokenizer_config.json when present) from the
 * hub into the HF cache layout (`snapshots/<commit>/`, `refs/<revision>`), so
 * later runs (and Python tools) find it offline. Returns the tokenizer.json path.
 */
export async function downloadFromHub(o: HubDownloadOptions): Promise<string> {
  const endpoint = (o.endpoint ?? 'https://huggingface.co').replace(/\/+$/, '');
  const revision = o.revision ?? 'main';
  const timeoutMs = o.timeoutMs ?? 30_000;
  const base = `${endpoint}/${o.model}/resolve/${encodeURIComponent(revision)}`;
  let tok;
  try {
    tok = await getFile(`${base}/tokenizer.json`, o.hfToken, timeoutMs);
  } catch (e) {
    throw new LlmdbenchError('E_TOKENIZER_DOWNLOAD', `cannot reach the Hugging Face hub at ${endpoint}: ${(e as Error).message}`, {
      kind: 'environment',
      cause: e,
      hint: 'work offline: put the tokenizer in the HF cache or pass a local tokenizer.json path',
    });
  }
  if (tok.status !== 200 || !tok.body) {
    const gated = tok.status === 401 || tok.status === 403;
    throw new LlmdbenchError('E_TOKENIZER_DOWNLOAD', `downloading the tokenizer of ${o.model} failed: HTTP ${tok.status}`, {
      kind: 'environment',
      hint: gated
        ? `${o.model} may be gated: set HF_TOKEN to a token that has access${o.hfToken ? ' (the token given was refused)' : ''}`
        : 'check the model id, or pass a local tokenizer.json path',
    });
  }
  const commit = tok.commit && /^[0-9a-f]{7,64}$/i.test(tok.commit) ? tok.commit : revision;
  const repo = join(o.hubDir, repoFolderName(o.model));
  const snap = join(repo, 'snapshots', commit);
  mkdirSync(snap, { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  const file = join(snap, 'tokenizer.json');
  writeAtomic(file, tok.body);
  try {
    const cfg = await getFile(`${base}/tokenizer_config.json`, o.hfToken, timeoutMs);
    if (cfg.status === 200 && cfg.body) writeAtomic(join(snap, 'tokenizer_config.json'), cfg.body);
  } catch {
    // optional file
  }
  if (commit !== revision) writeAtomic(join(repo, 'refs', revision), commit);
  return file;
}
