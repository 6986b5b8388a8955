/**
 * Tokenizers in a form fast to read. Building @huggingface/tokenizers' BPE
 * model from a tokenizer.json (JSON.parse of 9 MB, then maps of 128 k tokens
 * and 280 k merges) costs 1–4 s per process, and a default run loads the
 * Llama-3 tokenizer in up to three (client, simulator, its worker). The built
 * tables are kept as one packed file (packed.ts: strings, offsets and hash
 * tables read in place, no Map built), keyed by the tokenizer file (size,
 * mtime; the path too in the temp cache), the patch variant, the library
 * version and the format. Two places are looked in: the prebuilt cache that
 * the build writes for the shipped tokenizer (`dist/tokenizer-cache/`, by
 * scripts/prebuild-tokenizers.mjs at `npm ci` / `npm run build`), then the OS
 * temp directory (written after any fresh build). A file is used only if it
 * encodes a probe text to exactly the ids recorded when it was written, so a
 * library change can cost speed, never correctness.
 * Small derived data of a tokenizer (the prompt builder's word pool) is kept
 * beside it under the same key (`readSidecar`/`writeSidecar`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { decodeFile, encodeFile, lazyStrings, mapSections, packMap, packStrings, readMap } from './packed.ts';

const FORMAT = 6;
const PROBE = 'Benchmarks tell the truth, 1234 times:\tnaïve “quotes”, émojis 🙂, 中文 and "JSON" \\ paths.\n<|begin_of_text|> <|eot_id|> end';

/** The BPE model fields the library builds from tokenizer.json (`merges` is only read to build `bpe_ranks`). */
interface BpeState {
  tokens_to_ids: Map<string, number>;
  vocab: string[];
  merges: unknown[];
  bpe_ranks: Map<string, number>;
}

export interface CachedBundle {
  core: HfCore;
  specialIds: ReadonlySet<number>;
  vocabSize: number;
  numSpecialTokensToAdd: number;
}

let libVersion: string | undefined;
function library(): string {
  if (libVersion === undefined) {
    try {
      const req = createRequire(import.meta.url);
      libVersion = (JSON.parse(readFileSync(req.resolve('@huggingface/tokenizers/package.json'), 'utf8')) as { version: string }).version;
    } catch {
      libVersion = 'unknown';
    }
  }
  return libVersion;
}

/** The build's prebuilt cache (from dist/ or src/ alike: `<package>/dist/tokenizer-cache`). */
export const PREBUILT_DIR = fileURLToPath(new URL('../../../dist/tokenizer-cache/', import.meta.url));
const tempDir = (): string => join(tmpdir(), 'llmdbench-tokenizers');
/** Where saves go: the temp cache, or the prebuilt one while the build prepares it (`cacheWritesTo`). */
let writeDir: string | undefined;

/** Read and write this process's cache in `dir` only (the build's prebuild step), or back to the defaults. */
export function cacheWritesTo(dir: string | undefined): void {
  writeDir = dir;
}

/** Key of the build of `file` patched as `variant`: without the path (prebuilt, relocatable) and with it (temp cache). */
export function cacheKeys(file: string, variant: string): { prebuilt: string; temp: string } | undefined {
  try {
    const st = statSync(file);
    const base = `${FORMAT}\0${st.size}\0${st.mtimeMs}\0${variant}\0${library()}`;
    const h = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 32);
    return { prebuilt: h(base), temp: h(`${base}\0${file}`) };
  } catch {
    return undefined;
  }
}

/** The files a key may be stored in, first found wins. */
function candidates(file: string, variant: string, suffix: string): string[] {
  const k = cacheKeys(file, variant);
  if (!k) return [];
  // while the build prepares a directory, only that one: what it lacks is built and written there
  if (writeDir) return [join(writeDir, `${k.prebuilt}${suffix}`)];
  return [join(PREBUILT_DIR, `${k.prebuilt}${suffix}`), join(tempDir(), `${k.temp}${suffix}`)];
}

function target(file: string, variant: string, suffix: string): string | undefined {
  const k = cacheKeys(file, variant);
  if (!k) return undefined;
  return writeDir ? join(writeDir, `${k.prebuilt}${suffix}`) : join(tempDir(), `${k.temp}${suffix}`);
}

