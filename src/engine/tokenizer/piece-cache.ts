/**
 * A faster-to-run form of a byte-level BPE tokenizer's encode (Llama-3, Qwen,
 * GPT-2 families), giving exactly the ids of @huggingface/tokenizers.
 *
 * Why: the library spends ~15 µs per token (4 ms for a 1,500-character prompt
 * on this 2-vCPU box): for every pre-token it UTF-8-encodes, maps each byte to
 * its byte-level character, joins, and looks the BPE result up in its cache by
 * that string, with arrays and closures per step. The simulator counts every
 * prompt it serves (a burst of 200 requests was ~1 s of CPU) and the load
 * generator counts every prompt it builds.
 *
 * What it does: the same pipeline (added-token splitting with lstrip/rstrip,
 * the pre-tokenizer's regex split, the post-processor's added tokens) with the
 * per-piece work memoised: a regex piece (e.g. " report") maps to its ids
 * through a bounded Map, filled on a miss by the library's own byte-level
 * pre-tokenizer and BPE model. That is exact because those two steps, and the
 * token → id lookup after them, act on each piece alone (no unk fusing). HF's
 * Rust tokenizers keep the same kind of per-word cache.
 *
 * Only the shapes it knows are taken (no normalizer; pre-tokenizer Split +
 * ByteLevel without regex, or ByteLevel with its regex; BPE without suffixes or
 * unk fusing); anything else stays on the library. `create` also checks its ids
 * against the library's on probe texts and declines on any difference.
 */
import type { Tokenizer as HfCore } from '@huggingface/tokenizers';

/** Pieces longer than this are not kept (long runs of spaces, …): computed each time. */
const MAX_PIECE_CHARS = 256;
/** Entries kept; past it the cache starts over (a bound on memory, not an LRU). */
const MAX_ENTRIES = 100_000;
/**
 * Texts whose ids must equal the library's before the form is used: scripts, digits, emoji,
 * whitespace runs and line ends, contractions, added tokens inside text, the empty text.
 */
export const PROBES: readonly string[] = [
  'Benchmarks tell the truth, 1234 times:\tnaïve “quotes”, émojis 🙂, 中文 and "JSON" \\ paths.\n<|begin_of_text|> <|eot_id|> end',
  "  leading spaces, don't we'll it's I'M   \n\n\r\n  trailing   ",
  '<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><s></s><|end_of_text|>x<unk>',
  'Ünïcödé façade — ελληνικά русский العربية हिन्दी 日本語のテキスト 한국어 👩‍👩‍👧 12345678901234 3.14159 ¼½',
  'def f(x):\n\treturn {"a": [1, 2, 3]}  # comment\n\n\n    ',
  '',
  ' ',
];

interface AddedToken {
  id: number;
  lstrip: boolean;
  rstrip: boolean;
}
interface Splitter {
  split(text: string): string[];
  trie: Record<string, unknown>;
}
type Stage = ((text: string | string[]) => string[]) & { config?: Record<string, unknown>; pattern?: RegExp | null; pre_tokenize_text(text: string): string[] };
interface CoreInternals {
  normalizer: unknown;
  remove_space?: boolean;
  do_lowercase_and_remove_accent?: boolean;
  tokenizer: { pre_tokenizer?: { type?: string; pretokenizers?: Array<Record<string, unknown>> } & Record<string, unknown> };
  pre_tokenizer: (Stage & { tokenizers?: Stage[] }) | null;
  model: ((tokens: string[]) => string[]) & {
    fuse_unk?: boolean;
    end_of_word_suffix?: unknown;
    continuing_subword_suffix?: unknown;
    tokens_to_ids: { get(k: string): number | undefined };
    unk_token_id: number | undefined;
    bpe?: unknown;
  };
  post_processor: ((a: string[], b: null, add: boolean) => { tokens: string[] }) | null;
  added_tokens_map: Map<string, AddedToken>;
  splitter_unnormalized: Splitter;
  splitter_normalized: Splitter;
}

