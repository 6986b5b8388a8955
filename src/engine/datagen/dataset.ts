import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LlmdbenchError } from '../../util/errors.ts';
import { Rng } from '../../util/rng.ts';
import type { ChatMessage, RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { PlanningYield, specFor } from './common.ts';
import { checkDistribution, type DistributionConfig } from './distribution.ts';
import { JsonElementReader } from './json-stream.ts';
import type { DataSourceContext, DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export const SHAREGPT_FILE = 'ShareGPT_V3_unfiltered_cleaned_split.json';
export const SHAREGPT_URL =
  'https://huggingface.co/datasets/anon8231489123/ShareGPT_Vicuna_unfiltered/resolve/main/ShareGPT_V3_unfiltered_cleaned_split.json';

export interface DatasetConfig {
  /** A dataset file, or a directory (LLMDBENCH_RUN_DATASET_DIR) holding it. */
  path?: string;
  /** File name inside a directory `path` (LLMDBENCH_RUN_DATASET_FILE). */
  file?: string;
  /** min/max act as filters on prompt tokens (with special tokens) … */
  input_distribution?: DistributionConfig;
  /** … and on completion tokens (turn 1, no special tokens). */
  output_distribution?: DistributionConfig;
  /** Visit the entries in an order shuffled once with the seed (one scan of the file first). Default false (file order). */
  shuffle?: boolean;
  /** max_tokens when the entry gives none (chat mode; inference-perf's client default is 30). */
  default_max_tokens?: number;
  /** Use this max_tokens for every request instead of turn 1's length (vllm --sharegpt-output-len / --custom-output-len). */
  fixed_output_len?: number;
  /** Skip entries whose prompt + completion tokens exceed this (vllm bench's sharegpt filter uses 2048). */
  max_total_tokens?: number;
}

const KEYS = ['type', 'path', 'file', 'input_distribution', 'output_distribution', 'shuffle', 'default_max_tokens', 'fixed_output_len', 'max_total_tokens'];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, KEYS);
  c.string(o, 'path', true);
  c.string(o, 'file');
  c.bool(o, 'shuffle');
  c.number(o, 'default_max_tokens', { int: true, min: 1 });
  c.number(o, 'fixed_output_len', { int: true, min: 1 });
  c.number(o, 'max_total_tokens', { int: true, min: 1 });
  for (const k of ['input_distribution', 'output_distribution']) if (o[k] != null) checkDistribution(c, o[k], [k], 'modern');
  return c.issues;
}

/** Resolve the dataset file from a file or directory path; clear error (with how to fetch it) when missing. */
export function resolveDatasetFile(path: string, file?: string): string {
  const fetchHint = (dir: string) =>
    `fetch it once into ${dir} with \`-x <URL>\` (e.g. -x ${SHAREGPT_URL}), or set LLMDBENCH_RUN_DATASET_DIR / LLMDBENCH_RUN_DATASET_FILE`;
  if (!existsSync(path)) {
    throw new LlmdbenchError('E_DATASET_MISSING', `dataset ${path} does not exist`, {
      kind: 'environment',
      location: { file: path },
      hint: fetchHint(file ? path : resolve(path, '..')),
    });
  }
  if (!statSync(path).isDirectory()) return path;
  if (file) {
    const f = join(path, file);
    if (!existsSync(f)) {
      throw new LlmdbenchError('E_DATASET_MISSING', `dataset file ${f} does not exist`, { kind: 'environment', location: { file: f }, hint: fetchHint(path) });
    }
    return f;
  }
  if (existsSync(join(path, SHAREGPT_FILE))) return join(path, SHAREGPT_FILE);
  const candidates = readdirSync(path).filter((n) => /\.(json|jsonl)$/i.test(n));
  if (candidates.length === 1) return join(path, candidates[0] as string);
  throw new LlmdbenchError(
    'E_DATASET_MISSING',
    candidates.length === 0 ? `no .json/.jsonl dataset in ${path}` : `several datasets in ${path} (${candidates.join(', ')}): name one`,
    { kind: 'environment', location: { file: path }, hint: candidates.length === 0 ? fetchHint(path) : 'set LLMDBENCH_RUN_DATASET_FILE (data `file`)' },
  );
}

