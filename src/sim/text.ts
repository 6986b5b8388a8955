/**
 * Synthetic output (spec A.6): a pool of token pieces cut from built-in
 * English sentences, and upstream's output-length rules.
 */
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import { RegexTokenizer } from './tokenizer.ts';
import type { Rng } from './rng.ts';

const SENTENCES = [
  'Today is a nice sunny day.',
  'The temperature here is twenty-five degrees centigrade.',
  'Give a man a fish and you feed him for a day; teach a man to fish and you feed him for a lifetime.',
  'I am fine, how are you today?',
  'The rest is silence.',
  'Alas, poor Yorick! I knew him, Horatio: a fellow of infinite jest.',
  'To be or not to be that is the question.',
  'The quick brown fox jumps over the lazy dog.',
  'A journey of a thousand miles begins with a single step.',
  'Knowledge is power, and power is responsibility.',
  'It was the best of times, it was the worst of times.',
  'Measure twice and cut once, then measure again.',
  'Benchmarks tell the truth only when the ruler is straight.',
  'The river flows to the sea, and the sea returns as rain.',
  'Every request deserves an answer, even a synthetic one.',
  'Latency hides in the tail; look at the ninety-ninth percentile.',
];

/** One output token: its text, already JSON-escaped (without quotes) and UTF-8-encoded for the hot path. */
export interface Piece {
  text: string;
  json: string;
  /** `json` as UTF-8 bytes: spliced into the pre-encoded chunk template (frames.ts). */
  bytes: Buffer;
}

export function piece(text: string): Piece {
  const json = JSON.stringify(text).slice(1, -1);
  return { text, json, bytes: Buffer.from(json, 'utf8') };
}

export class TextPool {
  readonly pieces: Piece[];

  constructor(tok: Tokenizer) {
    // The pool is used as a cycle (outputs wrap), so the text must join seamlessly end to start:
    // regex pieces carry their following space; model tokens carry their leading space (" Today").
    // Then any run of pieces re-tokenizes to the same count on the client.
    const joined = SENTENCES.join(' ');
    let texts: string[];
    if (tok instanceof RegexTokenizer) texts = tok.pieces_(`${joined} `);
    else texts = tok.encode(` ${joined}`, { addSpecialTokens: false }).map((id) => tok.decode([id]));
    texts = texts.filter((t) => t.length > 0);
    this.pieces = texts.map(piece);
  }

  /**
   * A random start of n consecutive output pieces, wrapping: token k is pieces[(start + k) %
   * pieces.length]. The engine reads them in place (no per-request array).
   */
  start(rng: Rng): number {
    return rng.int(0, this.pieces.length - 1);
  }
}

/**
 * Output length for random mode. M = the request's max tokens, or
 * max-model-len − prompt tokens when none was given.
 */
export function chooseLength(rng: Rng, M: number, ignoreEos: boolean, maxGiven: boolean): number {
  if (M <= 0) return 0;
  if (ignoreEos) return M;
  if (!maxGiven) {
    if (M < 20) return rng.int(1, M);
    for (let i = 0; i < 1000; i++) {
      const v = Math.round(40 + 20 * rng.gauss());
      if (v >= 1 && v <= M) return v;
    }
    return Math.min(40, M);
  }
  if (M <= 1) return M;
  if (M <= 6) return rng.int(1, M);
  // Six buckets: five split 1..M−1, the last is exactly M (15 % hit the limit).
  const probs = [0.2, 0.3, 0.2, 0.05, 0.1, 0.15];
  let u = rng.next();
  let b = 0;
  while (b < 5 && u >= (probs[b] as number)) {
    u -= probs[b] as number;
    b++;
  }
  if (b === 5) return M;
  const [lo, hi] = bucketRange(M, b);
  return rng.int(lo, hi);
}

/** Bounds of bucket b (0..4) over 1..M−1: equal ranges; for M > 101, 20 wide with the 4th stretched. */
export function bucketRange(M: number, b: number): [number, number] {
  const top = M - 1;
  if (M > 101) {
    if (b < 3) return [b * 20 + 1, b * 20 + 20];
    if (b === 3) return [61, top - 20];
    return [top - 19, top];
  }
  const w = top / 5;
  const lo = Math.floor(b * w) + 1;
  const hi = Math.max(lo, Math.floor((b + 1) * w));
  return [lo, Math.min(hi, top)];
}
