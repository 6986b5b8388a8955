import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmdbenchError } from '../../util/errors.ts';
import { Rng } from '../../util/rng.ts';
import { Checker, throwIfErrors } from './check.ts';
import { specFor } from './common.ts';
import { promptBuilder } from './prompt.ts';
import { DEFAULT_CORPUS, SYNTHETIC_INSTRUCTION } from './synthetic.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

/** vllm bench `random`: --random-input-len, --random-output-len, --random-range-ratio, --random-prefix-len. */
export interface VllmRandomConfig {
  input_len?: number;
  output_len?: number;
  range_ratio?: number;
  prefix_len?: number;
}

function checkRandom(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, ['input_len', 'output_len', 'range_ratio', 'prefix_len']);
  c.number(o, 'input_len', { int: true, min: 1 });
  c.number(o, 'output_len', { int: true, min: 1 });
  c.number(o, 'prefix_len', { int: true, min: 0 });
  const r = c.number(o, 'range_ratio', { min: 0 });
  if (r !== undefined && r >= 1) c.error(['range_ratio'], `must be in [0, 1), got ${r}`);
  return c.issues;
}

/**
 * vllm bench's random dataset: input lengths uniform on the integers
 * [floor(real·(1−r)), ceil(real·(1+r))] with real = input_len − special tokens,
 * outputs on [max(1, floor(out·(1−r))), ceil(out·(1+r))], one shared prefix of
 * prefix_len tokens. The server sees prefix_len + drawn input (+ BOS) tokens.
 * (vllm uses runs of consecutive token ids; we use random words: same counts.)
 */
export const vllmRandomSource: DataSourcePlugin<VllmRandomConfig> = {
  kind: 'vllm_random',
  description: 'vllm bench random: uniform lengths within ±range_ratio, optional shared prefix',
  validate: checkRandom,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('vllm_random', checkRandom(cfg));
    const pb = promptBuilder(ctx.tokenizer);
    const r = cfg.range_ratio ?? 0;
    const real = Math.max(0, (cfg.input_len ?? 1024) - pb.numSpecial);
    const out = cfg.output_len ?? 128;
    const [inLo, inHi] = [Math.floor(real * (1 - r)), Math.ceil(real * (1 + r))];
    const [outLo, outHi] = [Math.max(1, Math.floor(out * (1 - r))), Math.ceil(out * (1 + r))];
    const root = new Rng(ctx.seed);
    const prefixLen = cfg.prefix_len ?? 0;
    const prefix = pb.words(prefixLen, root.fork('prefix'));
    return {
      kind: 'vllm_random',
      sessions: false,
      get(i) {
        const rng = root.fork(i);
        const n = rng.int(inLo, inHi);
        const maxTokens = rng.int(outLo, outHi);
        return specFor(ctx, prefix + pb.words(n, rng), { maxTokens, promptTokensClient: prefixLen + n + pb.numSpecial, tags: { index: i } });
      },
    };
  },
};

/** vllm bench `prefix_repetition`. */
export interface PrefixRepetitionConfig {
  prefix_len?: number;
  suffix_len?: number;
  num_prefixes?: number;
  output_len?: number;
}

function checkRep(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, ['prefix_len', 'suffix_len', 'num_prefixes', 'output_len']);
  c.number(o, 'prefix_len', { int: true, min: 0 });
  c.number(o, 'suffix_len', { int: true, min: 0 });
  c.number(o, 'num_prefixes', { int: true, min: 1 });
  c.number(o, 'output_len', { int: true, min: 1 });
  return c.issues;
}

/**
 * vllm bench's prefix_repetition: num_prefixes prefixes of prefix_len tokens,
 * each request = one prefix + a fresh random suffix of suffix_len tokens. Each
 * block of num_prefixes consecutive requests uses every prefix once, in a
 * shuffled order (vllm builds equal counts per prefix and shuffles).
 */
