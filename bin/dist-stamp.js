// Is dist/ compiled from exactly the sources here? The build (scripts/build.mjs) writes
// dist/.build-stamp.json: per-tree file count, total size, newest mtime and a content hash of src/
// and the tsconfig files. The check re-reads the cheap numbers first (a few ms); only when they differ
// (an edit, a checkout, or an npm-packed tree whose mtimes were normalised) does it hash the contents.
// A stale or partial build is never used: the caller then runs the TypeScript sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

// Every input file, sorted by path within each directory. Directory entries carry their type, so a
// file costs no stat of its own here (one stat per file was ~1/3 of the start-up check's CPU);
// a symbolic link is followed with a stat, as before (a dangling one is skipped, as before).
function files(root) {
  const out = [];
  const dir = (rel) => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true }).sort(byName)) {
      const child = join(rel, d.name);
      let isDir = d.isDirectory();
      if (d.isSymbolicLink()) {
        if (!existsSync(join(root, child))) continue;
        isDir = statSync(join(root, child)).isDirectory();
      }
      if (isDir) dir(child);
      else out.push(child);
    }
  };
  for (const i of INPUTS) {
    const abs = join(root, i);
    if (!existsSync(abs)) continue;
    if (statSync(abs).isDirectory()) dir(i);
    else out.push(i);
  }
  return out;
}

/** Cheap numbers of the inputs: count, total size, newest mtime. */
export function quickStamp(root) {
  let size = 0;
  let mtimeMs = 0;
  const list = files(root);
  for (const f of list) {
    const s = statSync(join(root, f));
    size += s.size;
    if (s.mtimeMs > mtimeMs) mtimeMs = s.mtimeMs;
  }
  return { count: list.length, size, mtimeMs };
}

/** Content hash of the inputs (paths and bytes). */
export function contentHash(root) {
  const h = createHash('sha256');
  for (const f of files(root)) {
    h.update(f.split('\\').join('/'));
    h.update('\0');
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

export const STAMP_FILE = join('dist', '.build-stamp.json');

/**
 * The module bin/llmdbench.js imports, relative to dist/ (`bundle/cli.js`, or `cli/index.js` when the
 * build could not bundle), when dist/ holds a complete build of exactly these sources; else undefined.
 */
export function distEntry(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = typeof stamp.entry === 'string' ? stamp.entry : 'cli/index.js';
  if (!existsSync(join(root, 'dist', entry))) return undefined;
  const q = quickStamp(root);
  // The cheap numbers are trusted only when the newest source is older than the stamp by more than the
  // file system's timestamp granularity (coarse: one kernel tick): an edit of the same size in the same
  // tick as the build would otherwise keep every number equal ("racily clean", as git calls it).
  const settled = typeof stamp.stampedAtMs === 'number' && q.mtimeMs < stamp.stampedAtMs - 1000;
  if (settled && q.count === stamp.count && q.size === stamp.size && q.mtimeMs === stamp.mtimeMs) return entry;
  return q.count === stamp.count && q.size === stamp.size && contentHash(root) === stamp.hash ? entry : undefined;
}

/** True when dist/ holds a complete build of exactly these sources. */
export function distIsFresh(root) {
  return distEntry(root) !== undefined;
}
