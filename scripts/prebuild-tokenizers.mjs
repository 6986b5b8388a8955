#!/usr/bin/env node
// Part of the build (scripts/build.mjs, after tsc): writes the shipped Llama-3 tokenizer's packed
// tables and the prompt builder's word pool, for both patch variants (3.0 and 3.1+ names), into
// dist/tokenizer-cache/, so the first run after `npm ci` reads them in tens of ms instead of
// building them (1–4 s) in each of its processes. Uses the compiled modules in dist/. Never fails
// the build: without them a run builds the tables once and keeps them in the OS temp directory.
import { rmSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
try {
  const { cacheWritesTo, PREBUILT_DIR } = await import(new URL('engine/tokenizer/fast-load.js', dist).href);
  const { loadShippedTokenizer } = await import(new URL('engine/tokenizer/index.js', dist).href);
  const { PromptBuilder } = await import(new URL('engine/datagen/prompt.js', dist).href);
  rmSync(PREBUILT_DIR, { recursive: true, force: true });
  // read and write only there: everything is built afresh from tokenizer.json
  cacheWritesTo(PREBUILT_DIR);
  const t0 = Date.now();
  for (const model of ['meta-llama/Meta-Llama-3-8B', 'meta-llama/Llama-3.1-8B-Instruct']) {
    const tok = loadShippedTokenizer(model);
    new PromptBuilder(tok);
  }
  process.stdout.write(`llmdbench build: shipped tokenizer prebuilt in ${PREBUILT_DIR} (${Date.now() - t0} ms)\n`);
} catch (e) {
  process.stderr.write(`llmdbench build: no prebuilt tokenizer (${e instanceof Error ? e.message : String(e)}); runs build it once into the temp directory\n`);
}
