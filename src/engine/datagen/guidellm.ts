import { Rng } from '../../util/rng.ts';
import type { ChatMessage, RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { numTag, SessionGate, specFor } from './common.ts';
import { roundHalfEven } from './distribution.ts';
import { promptBuilder } from './prompt.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface PrefixBucket {
  bucket_weight?: number;
  prefix_count?: number;
  prefix_tokens?: number;
}

/** guidellm's `synthetic_text` data (the fields llm-d profiles use). */
export interface SyntheticTextConfig {
  prompt_tokens: number;
  prompt_tokens_stdev?: number;
  prompt_tokens_min?: number;
  prompt_tokens_max?: number;
  output_tokens?: number;
  output_tokens_stdev?: number;
  output_tokens_min?: number;
  output_tokens_max?: number;
  turns?: number;
  prefix_tokens?: number;
  prefix_count?: number;
  prefix_buckets?: PrefixBucket[];
  /** Engine option: conversations run side by side (multi-turn); the harness sets it to its concurrency. Default 64. */
  parallel_conversations?: number;
  /**
   * Engine option: seed of the prefixes (default: the source's seed). Sources with the same
   * prefix seed and tokenizer share one set of prefix texts (built once, cached), so a run's
   * strategies send the same prefixes without rebuilding them (1,024 × 10,000 tokens is seconds).
   */
  prefix_seed?: number;
}

/** Prefix texts by tokenizer, then by `seed|bucket|k|tokens`: built once per run, shared by its sources. */
const prefixCache = new WeakMap<object, Map<string, string>>();

const FIELDS = ['prompt_tokens', 'prompt_tokens_stdev', 'prompt_tokens_min', 'prompt_tokens_max', 'output_tokens', 'output_tokens_stdev', 'output_tokens_min', 'output_tokens_max'];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, ['kind', 'type', ...FIELDS, 'turns', 'prefix_tokens', 'prefix_count', 'prefix_buckets', 'parallel_conversations', 'prefix_seed']);
  c.number(o, 'prompt_tokens', { int: true, gt: 0, required: true });
  for (const f of FIELDS.slice(1)) c.number(o, f, { min: 0 });
  c.number(o, 'turns', { int: true, min: 1 });
  c.number(o, 'prefix_tokens', { int: true, min: 0 });
  c.number(o, 'prefix_count', { int: true, min: 1 });
  c.number(o, 'parallel_conversations', { int: true, min: 1 });
  c.number(o, 'prefix_seed', { int: true });
  if (o.prefix_buckets != null) {
    if (!Array.isArray(o.prefix_buckets)) c.error(['prefix_buckets'], 'must be a list');
    else
      o.prefix_buckets.forEach((b, i) => {
        const bo = c.object(b, ['prefix_buckets', i]);
        if (!bo) return;
        const sub = new Checker([...c.at, 'prefix_buckets', i]);
        sub.number(bo, 'bucket_weight', { gt: 0 });
        sub.number(bo, 'prefix_count', { int: true, min: 1 });
        sub.number(bo, 'prefix_tokens', { int: true, min: 0 });
        sub.unknownKeys(bo, ['bucket_weight', 'prefix_count', 'prefix_tokens']);
        c.issues.push(...sub.issues);
      });
  }
  return c.issues;
}

/**
 * guidellm's length sampler: min defaults to max(1, mean − 5σ) with a stdev
 * (else mean), max to mean + 5σ (else mean); min == max is constant; no stdev →
 * uniform integers in [min, max]; else round(clip(Gauss(mean, σ), min, max)).
 */
export function guidellmSampler(mean: number, stdev?: number, min?: number, max?: number): (rng: Rng) => number {
  const s = stdev ?? 0;
  const lo = min ?? (s > 0 ? Math.max(1, mean - 5 * s) : mean);
  const hi = max ?? (s > 0 ? mean + 5 * s : mean);
  if (lo === hi) return () => Math.trunc(lo);
  if (!(s > 0)) return (rng) => rng.int(Math.ceil(lo), Math.floor(hi));
  return (rng) => roundHalfEven(Math.min(hi, Math.max(lo, rng.normal(mean, s))));
}

/**
 * guidellm `synthetic_text`: prompts of exactly the sampled token count (no
 * special tokens; the server adds its own), optional output_tokens as
 * max_tokens, prefixes from weighted buckets (completions: prefix + text;
 * chat: a system message). With `turns` > 1 each conversation sends its full
 * history on later turns (chat: user/assistant messages; completions: one
 * string); conversations run in `parallel_conversations` slots, request i →
 * slot i mod slots.
 */
