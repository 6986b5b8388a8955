#!/usr/bin/env node
// Starts the CLI from compiled JavaScript (dist/, built by `npm ci` / `npm pack` through the
// `prepare` script: the bundle dist/bundle/cli.js, or the unbundled dist/cli/index.js when the build
// could not bundle) when that build matches the sources exactly (bin/dist-stamp.js), else from the
// TypeScript sources through tsx — so a fresh clone works right after `npm ci` either way and a
// stale build is never used. NODE_LLMDBENCH_FROM_SOURCES=1 forces the sources (scripts/run-tests.mjs sets it;
// not an LLMDBENCH_* name: those are configuration, listed by `llmdbench config` and stripped by tests).
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { distEntry } from './dist-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = process.env.NODE_LLMDBENCH_FROM_SOURCES === '1' ? undefined : distEntry(root);
if (entry) {
  await import(new URL(`../dist/${entry}`, import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/index.ts');
}
