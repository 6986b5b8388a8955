#!/usr/bin/env node
// Compiles src/ to dist/ (tsc -p tsconfig.build.json), copies non-TypeScript files beside the
// compiled ones (the embedded simulator's bootstrap, data files), then writes dist/.build-stamp.json
// so bin/llmdbench.js uses dist/ only while it matches the sources; prebuilds the shipped tokenizer's
// tables (scripts/prebuild-tokenizers.mjs) so no run has to build them; bundles the CLI and the
// simulator child into dist/bundle/ (scripts/bundle.mjs: a few files to load at start instead of ~300
// modules). Runs at `npm ci` / `npm pack` (the `prepare` script). Never fails the install: without
// TypeScript (a production install) or on a compile error, dist/ is removed and the CLI runs from
// sources through tsx, as before; without esbuild or on a bundling error, dist/bundle/ is removed and
// the CLI runs the unbundled dist/ (the stamp names the entry bin/llmdbench.js imports).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { contentHash, quickStamp, STAMP_FILE } from '../bin/dist-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const give = (why) => {
  rmSync(dist, { recursive: true, force: true });
  process.stderr.write(`llmdbench build: ${why}; the CLI will run from the TypeScript sources (slower start)\n`);
  process.exit(0);
};

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  give('TypeScript is not installed (dev dependency)');
}
const stampedAtMs = Date.now(); // before reading the inputs: bin/dist-stamp.js trusts mtimes only when older than this by > 1 s
const before = quickStamp(root);
const hash = contentHash(root);
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (r.status !== 0) give(`tsc exited with ${r.status ?? r.signal}`);

const copyAssets = (rel) => {
  for (const name of readdirSync(join(root, 'src', rel))) {
    const from = join(root, 'src', rel, name);
    if (statSync(from).isDirectory()) copyAssets(join(rel, name));
    else if (!name.endsWith('.ts') && !name.endsWith('.md')) {
      mkdirSync(join(dist, rel), { recursive: true });
      copyFileSync(from, join(dist, rel, name));
    }
  }
};
copyAssets('');
// The shipped tokenizer's tables and word pool, ready to read (dist/tokenizer-cache/; never fails the build).
spawnSync(process.execPath, [join(root, 'scripts', 'prebuild-tokenizers.mjs')], { stdio: 'inherit', cwd: root });
// The bundle (never fails the build: the unbundled dist/ is complete on its own).
let entry = 'cli/index.js';
try {
  const { bundle } = await import('./bundle.mjs');
  entry = await bundle(root);
} catch (e) {
  rmSync(join(dist, 'bundle'), { recursive: true, force: true });
  process.stderr.write(`llmdbench build: no bundle (${e instanceof Error ? e.message : String(e)}); the CLI runs the unbundled dist/ (slower start)\n`);
}
// Sources edited while tsc ran: the build may mix versions, so it is not stamped (never used).
const after = quickStamp(root);
if (after.count !== before.count || after.size !== before.size || after.mtimeMs !== before.mtimeMs) give('sources changed during the build');
writeFileSync(join(root, STAMP_FILE), `${JSON.stringify({ ...before, hash, stampedAtMs, entry, builtAt: new Date().toISOString() }, null, 2)}\n`);
process.stdout.write(`llmdbench build: dist/ compiled from src/ (${before.count} inputs); the CLI starts from dist/${entry}\n`);