/** Characters a splitter's words start with (its trie's first level). */
function firstChars(s: Splitter): string[] | undefined {
  const t = s.trie;
  return t && typeof t === 'object' ? Object.keys(t) : undefined;
}

/** True when `text` holds none of `chars` (so the splitter would return it whole). */
function holdsNone(text: string, chars: readonly string[]): boolean {
  for (const c of chars) if (text.includes(c)) return false;
  return true;
}

export class PieceCachedEncoder {
  private readonly cache = new Map<string, number[]>();
  private readonly firstU: readonly string[];
  private readonly firstN: readonly string[];
  /** Pieces of a section: the pre-tokenizer's first (regex) stage. */
  private readonly pieces: (text: string) => string[];
  /** A piece's tokens: the pre-tokenizer's byte-level stage, then the BPE model. */
  private readonly pieceTokens: (piece: string) => string[];
  private readonly affix = new Map<boolean, { pre: number[]; post: number[] }>();

  private constructor(
    private readonly c: CoreInternals,
    stages: { pieces: (text: string) => string[]; pieceTokens: (piece: string) => string[] },
  ) {
    this.firstU = firstChars(c.splitter_unnormalized) ?? [];
    this.firstN = firstChars(c.splitter_normalized) ?? [];
    this.pieces = stages.pieces;
    this.pieceTokens = stages.pieceTokens;
  }

  /** The encoder for `core`, or undefined when its pipeline is not one this form reproduces. */
  static create(core: HfCore, probes: readonly string[] = PROBES): PieceCachedEncoder | undefined {
    const c = core as unknown as CoreInternals;
    try {
      if (c.normalizer !== null || c.remove_space === true || c.do_lowercase_and_remove_accent === true) return undefined;
      const m = c.model;
      if (typeof m !== 'function' || typeof m.bpe !== 'function' || m.fuse_unk || m.end_of_word_suffix || m.continuing_subword_suffix) return undefined;
      if (!c.added_tokens_map || !c.splitter_unnormalized?.trie || !c.splitter_normalized?.trie) return undefined;
      const stages = PieceCachedEncoder.stages(c);
      if (!stages) return undefined;
      const e = new PieceCachedEncoder(c, stages);
      for (const p of probes) {
        for (const add of [true, false]) {
          const want = core.encode(p, { add_special_tokens: add }).ids;
          // twice: the first fills the cache, the second reads it
          for (let k = 0; k < 2; k++) {
            const got: number[] = [];
            const n = e.encode(p, add, got);
            if (n !== want.length || got.length !== want.length || got.some((id, i) => id !== want[i])) return undefined;
          }
        }
      }
      return e;
    } catch {
      return undefined;
    }
  }

  private static stages(c: CoreInternals): { pieces: (text: string) => string[]; pieceTokens: (piece: string) => string[] } | undefined {
    const cfg = c.tokenizer?.pre_tokenizer;
    const pt = c.pre_tokenizer;
    if (!cfg || !pt) return undefined;
    const model = c.model;
    if (cfg.type === 'Sequence') {
      // Split(regex, Isolated) then ByteLevel without its own regex (Llama-3, Qwen2).
      const [s, b] = cfg.pretokenizers ?? [];
      const [split, bl] = pt.tokenizers ?? [];
      if (cfg.pretokenizers?.length !== 2 || pt.tokenizers?.length !== 2 || !split || !bl) return undefined;
      if (s?.['type'] !== 'Split' || s['invert'] === true || String(s['behavior']).toLowerCase() !== 'isolated') return undefined;
      if (b?.['type'] !== 'ByteLevel' || b['use_regex'] !== false) return undefined;
      return { pieces: (t) => split.pre_tokenize_text(t), pieceTokens: (p) => model(bl.pre_tokenize_text(p)) };
    }
    if (cfg.type === 'ByteLevel' && cfg['use_regex'] !== false && cfg['add_prefix_space'] !== true) {
      // ByteLevel with its regex (GPT-2): the regex's matches are the pieces.
      const re = pt.pattern;
      if (!(re instanceof RegExp) || !re.global) return undefined;
      const enc = new TextEncoder();
      const map = (pt as unknown as { byte_encoder?: Record<number, string> }).byte_encoder;
      if (!map) return undefined;
      return {
        pieces: (t) => t.match(re) ?? [],
        pieceTokens: (p) => model([Array.from(enc.encode(p), (x) => map[x] as string).join('')]),
      };
    }
    return undefined;
  }