export const prefixRepetitionSource: DataSourcePlugin<PrefixRepetitionConfig> = {
  kind: 'prefix_repetition',
  description: 'vllm bench prefix_repetition: repeated prefixes + random suffixes',
  validate: checkRep,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('prefix_repetition', checkRep(cfg));
    const pb = promptBuilder(ctx.tokenizer);
    const P = cfg.num_prefixes ?? 10;
    const prefixLen = cfg.prefix_len ?? 256;
    const suffixLen = cfg.suffix_len ?? 256;
    const root = new Rng(ctx.seed);
    const prefixes = Array.from({ length: P }, (_, p) => pb.words(prefixLen, root.fork(`prefix-${p}`)));
    const orders = new Map<number, number[]>();
    const orderOf = (block: number): number[] => {
      let o = orders.get(block);
      if (!o) {
        o = root.fork(`block-${block}`).shuffle(Array.from({ length: P }, (_, k) => k));
        orders.set(block, o);
        if (orders.size > 1024) orders.delete(orders.keys().next().value as number);
      }
      return o;
    };
    return {
      kind: 'prefix_repetition',
      sessions: false,
      get(i) {
        const p = orderOf(Math.floor(i / P))[i % P] as number;
        const text = (prefixes[p] as string) + pb.words(suffixLen, root.fork(i));
        return specFor(ctx, text, { maxTokens: cfg.output_len ?? 128, promptTokensClient: prefixLen + suffixLen + pb.numSpecial, tags: { index: i, prefix: p } });
      },
    };
  },
};

/** vllm bench `sonnet` (deprecated upstream, still used by llm-d's sonnet_concurrent profile). */
export interface SonnetConfig {
  input_len?: number;
  output_len?: number;
  prefix_len?: number;
  /** Poem lines, one per line; default: the shipped public-domain corpus. */
  path?: string;
}

function checkSonnet(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, ['input_len', 'output_len', 'prefix_len', 'path']);
  const inLen = c.number(o, 'input_len', { int: true, min: 1 });
  c.number(o, 'output_len', { int: true, min: 1 });
  const pre = c.number(o, 'prefix_len', { int: true, min: 0 });
  if (inLen !== undefined && pre !== undefined && pre > inLen) c.error(['prefix_len'], `must be <= input_len (${inLen})`);
  c.string(o, 'path');
  return c.issues;
}

/**
 * vllm bench's sonnet: "Pick as many lines as you can from these poem lines:\n",
 * then round((prefix_len − base)/avg_line) lines from the start of the file
 * (shared by every request), then random lines (with replacement) up to
 * round((input_len − base)/avg_line) lines in all. Lengths are approximate by
 * construction, as in vllm (which also measures after its chat template);
 * promptTokensClient is the sum of the line counts.
 */
export const sonnetSource: DataSourcePlugin<SonnetConfig> = {
  kind: 'sonnet',
  description: 'vllm bench sonnet: instruction + shared poem-line prefix + random poem lines',
  validate: checkSonnet,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('sonnet', checkSonnet(cfg));
    const file = cfg.path ? resolve(ctx.baseDir ?? '.', cfg.path) : DEFAULT_CORPUS;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new LlmdbenchError('E_DATA_CORPUS', `cannot read poem lines ${file}: ${(e as Error).message}`, { kind: 'environment', location: { file } });
    }
    const tok = ctx.tokenizer;
    // poem lines only: prose paragraphs (over 40 tokens) would make lengths swing widely
    const lines = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => `${l}\n`)
      .filter((l) => tok.count(l, { addSpecialTokens: false }) <= 40);
    if (lines.length === 0) throw new LlmdbenchError('E_DATA_CORPUS', `${file} has no poem lines (of at most 40 tokens)`, { kind: 'environment', location: { file } });
    const lineTokens = lines.map((l) => tok.count(l, { addSpecialTokens: false }));
    const avg = lineTokens.reduce((a, b) => a + b, 0) / lines.length;
    const base = tok.count(SYNTHETIC_INSTRUCTION, { addSpecialTokens: true });
    const inputLen = cfg.input_len ?? 550;
    const numPrefix = Math.max(0, Math.round(((cfg.prefix_len ?? 200) - base) / avg));
    const numInput = Math.max(numPrefix, Math.round((inputLen - base) / avg));
    const prefixLines: string[] = [];
    let prefixTokens = base;
    for (let k = 0; k < numPrefix; k++) {
      prefixLines.push(lines[k % lines.length] as string);
      prefixTokens += lineTokens[k % lines.length] as number;
    }
    const prefix = SYNTHETIC_INSTRUCTION + prefixLines.join('');
    const root = new Rng(ctx.seed);
    return {
      kind: 'sonnet',
      sessions: false,
      get(i) {
        const rng = root.fork(i);
        const extra: string[] = [];
        let tokens = prefixTokens;
        for (let k = numPrefix; k < numInput; k++) {
          const l = rng.int(0, lines.length - 1);
          extra.push(lines[l] as string);
          tokens += lineTokens[l] as number;
        }
        // lines start at pre-tokenizer boundaries, so the sum is the count (no encode per prompt)
        return specFor(ctx, prefix + extra.join(''), { maxTokens: cfg.output_len ?? 150, promptTokensClient: tokens, tags: { index: i } });
      },
    };
  },
};
