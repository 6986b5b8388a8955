/**
 * Tokenizers in a form fast to read. Building @huggingface/tokenizers' BPE
 * model from a tokenizer.json (JSON.parse of 9 MB, then maps of 128 k tokens
 * and 280 k merges) costs 1–4 s per process, and a default run loads the
 * Llama-3 tokenizer in up to three (client, simulator, its worker). After the
 * first build the built maps are kept as one v8-serialized file in the OS temp
 * directory, keyed by the tokenizer file (path, size, mtime), the patch
 * variant, the library and V8 versions; reading it back takes a fraction of the
 * build. The result is used only if it encodes a probe text to exactly the ids
 * the full build gave, so a library change can cost speed, never correctness.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';

const FORMAT = 2;
const PROBE = 'Benchmarks tell the truth, 1234 times:\tnaïve “quotes”, émojis 🙂, 中文 and "JSON" \\ paths.\n<|begin_of_text|> <|eot_id|> end';

/** The BPE model fields the library builds from tokenizer.json (`merges` is only read to build `bpe_ranks`). */
interface BpeState {
  tokens_to_ids: Map<string, number>;
  vocab: string[];
  merges: unknown[];
  bpe_ranks: Map<string, number>;
}

/** A Map<string, number> as one NUL-joined string of keys and their values: cheap to read back. */
interface PackedMap {
  keys: string;
  values: Int32Array;
}

interface CacheEntry {
  format: number;
  /** tokenizer.json without model.vocab / model.merges (the rest is small). */
  json: Record<string, unknown>;
  config: Record<string, unknown>;
  vocab: string;
  tokensToIds: PackedMap;
  bpeRanks: PackedMap;
  probe: number[];
  specialIds: number[];
  vocabSize: number;
  numSpecialTokensToAdd: number;
}

const SEP = '\u0000';

function pack(m: Map<string, number>): PackedMap | undefined {
  const keys: string[] = [];
  const values = new Int32Array(m.size);
  let i = 0;
  for (const [k, v] of m) {
    if (k.includes(SEP) || !Number.isInteger(v)) return undefined;
    keys.push(k);
    values[i++] = v;
  }
  return { keys: keys.join(SEP), values };
}

function unpack(p: PackedMap): Map<string, number> {
  const keys = p.keys === '' && p.values.length === 0 ? [] : p.keys.split(SEP);
  if (keys.length !== p.values.length) throw new Error('corrupt cache');
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i] as string, p.values[i] as number);
  return m;
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

/** Where the build of `file` patched as `variant` is kept (undefined when the file cannot be read). */
export function cacheFileFor(file: string, variant: string): string | undefined {
  try {
    const st = statSync(file);
    const key = createHash('sha256').update(`${FORMAT}\0${file}\0${st.size}\0${st.mtimeMs}\0${variant}\0${library()}\0${process.versions.v8}`).digest('hex').slice(0, 32);
    return join(tmpdir(), 'llmdbench-tokenizers', `${key}.v8`);
  } catch {
    return undefined;
  }
}

function bpeOf(core: HfCore): BpeState | undefined {
  const m = (core as unknown as { model?: Partial<BpeState> }).model;
  return m && m.bpe_ranks instanceof Map && m.tokens_to_ids instanceof Map && Array.isArray(m.vocab) && Array.isArray(m.merges) ? (m as BpeState) : undefined;
}

const probeIds = (core: HfCore): number[] => core.encode(PROBE, { add_special_tokens: true }).ids;

/** The cached build of `file` (patched as `variant`), or undefined (no cache, unreadable, or it fails the probe). */
export function loadCachedCore(file: string, variant: string): CachedBundle | undefined {
  const f = cacheFileFor(file, variant);
  if (!f) return undefined;
  let e: CacheEntry;
  try {
    e = deserialize(readFileSync(f)) as CacheEntry;
  } catch {
    return undefined;
  }
  try {
    if (e.format !== FORMAT) return undefined;
    const core = new HfCore(e.json, e.config);
    const m = bpeOf(core);
    if (!m) return undefined;
    m.tokens_to_ids = unpack(e.tokensToIds);
    m.bpe_ranks = unpack(e.bpeRanks);
    m.vocab = e.vocab.split(SEP);
    m.merges = []; // read only by the constructor, to build bpe_ranks
    const unk = (m as unknown as { unk_token?: string }).unk_token;
    (m as unknown as { unk_token_id?: number }).unk_token_id = unk === undefined || unk === null ? undefined : m.tokens_to_ids.get(unk);
    const ids = probeIds(core);
    if (ids.length !== e.probe.length || ids.some((id, i) => id !== e.probe[i])) return undefined;
    return { core, specialIds: new Set(e.specialIds), vocabSize: e.vocabSize, numSpecialTokensToAdd: e.numSpecialTokensToAdd };
  } catch {
    return undefined;
  }
}

/** Keeps a fresh build for the next process (atomic write; any failure only costs the next load its speed). */
export function saveCachedCore(file: string, variant: string, json: Record<string, unknown>, config: Record<string, unknown>, bundle: CachedBundle): void {
  const f = cacheFileFor(file, variant);
  const m = bpeOf(bundle.core);
  if (!f || !m) return;
  const model = json['model'] as Record<string, unknown> | undefined;
  const tokensToIds = pack(m.tokens_to_ids);
  const bpeRanks = pack(m.bpe_ranks);
  // holes or separators in the vocabulary would not survive the packing: no cache, only a slower next load
  if (!tokensToIds || !bpeRanks || m.vocab.some((t) => typeof t !== 'string' || t.includes(SEP)) || m.vocab.length !== Object.keys(m.vocab).length) return;
  const entry: CacheEntry = {
    format: FORMAT,
    json: { ...json, model: { ...model, vocab: {}, merges: [] } },
    config,
    vocab: m.vocab.join(SEP),
    tokensToIds,
    bpeRanks,
    probe: probeIds(bundle.core),
    specialIds: [...bundle.specialIds],
    vocabSize: bundle.vocabSize,
    numSpecialTokensToAdd: bundle.numSpecialTokensToAdd,
  };
  const tmp = `${f}.${process.pid}.tmp`;
  try {
    mkdirSync(join(tmpdir(), 'llmdbench-tokenizers'), { recursive: true });
    writeFileSync(tmp, serialize(entry));
    renameSync(tmp, f);
  } catch {
    rmSync(tmp, { force: true });
  }
}
