import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { undici } from '../../util/undici.ts';
import { LlmdbenchError } from '../../util/errors.ts';

/** The file name a dataset URL is saved under (last path segment, no query). */
export function datasetFileName(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LlmdbenchError('E_DATASET_URL', `"${url}" is not a URL`, { hint: 'give -x an http(s) URL of the dataset file' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new LlmdbenchError('E_DATASET_URL', `unsupported URL scheme ${u.protocol} in ${url}`, { hint: 'use http or https' });
  }
  const name = basename(decodeURIComponent(u.pathname));
  if (!name || name === '/' || name === '.' || name === '..') {
    throw new LlmdbenchError('E_DATASET_URL', `cannot derive a file name from ${url}`, { hint: 'the URL must end in the file name' });
  }
  return name;
}

/**
 * `-x URL`: download a dataset into `dir` once (skipped when the file already
 * exists). Follows redirects (up to 5), writes to a temporary file and renames,
 * so an interrupted download never leaves a partial dataset. Returns the path
 * and whether it was downloaded.
 */
export async function fetchDatasetOnce(
  url: string,
  dir: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ file: string; downloaded: boolean }> {
  const file = join(dir, datasetFileName(url));
  if (existsSync(file)) return { file, downloaded: false };
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.part-${process.pid}`;
  let target = url;
  try {
    for (let hop = 0; ; hop++) {
      const res = await undici().request(target, {
        method: 'GET',
        headers: { 'user-agent': 'llmdbench', ...opts.headers },
        headersTimeout: opts.timeoutMs ?? 60_000,
        bodyTimeout: opts.timeoutMs ?? 300_000,
      });
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && hop < 5) {
        await res.body.dump();
        target = new URL(String(res.headers.location), target).toString();
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new LlmdbenchError('E_DATASET_FETCH', `downloading ${url} failed: HTTP ${res.statusCode}`, {
          kind: 'environment',
          hint: 'check the URL (and credentials for private datasets), or put the file into the dataset directory yourself',
        });
      }
      await pipeline(res.body, createWriteStream(tmp));
      break;
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof LlmdbenchError) throw e;
    throw new LlmdbenchError('E_DATASET_FETCH', `downloading ${url} failed: ${(e as Error).message}`, {
      kind: 'environment',
      cause: e,
      hint: `download it by other means into ${dir}`,
    });
  }
  return { file, downloaded: true };
}
