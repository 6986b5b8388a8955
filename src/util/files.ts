/**
 * Crash-safe file writing, used by every writer of result files: a whole file is written under a
 * temporary name in the same folder and renamed over the final name, so a reader (ours, -z, or an
 * upstream tool) never sees half a file; a failed write (ENOSPC, EIO, EROFS, ...) becomes one
 * E_WRITE error naming the path and the cause (an environment problem: exit 3).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LlmdbenchError, isLlmdbenchError } from './errors.ts';

/** `<dir>/.<name>.partial`: where a file is written before it gets its name. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial`);
}

/** The E_WRITE error for a failed write of `path` (kept as is when it already is one). */
export function writeFailure(path: string, err: unknown): LlmdbenchError {
  if (isLlmdbenchError(err) && err.code === 'E_WRITE') return err;
  const e = err as NodeJS.ErrnoException;
  const cause = e?.code ? `${e.code}${e.code === 'ENOSPC' ? ' (no space left on the device)' : e.code === 'EROFS' ? ' (read-only file system)' : e.code === 'EIO' ? ' (input/output error)' : ''}` : String(e?.message ?? err);
  return new LlmdbenchError('E_WRITE', `cannot write ${path}: ${cause}`, {
    kind: 'environment',
    cause: err,
    hint: 'free space or choose another --workdir; records finished before the failure are kept and the run is marked incomplete',
  });
}

/** Write `data` to `path` atomically (temporary name, fsync, rename). Throws E_WRITE. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = partialPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    rmSync(tmp, { force: true });
    throw writeFailure(path, e);
  }
}

/**
 * Why `mkdir -p dir` failed, in the words of the real cause: Node's recursive mkdir says ENOENT
 * where a parent is on a read-only file system (EROFS) or is a file (ENOTDIR); this retries the
 * first missing component without `recursive` to get the true error.
 */
export function mkdirCause(dir: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code !== 'ENOENT') return e?.message ?? String(err);
  let missing = dir;
  while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
  try {
    mkdirSync(missing);
    rmdirSync(missing);
  } catch (real) {
    return (real as Error).message;
  }
  return e.message;
}