const ROLE: Record<string, ChatMessage['role']> = {
  human: 'user', user: 'user', gpt: 'assistant', chatgpt: 'assistant', bard: 'assistant', bing: 'assistant',
  assistant: 'assistant', model: 'assistant', system: 'system', tool: 'tool',
};

/** Normalise one dataset entry to chat turns (sharegpt `conversations[{from,value}]`, `messages[{role,content}]`, or `prompt`). */
export function entryTurns(e: unknown): { turns: ChatMessage[]; outputTokens?: number } | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const o = e as Record<string, unknown>;
  const conv = o.conversations ?? o.conversation ?? o.messages;
  if (Array.isArray(conv)) {
    const turns: ChatMessage[] = [];
    for (const t of conv) {
      if (!t || typeof t !== 'object') return undefined;
      const r = t as Record<string, unknown>;
      const from = String(r.from ?? r.role ?? '').toLowerCase();
      const content = r.value ?? r.content;
      if (typeof content !== 'string') return undefined;
      turns.push({ role: ROLE[from] ?? (turns.length % 2 === 0 ? 'user' : 'assistant'), content });
    }
    return { turns };
  }
  if (typeof o.prompt === 'string') {
    const turns: ChatMessage[] = [{ role: 'user', content: o.prompt }];
    const completion = o.completion ?? o.output ?? o.response;
    if (typeof completion === 'string') turns.push({ role: 'assistant', content: completion });
    const out = o.output_tokens ?? o.output_len;
    return { turns, ...(typeof out === 'number' ? { outputTokens: out } : {}) };
  }
  return undefined;
}

function makeAccept(cfg: DatasetConfig, ctx: DataSourceContext) {
  const inD = cfg.input_distribution;
  const outD = cfg.output_distribution;
  const tok = ctx.tokenizer;
  return (e: { turns: ChatMessage[]; outputTokens?: number }, index: number): RequestSpec | undefined => {
    const t0 = e.turns[0];
    if (!t0) return undefined;
    if (ctx.api === 'chat') {
      const spec: RequestSpec = { api: 'chat', stream: ctx.stream, messages: e.turns, tags: { entry: index } };
      if (ctx.ignoreEos !== undefined) spec.ignoreEos = ctx.ignoreEos;
      const mt = cfg.fixed_output_len ?? e.outputTokens ?? cfg.default_max_tokens;
      if (mt !== undefined) spec.maxTokens = mt;
      return spec;
    }
    // completion: prompt = turn 0, max_tokens = tokenized length of turn 1
    const t1 = e.turns[1];
    if (!t1 && e.outputTokens === undefined && cfg.fixed_output_len === undefined) return undefined;
    const promptTokens = tok.count(t0.content, { addSpecialTokens: true });
    const outTokens = cfg.fixed_output_len ?? e.outputTokens ?? tok.count((t1 as ChatMessage).content, { addSpecialTokens: false });
    if (cfg.max_total_tokens !== undefined && promptTokens + outTokens > cfg.max_total_tokens) return undefined;
    if (inD && ((inD.min !== undefined && promptTokens < inD.min) || (inD.max !== undefined && promptTokens > inD.max))) return undefined;
    if (outD && ((outD.min !== undefined && outTokens < outD.min) || (outD.max !== undefined && outTokens > outD.max))) return undefined;
    if (outTokens <= 0) return undefined;
    return specFor(ctx, t0.content, { maxTokens: outTokens, promptTokensClient: promptTokens, tags: { entry: index } });
  };
}

/**
 * ShareGPT and other JSON / JSONL conversation datasets from a local file or
 * directory. Completion: prompt = turn 0, max_tokens = turn 1's token length,
 * entries outside the input/output min/max skipped. Chat: every turn becomes a
 * message (max_tokens from `default_max_tokens`). Requests cycle through the
 * accepted entries in file order (or shuffled once with `shuffle`).
 */
