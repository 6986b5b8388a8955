/**
 * undici, loaded on first use: importing it costs ~0.2 s of CPU (its fetch, cookies, cache and
 * web-API modules), which `llmdbench run` against plain http (the lean h1 transport, the embedded
 * simulator) never needs. Synchronous (undici is CommonJS), so a transport's `create` stays
 * synchronous; types come from a type-only import that emits nothing.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

let mod: typeof Undici | undefined;

export function undici(): typeof Undici {
  mod ??= createRequire(import.meta.url)('undici') as typeof Undici;
  return mod;
}
