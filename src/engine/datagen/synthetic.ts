import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmdbenchError } from '../../util/errors.ts';
import { Rng } from '../../util/rng.ts';
import { Checker, IP_DATA_KEYS, throwIfErrors } from './check.ts';
import { specFor } from './common.ts';
import { checkDistribution, LengthSequence, resolveDistribution, type DistributionConfig } from './distribution.ts';
import { promptBuilder } from './prompt.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface SyntheticConfig {
  input_distribution?: DistributionConfig;
  output_distribution?: DistributionConfig;
  /** Text corpus; default: the public-domain poems shipped in corpus/. */
  corpus_file_path?: string;
}

/** inference-perf's instruction line. */
export const SYNTHETIC_INSTRUCTION = 'Pick as many lines as you can from these poem lines:\n';
export const DEFAULT_CORPUS = new URL('./corpus/public-domain-poems.txt', import.meta.url).pathname;

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  if (o.input_distribution === undefined || o.input_distribution === null) c.error(['input_distribution'], 'is required for synthetic data');
  else checkDistribution(c, o.input_distribution, ['input_distribution'], 'legacy');
  if (o.output_distribution === undefined || o.output_distribution === null) c.error(['output_distribution'], 'is required for synthetic data');
  else checkDistribution(c, o.output_distribution, ['output_distribution'], 'legacy');
  c.string(o, 'corpus_file_path');
  c.unknownKeys(o, [...IP_DATA_KEYS, 'type', 'input_distribution', 'output_distribution', 'corpus_file_path']);
  return c.issues;
}

/**
 * inference-perf's `synthetic`: the instruction line, then a contiguous slice
 * of the corpus token stream starting at a random line, sized so the whole
 * prompt tokenizes to exactly the drawn input length (the corpus wraps around).
 */
export const syntheticSource: DataSourcePlugin<SyntheticConfig> = {
  kind: 'synthetic',
  description: 'instruction line + a corpus slice of exactly the drawn token length',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('synthetic', check(cfg));
    const tok = ctx.tokenizer;
    const file = cfg.corpus_file_path ? resolve(ctx.baseDir ?? '.', cfg.corpus_file_path) : DEFAULT_CORPUS;
    let corpus: string;
    try {
      corpus = readFileSync(file, 'utf8');
    } catch (e) {
      throw new LlmdbenchError('E_DATA_CORPUS', `cannot read corpus ${file}: ${(e as Error).message}`, {
        kind: 'environment',
        location: { file, keyPath: 'data.corpus_file_path' },
        hint: 'give a readable UTF-8 text file, or omit corpus_file_path to use the shipped corpus',
      });
    }
    if (!corpus.endsWith('\n')) corpus += '\n';
    const root = new Rng(ctx.seed);
    const inLens = new LengthSequence(resolveDistribution(cfg.input_distribution), root.fork('input'), 'legacy');
    const outLens = new LengthSequence(resolveDistribution(cfg.output_distribution), root.fork('output'), 'legacy');
    const text = root.fork('text');
    const pb = promptBuilder(tok);
    const headerTokens = tok.count(SYNTHETIC_INSTRUCTION, { addSpecialTokens: true });
    const noSpecial = { addSpecialTokens: false };

    // Fast path: whole corpus lines (each tokenized once, with its newline), then the
    // first tokens of the next line, then random words for any remainder. A line
    // start is a pre-tokenizer boundary, so counts add up without encoding the
    // prompt; verified on probes below, else the slow path re-encodes every prompt.
    const lines = corpus.split('\n').filter((l) => l.trim() !== '').map((l) => `${l}\n`);
    if (lines.length === 0) throw new LlmdbenchError('E_DATA_CORPUS', `corpus ${file} has no text`, { kind: 'environment', location: { file } });
    const lineIds = lines.map((l) => tok.encode(l, noSpecial));
    const fast = (n: number, rng: Rng): string => {
      if (n <= headerTokens) return pb.exact(n, rng);
      const k = n - headerTokens;
      const parts = [SYNTHETIC_INSTRUCTION];
      let l = rng.int(0, lines.length - 1);
      let total = 0;
      for (let guard = 0; total + (lineIds[l] as number[]).length <= k && guard < 10_000_000; guard++) {
        parts.push(lines[l] as string);
        total += (lineIds[l] as number[]).length;
        l = (l + 1) % lines.length;
      }
      let r = k - total;
      const ids = (lineIds[l] as number[]).slice(0, r);
      while (ids.length > 0) {
        const partial = tok.decode(ids);
        const c = tok.count(partial, noSpecial);
        if (c <= r) {
          parts.push(partial);
          r -= c;
          break;
        }
        ids.pop();
      }
      parts.push(pb.words(r, rng));
      return parts.join('');
    };

    // Slow path: a token-window slice of the corpus, re-encoded and adjusted (up to 20 rounds).
    let ids: number[] = [];
    const starts: number[] = [0];
    const prepareSlow = (): void => {
      if (ids.length > 0) return;
      ids = tok.encode(corpus, noSpecial);
      for (let p = 0; p + 1 < ids.length; p++) if (tok.decode([ids[p] as number]).endsWith('\n')) starts.push(p + 1);
    };
    const window = (start: number, k: number): number[] => {
      const out = new Array<number>(k);
      for (let j = 0; j < k; j++) out[j] = ids[(start + j) % ids.length] as number;
      return out;
    };
    const slow = (n: number, rng: Rng): string => {
      if (n <= headerTokens) return pb.exact(n, rng);
      prepareSlow();
      const start = rng.pick(starts);
      let k = n - headerTokens;
      for (let round = 0; round < 20 && k > 0; round++) {
        const s = SYNTHETIC_INSTRUCTION + tok.decode(window(start, k));
        const c = tok.count(s, { addSpecialTokens: true });
        if (c === n) return s;
        k += n - c;
      }
      // did not converge (pathological corpus): exact random words instead
      return pb.exact(n, rng);
    };

    const probeRng = root.fork('probe');
    let composable = pb.composable;
    for (let i = 0; i < 48 && composable; i++) {
      const n = i < 8 ? headerTokens + i : probeRng.int(headerTokens, 4096);
      if (tok.count(fast(n, probeRng), { addSpecialTokens: true }) !== n) composable = false;
    }
    if (!composable) ctx.log.debug(`synthetic: corpus lines do not compose under ${tok.name}; re-encoding every prompt (slower)`);
    const build = composable ? fast : slow;
    return {
      kind: 'synthetic',
      sessions: false,
      get(i) {
        const n = inLens.at(i);
        return specFor(ctx, build(n, text.fork(i)), {
          maxTokens: outLens.at(i),
          promptTokensClient: Math.max(n, pb.numSpecial),
          tags: { index: i },
        });
      },
    };
  },
};