/** Entries read and tokenized before the run starts (the rest: as they are needed). */
export const DATASET_WARM_ENTRIES = 1024;

export function datasetPlugin(kind: string, description: string): DataSourcePlugin<DatasetConfig> {
  return {
    kind,
    description,
    validate: check,
    async create(cfg, ctx): Promise<RequestSource> {
      throwIfErrors(kind, check(cfg));
      const file = resolveDatasetFile(resolve(ctx.baseDir ?? '.', cfg.path as string), cfg.file);
      const reader = new JsonElementReader(file);
      const accept = makeAccept(cfg, ctx);
      const accepted: RequestSpec[] = [];
      let exhausted = false;
      let bad = 0;
      const consider = (text: string, index: number): boolean => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          bad++;
          return false;
        }
        const turns = entryTurns(parsed);
        const spec = turns ? accept(turns, index) : undefined;
        if (spec) accepted.push(spec);
        return spec !== undefined;
      };
      const nextText = (): string | undefined => {
        try {
          return reader.nextText();
        } catch (e) {
          throw new LlmdbenchError('E_DATASET_PARSE', (e as Error).message, { kind: 'environment', location: { file } });
        }
      };
      // shuffle: one scan records every element's byte range (no tokenizing), the ranges
      // are shuffled with the seed, and entries are then read and tokenized lazily in that order
      let order: { start: number; end: number; index: number }[] | undefined;
      let cursor = 0;
      const step = new PlanningYield(ctx.signal, `reading ${file}`);
      if (cfg.shuffle) {
        order = [];
        for (;;) {
          await step.tick();
          let more: boolean;
          try {
            more = reader.skip();
          } catch (e) {
            throw new LlmdbenchError('E_DATASET_PARSE', (e as Error).message, { kind: 'environment', location: { file } });
          }
          if (!more) break;
          order.push({ start: reader.lastStart, end: reader.lastEnd, index: reader.index - 1 });
        }
        new Rng(ctx.seed).fork('shuffle').shuffle(order);
      }
      const pull = (): boolean => {
        for (;;) {
          if (order) {
            const o = order[cursor++];
            if (!o) {
              exhausted = true;
              return false;
            }
            if (consider(reader.readRange(o.start, o.end), o.index)) return true;
            continue;
          }
          const text = nextText();
          if (text === undefined) {
            exhausted = true;
            return false;
          }
          if (consider(text, reader.index - 1)) return true;
        }
      };
      // tokenize the first entries now, not on the event loop while the first requests go out;
      // the rest are read and tokenized as the dispatcher prefetches them (a bounded lookahead,
      // so a plan of millions of requests starts at once)
      const want = Math.min(ctx.totalCount ?? 0, DATASET_WARM_ENTRIES);
      while (!exhausted && accepted.length < want) {
        await step.tick();
        pull();
      }
      const noneError = () =>
        new LlmdbenchError('E_DATASET_EMPTY', `no usable entry in ${file}${bad ? ` (${bad} unparsable)` : ''}`, {
          kind: 'usage',
          location: { file },
          hint: 'check the format (sharegpt conversations[{from,value}], messages[{role,content}] or prompt) and the input/output min/max filters',
        });
      const source: RequestSource & { size?: number } = {
        kind,
        sessions: false,
        get(i) {
          while (!exhausted && accepted.length <= i) pull();
          if (accepted.length === 0) throw noneError();
          if (exhausted) source.size = accepted.length;
          const base = accepted[i % accepted.length] as RequestSpec;
          return { ...base, tags: { ...base.tags, index: i } };
        },
        close: () => reader.close(),
      };
      // fail early on an empty or unusable file
      source.get(0);
      return source;
    },
  };
}

export const sharegptSource = datasetPlugin('sharegpt', 'ShareGPT-format (or other JSON/JSONL conversation) dataset from a local file or directory');
