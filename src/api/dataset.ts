/**
 * `-x`: the dataset a profile reads, put in place before the plan checks the data and before the
 * embedded simulator starts. A local path must exist (an error before anything starts); with
 * `fetch` an http(s) URL is downloaded into LLMDBENCH_RUN_DATASET_DIR once, a local file copied.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EffectiveConfig } from '../config/types.ts';
import { fetchDatasetOnce } from '../engine/datagen/index.ts';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';

const REMOTE = /^https?:\/\//i;

/** `-x` given as a local path (or file:// URL): the path, else undefined. */
function localDatasetPath(x: string): string | undefined {
  if (REMOTE.test(x)) return undefined;
  if (/^file:\/\//i.test(x)) return fileURLToPath(x);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(x)) return undefined; // another scheme: fetchDatasetOnce says it is unsupported
  return resolve(x);
}

/**
 * `-x`: a local path must exist (an error before anything starts). With `fetch`, the dataset is
 * put into LLMDBENCH_RUN_DATASET_DIR once: an http(s) URL is downloaded, a local file copied
 * (both skipped when the file is already there).
 */
export async function prepareDataset(config: EffectiveConfig, log: Logger, fetch: boolean): Promise<void> {
  const x = config.get('LLMDBENCH_RUN_DATASET_URL');
  if (!x) return;
  const local = localDatasetPath(x);
  if (local !== undefined) {
    if (!existsSync(local) || !statSync(local).isFile()) {
      throw new LlmdbenchError('E_DATASET_NOT_FOUND', `-x ${x}: no such file`, { kind: 'environment', hint: 'give -x an http(s) URL or the path of an existing dataset file' });
    }
  }
  if (!fetch) return;
  const dir = config.get('LLMDBENCH_RUN_DATASET_DIR');
  if (!dir) throw new LlmdbenchError('E_DATASET_DIR', '-x needs a dataset directory', { hint: 'set LLMDBENCH_RUN_DATASET_DIR' });
  try {
    if (local !== undefined) {
      const dest = join(resolve(dir), basename(local));
      if (dest === local || existsSync(dest)) return;
      mkdirSync(resolve(dir), { recursive: true });
      copyFileSync(local, dest);
      log.info(`dataset: copied ${local} to ${dest}`);
      return;
    }
    const r = await fetchDatasetOnce(x, resolve(dir));
    log.info(r.downloaded ? `dataset: downloaded ${x} to ${r.file}` : `dataset: ${r.file} already present, not downloaded`);
  } catch (e) {
    if (e instanceof LlmdbenchError) throw e;
    // e.g. the default dataset directory (the workspace, /workspace) cannot be created here.
    throw new LlmdbenchError('E_DATASET_DIR', `cannot put the -x dataset into ${dir}: ${(e as Error).message}`, {
      kind: 'environment',
      cause: e,
      hint: 'set LLMDBENCH_RUN_DATASET_DIR to a writable directory',
    });
  }
}