/** Where the build of `file` patched as `variant` is saved (undefined when the file cannot be read). */
export function cacheFileFor(file: string, variant: string): string | undefined {
  return target(file, variant, '.tok');
}

function bpeOf(core: HfCore): BpeState | undefined {
  const m = (core as unknown as { model?: Partial<BpeState> }).model;
  return m && m.bpe_ranks instanceof Map && m.tokens_to_ids instanceof Map && Array.isArray(m.vocab) && Array.isArray(m.merges) ? (m as BpeState) : undefined;
}

const probeIds = (core: HfCore): number[] => core.encode(PROBE, { add_special_tokens: true }).ids;

interface Header {
  format: number;
  json: Record<string, unknown>;
  config: Record<string, unknown>;
  probe: number[];
  specialIds: number[];
  vocabSize: number;
  numSpecialTokensToAdd: number;
}

function loadFrom(path: string): CachedBundle | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  try {
    const f = decodeFile(buf);
    const h = f.header as unknown as Header;
    if (h.format !== FORMAT) return undefined;
    const core = new HfCore(h.json, h.config);
    const m = bpeOf(core);
    if (!m) return undefined;
    (m as unknown as { tokens_to_ids: unknown }).tokens_to_ids = readMap(f, 'tokens');
    (m as unknown as { bpe_ranks: unknown }).bpe_ranks = readMap(f, 'ranks');
    m.vocab = lazyStrings({ text: f.text('vocab.text'), offsets: f.i32('vocab.offsets') });
    m.merges = []; // read only by the constructor, to build bpe_ranks
    const unk = (m as unknown as { unk_token?: string }).unk_token;
    (m as unknown as { unk_token_id?: number }).unk_token_id = unk === undefined || unk === null ? undefined : m.tokens_to_ids.get(unk);
    const ids = probeIds(core);
    if (ids.length !== h.probe.length || ids.some((id, i) => id !== h.probe[i])) return undefined;
    return { core, specialIds: new Set(h.specialIds), vocabSize: h.vocabSize, numSpecialTokensToAdd: h.numSpecialTokensToAdd };
  } catch {
    return undefined;
  }
}

/** The cached build of `file` (patched as `variant`), or undefined (no cache, unreadable, or it fails the probe). */
export function loadCachedCore(file: string, variant: string): CachedBundle | undefined {
  for (const path of candidates(file, variant, '.tok')) {
    const b = loadFrom(path);
    if (b) return b;
  }
  return undefined;
}

function writeAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Keeps a fresh build for the next process (atomic write; any failure only costs the next load its speed). */
export function saveCachedCore(file: string, variant: string, json: Record<string, unknown>, config: Record<string, unknown>, bundle: CachedBundle): void {
  const path = cacheFileFor(file, variant);
  const m = bpeOf(bundle.core);
  if (!path || !m) return;
  const model = json['model'] as Record<string, unknown> | undefined;
  const tokens = packMap(m.tokens_to_ids);
  const ranks = packMap(m.bpe_ranks);
  // holes in the vocabulary would not survive the packing: no cache, only a slower next load
  if (!tokens || !ranks || m.vocab.length !== Object.keys(m.vocab).length || m.vocab.some((t) => typeof t !== 'string')) return;
  const header: Header = {
    format: FORMAT,
    json: { ...json, model: { ...model, vocab: {}, merges: [] } },
    config,
    probe: probeIds(bundle.core),
    specialIds: [...bundle.specialIds],
    vocabSize: bundle.vocabSize,
    numSpecialTokensToAdd: bundle.numSpecialTokensToAdd,
  };
  const vocab = packStrings(m.vocab);
  const data = encodeFile(header as unknown as Record<string, unknown>, {
    'vocab.text': { kind: 'text', text: vocab.text },
    'vocab.offsets': { kind: 'i32', data: vocab.offsets },
    ...mapSections('tokens', tokens),
    ...mapSections('ranks', ranks),
  });
  writeAtomic(path, data);
}

/** Derived data kept beside a tokenizer's cache entry (`name` says what and its version), or undefined. */
export function readSidecar(file: string, variant: string, name: string): string | undefined {
  for (const path of candidates(file, variant, `.${name}`)) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      // next place
    }
  }
  return undefined;
}

export function writeSidecar(file: string, variant: string, name: string, text: string): void {
  const path = target(file, variant, `.${name}`);
  if (path) writeAtomic(path, text);
}
