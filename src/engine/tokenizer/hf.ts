import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer as HfCore } from '@huggingface/tokenizers';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Tokenizer } from './types.ts';
import { loadCachedCore, saveCachedCore } from './fast-load.ts';
import { PieceCachedEncoder } from './piece-cache.ts';

/** The piece-cached form of each core (piece-cache.ts), made on first use; null: the library's encode. */
const fastForms = new WeakMap<HfCore, PieceCachedEncoder | null>();
function fastForm(core: HfCore): PieceCachedEncoder | null {
  let f = fastForms.get(core);
  if (f === undefined) {
    f = PieceCachedEncoder.create(core) ?? null;
    fastForms.set(core, f);
  }
  return f;
}

/** Where a loaded tokenizer came from. */
export type TokenizerSource = 'path' | 'hf-cache' | 'download' | 'shipped';

/** A Tokenizer plus provenance (recorded with results). */
export interface LoadedTokenizer extends Tokenizer {
  readonly source: TokenizerSource;
  /** The tokenizer.json file it was built from. */
  readonly file: string;
  /** Ids of the special (added, `special: true`) tokens. */
  readonly specialIds: ReadonlySet<number>;
  /** Tokens `encode(..., { addSpecialTokens: true })` adds to any text (e.g. 1 for Llama-3's BOS). */
  readonly numSpecialTokensToAdd: number;
}

interface RawTokenizerJson {
  model?: { vocab?: unknown };
  added_tokens?: { id: number; content: string; special?: boolean }[];
  post_processor?: unknown;
  [k: string]: unknown;
}

/** Read a tokenizer.json (and the tokenizer_config.json beside it, when present). */
export function readTokenizerFiles(file: string): { json: RawTokenizerJson; config: Record<string, unknown> } {
  let json: RawTokenizerJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as RawTokenizerJson;
  } catch (e) {
    throw new LlmdbenchError('E_TOKENIZER_READ', `cannot read tokenizer ${file}: ${(e as Error).message}`, {
      kind: 'environment',
      location: { file },
      hint: 'point at a Hugging Face tokenizer.json (or the model directory that holds it)',
      cause: e,
    });
  }
  if (typeof json !== 'object' || json === null || typeof json.model !== 'object') {
    throw new LlmdbenchError('E_TOKENIZER_READ', `${file} is not a Hugging Face tokenizer.json (no "model" section)`, {
      kind: 'environment',
      location: { file },
    });
  }
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(readFileSync(join(dirname(file), 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // optional file
  }
  // the chat template can be large and is not used here
  delete config.chat_template;
  return { json, config };
}

/** The parsed, built tokenizer of one file; shared by every HfTokenizer made from that file. */
export interface HfCoreBundle {
  core: HfCore;
  /** The tokenizer file and patch variant its fast-load cache is keyed by (derived data is kept beside it). */
  cacheId?: { file: string; variant: string };
  specialIds: ReadonlySet<number>;
  vocabSize: number;
  numSpecialTokensToAdd: number;
}

/**
 * Build the @huggingface/tokenizers object for a tokenizer.json (the expensive step: 1–4 s for
 * Llama-3), or read it back from the fast-load cache (fast-load.ts). `variant` names the patch, so
 * differently patched builds of one file are kept apart.
 */
export function buildCore(file: string, patch?: (json: Record<string, unknown>) => void, variant = 'file'): HfCoreBundle {
  const cacheId = { file, variant };
  const cached = loadCachedCore(file, variant);
  if (cached) return { ...cached, cacheId };
  const bundle = buildFresh(file, patch);
  saveCachedCore(file, variant, bundle.json, bundle.config, bundle);
  return { core: bundle.core, specialIds: bundle.specialIds, vocabSize: bundle.vocabSize, numSpecialTokensToAdd: bundle.numSpecialTokensToAdd, cacheId };
}

function buildFresh(file: string, patch?: (json: Record<string, unknown>) => void): HfCoreBundle & { json: Record<string, unknown>; config: Record<string, unknown> } {
  const { json, config } = readTokenizerFiles(file);
  if (patch) patch(json);
  let core: HfCore;
  try {
    core = new HfCore(json, config);
  } catch (e) {
    throw new LlmdbenchError('E_TOKENIZER_READ', `cannot build tokenizer from ${file}: ${(e as Error).message}`, {
      kind: 'environment',
      location: { file },
      cause: e,
    });
  }
  const special = new Set<number>();
  let maxId = -1;
  for (const t of json.added_tokens ?? []) {
    if (t.special) special.add(t.id);
    if (t.id > maxId) maxId = t.id;
  }
  const vocab = json.model?.vocab;
  if (vocab && typeof vocab === 'object') {
    if (Array.isArray(vocab)) maxId = Math.max(maxId, vocab.length - 1);
    else for (const id of Object.values(vocab as Record<string, number>)) if (id > maxId) maxId = id;
  }
  return { core, specialIds: special, vocabSize: maxId + 1, numSpecialTokensToAdd: core.encode('', { add_special_tokens: true }).ids.length, json, config };
}

/** Wraps @huggingface/tokenizers (pure JS, ids identical to HF Rust). */
export class HfTokenizer implements LoadedTokenizer {
  readonly name: string;
  readonly exact: boolean;
  readonly vocabSize: number;
  readonly source: TokenizerSource;
  readonly file: string;
  readonly specialIds: ReadonlySet<number>;
  readonly numSpecialTokensToAdd: number;
  /** Key of the fast-load cache entry (fast-load.ts readSidecar/writeSidecar keep derived data beside it). */
  readonly cacheId: { file: string; variant: string } | undefined;
  private readonly core: HfCore;

  constructor(args: { name: string; exact: boolean; source: TokenizerSource; file: string; bundle: HfCoreBundle }) {
    this.name = args.name;
    this.exact = args.exact;
    this.source = args.source;
    this.file = args.file;
    this.core = args.bundle.core;
    this.specialIds = args.bundle.specialIds;
    this.vocabSize = args.bundle.vocabSize;
    this.numSpecialTokensToAdd = args.bundle.numSpecialTokensToAdd;
    this.cacheId = args.bundle.cacheId;
  }

  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[] {
    const add = opts?.addSpecialTokens ?? true;
    const f = fastForm(this.core);
    if (!f) return this.core.encode(text, { add_special_tokens: add }).ids;
    const ids: number[] = [];
    f.encode(text, add, ids);
    return ids;
  }

  decode(ids: readonly number[]): string {
    return this.core.decode(ids as number[], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  count(text: string, opts?: { addSpecialTokens?: boolean }): number {
    const add = opts?.addSpecialTokens ?? true;
    const f = fastForm(this.core);
    return f ? f.encode(text, add) : this.core.encode(text, { add_special_tokens: add }).ids.length;
  }

  /** The vocabulary string of one id (byte-level form, e.g. "Ġthe"), or undefined. */
  idToToken(id: number): string | undefined {
    return this.core.id_to_token(id);
  }
}