export const syntheticTextSource: DataSourcePlugin<SyntheticTextConfig> = {
  kind: 'synthetic_text',
  description: 'guidellm synthetic_text: sampled prompt/output tokens, weighted prefix buckets, multi-turn',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('synthetic_text', check(cfg));
    const pb = promptBuilder(ctx.tokenizer);
    const root = new Rng(ctx.seed);
    const promptLen = guidellmSampler(cfg.prompt_tokens, cfg.prompt_tokens_stdev, cfg.prompt_tokens_min, cfg.prompt_tokens_max);
    const outLen = cfg.output_tokens !== undefined ? guidellmSampler(cfg.output_tokens, cfg.output_tokens_stdev, cfg.output_tokens_min, cfg.output_tokens_max) : undefined;
    const buckets: Required<PrefixBucket>[] = (
      cfg.prefix_buckets ?? (cfg.prefix_tokens ? [{ prefix_tokens: cfg.prefix_tokens, prefix_count: cfg.prefix_count ?? 1 }] : [])
    ).map((b) => ({ bucket_weight: b.bucket_weight ?? 100, prefix_count: b.prefix_count ?? 1, prefix_tokens: b.prefix_tokens ?? 0 }));
    const pseed = cfg.prefix_seed ?? ctx.seed;
    const proot = new Rng(pseed);
    let cache = prefixCache.get(ctx.tokenizer);
    if (!cache) prefixCache.set(ctx.tokenizer, (cache = new Map()));
    const prefixOf = (bi: number, k: number, tokens: number): string => {
      const key = `${pseed}|${bi}|${k}|${tokens}`;
      let text = cache!.get(key);
      if (text === undefined) cache!.set(key, (text = pb.words(tokens, proot.fork(`prefix-${bi}-${k}`))));
      return text;
    };
    const prefixes = buckets.map((b, bi) => Array.from({ length: b.prefix_count }, (_, k) => prefixOf(bi, k, b.prefix_tokens)));
    const totalWeight = buckets.reduce((a, b) => a + b.bucket_weight, 0);
    const pickPrefix = (rng: Rng): { text: string; tokens: number } | undefined => {
      if (buckets.length === 0) return undefined;
      let w = rng.float() * totalWeight;
      let bi = 0;
      while (bi < buckets.length - 1 && w >= (buckets[bi] as Required<PrefixBucket>).bucket_weight) w -= (buckets[bi++] as Required<PrefixBucket>).bucket_weight;
      const b = buckets[bi] as Required<PrefixBucket>;
      return b.prefix_tokens > 0 ? { text: rng.pick(prefixes[bi] as string[]), tokens: b.prefix_tokens } : undefined;
    };
    const turns = cfg.turns ?? 1;
    type Prefix = { text: string; tokens: number } | undefined;
    /** Request i: the new user text, with the conversation so far (prefix first, then earlier turns). */
    const build = (i: number, history: ChatMessage[], prefix: Prefix, rng: Rng, extra: Partial<RequestSpec>): { spec: RequestSpec; text: string } => {
      const n = promptLen(rng);
      // starts with a space: every piece is one token, so the text is exactly n tokens
      const text = pb.words(n, rng);
      const maxTokens = outLen ? outLen(rng) : undefined;
      const base: Partial<RequestSpec> = { ...(maxTokens !== undefined ? { maxTokens } : {}), tags: { index: i }, ...extra };
      if (ctx.api === 'chat') {
        const messages: ChatMessage[] = [...(prefix ? [{ role: 'system' as const, content: prefix.text }] : []), ...history, { role: 'user', content: text }];
        const spec: RequestSpec = { api: 'chat', stream: ctx.stream, messages, ...(ctx.ignoreEos !== undefined ? { ignoreEos: ctx.ignoreEos } : {}), ...base };
        return { spec, text };
      }
      // completions: prefix, earlier prompts and responses, new text, space-separated
      const prompt = [prefix?.text, ...history.map((m) => m.content), text].reduce<string>(
        (acc, x) => (!x ? acc : acc === '' || /^\s/.test(x) ? acc + x : `${acc} ${x}`),
        '',
      );
      const exact = history.length === 0 ? { promptTokensClient: n + (prefix?.tokens ?? 0) + pb.numSpecial } : {};
      return { spec: specFor(ctx, prompt, { ...base, ...exact }), text };
    };
    if (turns === 1) {
      return { kind: 'synthetic_text', sessions: false, get: (i) => build(i, [], pickPrefix(root.fork(`p${i}`)), root.fork(i), {}).spec };
    }
    const S = cfg.parallel_conversations ?? 64;
    const gate = new SessionGate();
    const state = new Map<number, { conv: number; history: ChatMessage[]; prefix: Prefix; asked: string }>();
    return {
      kind: 'synthetic_text',
      sessions: true,
      sessionKeyOf: (i) => `st-${i % S}`,
      async get(i) {
        const slot = i % S;
        const r = Math.floor(i / S);
        await gate.wait(`st-${slot}`, r);
        const conv = Math.floor(r / turns) * S + slot;
        let st = state.get(slot);
        if (!st || st.conv !== conv) {
          st = { conv, history: [], prefix: pickPrefix(root.fork(`conv-${conv}`)), asked: '' };
          state.set(slot, st);
        }
        const { spec, text } = build(i, st.history, st.prefix, root.fork(i), { sessionKey: `st-${slot}` });
        st.asked = text;
        spec.tags = { ...spec.tags, session: slot, conversation: conv, turn: r % turns, round: r };
        return spec;
      },
      onResponse(spec, res) {
        const slot = numTag(spec, 'session');
        const r = numTag(spec, 'round');
        if (slot === undefined || r === undefined) return;
        const st = state.get(slot);
        if (st && st.conv === numTag(spec, 'conversation')) {
          st.history.push({ role: 'user', content: st.asked }, { role: 'assistant', content: res.ok ? (res.text ?? '') : '' });
        }
        gate.complete(`st-${slot}`, r);
      },
      close: () => gate.close(),
    };
  },
};
