/**
 * Token counting for the simulator. Default: upstream's built-in regex
 * tokenizer (spec A.7), so counts match a real llm-d-inference-sim pod.
 * With `tokenizer:` set (and not force-dummy-tokenizer), the shared
 * tokenizer module (src/engine/tokenizer) is used so counts agree with the
 * load generator.
 */
import { isAbsolute } from 'node:path';
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import { createLogger } from '../util/logger.ts';

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
 * One count at start-up: the tokenizer's first count builds (and checks) its fast form
 * (engine/tokenizer/piece-cache.ts, ~10 ms), which the first request must not pay inside its TTFT.
 */
function warm<T extends Tokenizer>(t: T): T {
  t.count('warm-up');
  return t;
}

/**
 * Chooses how the simulator counts tokens:
 *  - `force-dummy-tokenizer`: upstream's regex tokenizer, always;
 *  - `tokenizer:` set (path or HF id): that tokenizer via the shared module (error if it cannot load);
 *  - otherwise the model's own tokenizer when the shared module finds it exactly (local path, HF
 *    cache, or the shipped Llama-3 tokenizer for Llama-3 models) — so server usage agrees with the
 *    load generator — else upstream's regex tokenizer (what a llm-d-inference-sim pod would count).
 */
export async function loadSimTokenizer(model: string, spec: string | undefined, forceDummy: boolean): Promise<{ tokenizer: Tokenizer; note: string }> {
  if (forceDummy) return { tokenizer: new RegexTokenizer(), note: 'token counts: built-in regex tokenizer (force-dummy-tokenizer)' };
  const { loadTokenizer, findInHubCache, hubCacheDir, isLlama3Family } = await import('../engine/tokenizer/index.ts');
  const quiet = createLogger('silent');
  if (spec !== undefined && spec !== '') {
    const t = await loadTokenizer(isAbsolute(spec) || spec.endsWith('.json') || spec.startsWith('.') ? { path: spec, model, log: quiet } : { model: spec, log: quiet });
    return { tokenizer: warm(t), note: `token counts: tokenizer ${t.name}${t.exact ? '' : ' (approximate)'}` };
  }
  try {
    // Probe cheaply first: building the shipped fallback just to learn it is inexact costs seconds.
    const local = isAbsolute(model) || model.endsWith('.json') || isLlama3Family(model) || findInHubCache(model, hubCacheDir()) !== undefined;
    if (!local) throw new Error('no local tokenizer');
    const t = await loadTokenizer({ model, log: quiet });
    if (t.exact) return { tokenizer: warm(t), note: `token counts: the model's tokenizer (${t.name})` };
  } catch {
    // not a loadable model id: fall through to the regex tokenizer
  }
  return { tokenizer: new RegexTokenizer(), note: `token counts: built-in regex tokenizer (no tokenizer found for ${model}; as llm-d-inference-sim)` };
}