  /** Ids of a piece (memoised). */
  private piece(p: string): number[] {
    const hit = this.cache.get(p);
    if (hit) return hit;
    const ids = this.pieceTokens(p).map((t) => this.idOf(t));
    if (p.length <= MAX_PIECE_CHARS) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(p, ids);
    }
    return ids;
  }

  /** The library's token → id step (encode()). */
  private idOf(t: string): number {
    const c = this.c;
    return (c.added_tokens_map.get(t)?.id ?? c.model.tokens_to_ids.get(t) ?? c.model.unk_token_id) as number;
  }

  /** The post-processor's tokens before and after the text's (e.g. BOS), as ids. */
  private affixes(add: boolean): { pre: number[]; post: number[] } {
    let a = this.affix.get(add);
    if (a) return a;
    const mark = '\u0000piece-cache-mark\u0000';
    const pp = this.c.post_processor;
    const toks = pp ? pp([mark], null, add).tokens : [mark];
    const at = toks.indexOf(mark);
    if (at < 0 || toks.lastIndexOf(mark) !== at) throw new Error('post-processor does not keep the sequence in one place');
    a = { pre: toks.slice(0, at).map((t) => this.idOf(t)), post: toks.slice(at + 1).map((t) => this.idOf(t)) };
    this.affix.set(add, a);
    return a;
  }

  /** Splits by added tokens as the library's splitter does, with its lstrip / rstrip trimming. */
  private sections(text: string, s: Splitter, first: readonly string[]): string[] {
    // (a search per first character pays off for few of them, as Llama-3's "<"; many: the trie walk)
    if (first.length === 0 || (first.length <= 16 && holdsNone(text, first))) return text.length > 0 ? [text] : [];
    const out = s.split(text);
    const added = this.c.added_tokens_map;
    for (let i = 0; i < out.length; i++) {
      const t = added.get(out[i] as string);
      if (!t) continue;
      if (t.lstrip && i > 0) out[i - 1] = (out[i - 1] as string).trimEnd();
      if (t.rstrip && i < out.length - 1) out[i + 1] = (out[i + 1] as string).trimStart();
    }
    return out;
  }

  /** The token count of `text` (as core.encode(text).ids.length); with `out`, its ids are pushed there. */
  encode(text: string, addSpecialTokens: boolean, out?: number[]): number {
    const added = this.c.added_tokens_map;
    const { pre, post } = this.affixes(addSpecialTokens);
    let n = pre.length + post.length;
    if (out) for (const id of pre) out.push(id);
    for (const section of this.sections(text, this.c.splitter_unnormalized, this.firstU)) {
      if (section.length === 0) continue;
      const a = added.get(section);
      if (a) {
        n++;
        out?.push(a.id);
        continue;
      }
      for (const sub of this.sections(section, this.c.splitter_normalized, this.firstN)) {
        if (sub.length === 0) continue;
        const b = added.get(sub);
        if (b) {
          n++;
          out?.push(b.id);
          continue;
        }
        for (const p of this.pieces(sub)) {
          const ids = this.piece(p);
          n += ids.length;
          if (out) for (const id of ids) out.push(id);
        }
      }
    }
    if (out) for (const id of post) out.push(id);
    return n;
  }
}
