/**
 * Token counting for the simulator. Default: upstream's built-in regex
 * tokenizer (spec A.7), so counts match a real llm-d-inference-sim pod.
 * With `tokenizer:` set (and not force-dummy-tokenizer), the shared
 * tokenizer module (src/engine/tokenizer) is used so counts agree with the
 * load generator.
 */
import type { Tokenizer } from '../engine/tokenizer/types.ts';

// One punctuation character or a run of ASCII word characters, each with the following whitespace.
const TOKEN_RE = /(?:[{}:,\-.?!;@#$%^&*()+_~/\\><[\]="']|[A-Za-z0-9_]+)\s*/g;

/** 32-bit FNV-1a of a string's UTF-16 code units (ASCII tokens: identical to bytes). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** llm-d-inference-sim's dummy tokenizer: regex pieces, ids = FNV-1a of the piece. */
export class RegexTokenizer implements Tokenizer {
  readonly name = 'llm-d-inference-sim-regex';
  readonly exact = false;
  readonly vocabSize = 4294967296;
  private readonly pieces = new Map<number, string>();

  pieces_(text: string): string[] {
    return text.match(TOKEN_RE) ?? [];
  }

  encode(text: string): number[] {
    return this.pieces_(text).map((p) => {
      const id = fnv1a(p);
      if (this.pieces.size < 100000) this.pieces.set(id, p);
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.pieces.get(id) ?? '').join('');
  }

  count(text: string): number {
    TOKEN_RE.lastIndex = 0;
    let n = 0;
    while (TOKEN_RE.exec(text) !== null) n++;
    return n;
  }
}

/**
 * Loads the shared tokenizer when configured. The module is imported lazily:
 * it may be absent or fail offline, and then the regex tokenizer is used and
 * the reason returned so the caller can log it.
 */
export async function loadSimTokenizer(spec: string | undefined, forceDummy: boolean): Promise<{ tokenizer: Tokenizer; note?: string }> {
  if (forceDummy || spec === undefined || spec === '') return { tokenizer: new RegexTokenizer() };
  try {
    const modPath = '../engine/tokenizer/index.ts';
    const mod = (await import(modPath)) as { loadTokenizer?: (s: unknown) => Promise<Tokenizer> };
    if (typeof mod.loadTokenizer !== 'function') throw new Error('src/engine/tokenizer has no loadTokenizer');
    return { tokenizer: await mod.loadTokenizer(spec) };
  } catch (e) {
    return { tokenizer: new RegexTokenizer(), note: `tokenizer "${spec}" unavailable (${(e as Error).message}); counting with the built-in regex tokenizer` };
  }
}
