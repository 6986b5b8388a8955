/**
 * GuideLLM's `spec.data` → our `synthetic_text` data source (src/engine/datagen/guidellm.ts:
 * its length sampler with stdev/min/max, prefix buckets, multi-turn history), and the request
 * body as GuideLLM's openai_http backend builds it (harness-formats §3.4): streamed with
 * `stream_options {include_usage, continuous_usage_stats}`; when the row has an output length,
 * `max_tokens` (completions) or `max_completion_tokens` (chat) plus `stop: null, ignore_eos: true`;
 * `extras.body` merged last. Other data kinds would need files or the network: an error before
 * any load. Also measures each prompt's words/characters for the report's text blocks (off the
 * hot path: when the request is built).
 */
import { dataSources, type RequestSource } from '../../engine/datagen/index.ts';
import type { Tokenizer } from '../../engine/tokenizer/types.ts';
import type { RequestSpec } from '../../engine/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { ProfileIssue } from '../types.ts';
import type { GlConfig } from './config-map.ts';

type Obj = Record<string, unknown>;
const isRecord = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SYNTHETIC_KEYS = [
  'prompt_tokens', 'prompt_tokens_stdev', 'prompt_tokens_min', 'prompt_tokens_max',
  'output_tokens', 'output_tokens_stdev', 'output_tokens_min', 'output_tokens_max',
  'turns', 'prefix_tokens', 'prefix_count', 'prefix_buckets',
];
/** Fields GuideLLM has that we do not generate yet: an error if set (the load would differ). */
const UNSUPPORTED = ['first_prompt_tokens', 'first_output_tokens', 'delay', 'tool_call_turns', 'tools', 'tool_response_tokens', 'server_tool_call_turns', 'branches'];

/** The synthetic_text config for our source (null/empty fields dropped). Throws for anything we cannot generate. */
export function mapData(cfg: GlConfig): Obj {
  const data = cfg.spec.data;
  if (data.length !== 1) {
    throw new LlmdbenchError('E_GL_UNSUPPORTED', `spec.data has ${data.length} sources; llmdbench runs exactly one`, { location: { keyPath: 'spec.data' } });
  }
  const d = data[0]!;
  if (d.kind !== 'synthetic_text') {
    const network = d.kind === 'huggingface';
    throw new LlmdbenchError(network ? 'E_DATA_NEEDS_NETWORK' : 'E_GL_UNSUPPORTED', `spec.data[0].kind ${String(d.kind)} is not supported by llmdbench${network ? ' (it would download a dataset; runs are offline)' : ''}`, {
      location: { keyPath: 'spec.data.0.kind' },
      hint: 'use kind: synthetic_text',
    });
  }
  const out: Obj = {};
  for (const k of SYNTHETIC_KEYS) if (d[k] !== undefined && d[k] !== null) out[k] = d[k];
  const bad = UNSUPPORTED.filter((k) => Object.keys(d).some((x) => x.startsWith(k) && d[x] !== null && d[x] !== undefined && !(Array.isArray(d[x]) && (d[x] as unknown[]).length === 0) && !(isRecord(d[x]) && Object.keys(d[x]).length === 0)));
  if (bad.length > 0) {
    throw new LlmdbenchError('E_GL_UNSUPPORTED', `synthetic_text field(s) ${bad.join(', ')} are not supported by llmdbench yet`, { location: { keyPath: `spec.data.0.${bad[0]}` } });
  }
  return out;
}

const fmt = (i: ProfileIssue): string => `${i.path.join('.')}: ${i.message}`;

/** Validate the mapped data config (every problem at once). */
export function checkData(cfg: GlConfig): void {
  const errors = dataSources.get('synthetic_text').validate(mapData(cfg), ['spec', 'data', 0]).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new LlmdbenchError('E_GL_DATA', 'spec.data[0] cannot be used', { details: errors.map(fmt), location: { keyPath: 'spec.data.0' } });
}

/** Words and characters of a prompt (GuideLLM's text metrics). */
export function textSize(s: string): { words: number; chars: number } {
  const t = s.trim();
  return { words: t === '' ? 0 : t.split(/\s+/).length, chars: s.length };
}

function promptText(spec: RequestSpec): string {
  return spec.messages ? spec.messages.map((m) => m.content).join(' ') : (spec.prompt ?? '');
}

export interface GlSource {
  source: RequestSource;
  /** Build request i as GuideLLM would send it; records its prompt size under i. */
  get(i: number): Promise<RequestSpec>;
  inputSize: Map<number, { words: number; chars: number }>;
}

/**
 * Open the source for one strategy. `conversations` = parallel conversations of a multi-turn
 * source (the strategy's concurrency); `seed` differs per strategy as GuideLLM reseeds each run.
 */
export async function openSource(cfg: GlConfig, o: { tokenizer: Tokenizer; seed: number; conversations: number; log: Logger; totalCount: number }): Promise<GlSource> {
  // every strategy sends the same prefixes (from the scenario's seed), built once and shared
  const dcfg = { ...mapData(cfg), parallel_conversations: Math.max(1, Math.min(o.conversations, 4096)), prefix_seed: cfg.spec.seed.value };
  const chat = cfg.spec.backend.request_format === '/v1/chat/completions';
  const source = await dataSources.get('synthetic_text').create(dcfg, {
    tokenizer: o.tokenizer,
    seed: o.seed,
    api: chat ? 'chat' : 'completion',
    stream: cfg.spec.backend.stream,
    log: o.log,
    totalCount: o.totalCount,
  });
  const extras = cfg.spec.backend.extras;
  const extraBody = extras && typeof extras.body === 'object' && extras.body !== null ? (extras.body as Obj) : {};
  const inputSize = new Map<number, { words: number; chars: number }>();
  return {
    source,
    inputSize,
    async get(i) {
      const spec = await source.get(i);
      const out = spec.maxTokens ?? cfg.spec.backend.max_tokens ?? undefined;
      const body: Obj = {};
      if (spec.stream) body.stream_options = { include_usage: true, continuous_usage_stats: true };
      delete spec.maxTokens;
      delete spec.ignoreEos;
      if (out !== undefined && out !== null) {
        if (chat) body.max_completion_tokens = out;
        else spec.maxTokens = out;
        body.stop = null;
        spec.ignoreEos = true;
      }
      spec.extraBody = { ...(spec.extraBody ?? {}), ...body, ...extraBody };
      inputSize.set(i, textSize(promptText(spec)));
      return spec;
    },
  };
}
