import { Registry } from '../../util/registry.ts';
import type { ApiKind, RequestSpec } from '../types.ts';

/** What one parsed streaming chunk says; filled by an ApiClient, reused across chunks. */
export interface ChunkView {
  /** Content text of this chunk ('' when none: role-only, usage-only, reasoning...). */
  text: string;
  /** The chunk had a non-empty `choices` array (vllm bench's notion of a token chunk). */
  hasChoices: boolean;
  finishReason: string | undefined;
}

/**
 * One OpenAI-compatible API: its path, how a RequestSpec becomes a body, and
 * where content sits in a streamed chunk and in a whole response.
 */
export interface ApiClient {
  readonly kind: ApiKind;
  /** Path under the base URL, e.g. `/v1/completions`. */
  readonly path: string;
  /** The JSON key holding a streamed chunk's content text (`text`, or `content` under `delta`): the recorder's same-shape fast path (recorder.ts). */
  readonly contentKey: string;
  buildBody(spec: RequestSpec, model: string): Record<string, unknown>;
  /** Fill `out` from one parsed chunk object. */
  readChunk(chunk: Record<string, unknown>, out: ChunkView): void;
  /** Text and finish reason of a non-streamed response body. */
  readWhole(body: Record<string, unknown>): { text: string; finishReason?: string };
}

/** Fields every API shares: max_tokens, ignore_eos, stream, stream_options, extra body last. */
function commonBody(spec: RequestSpec, model: string, input: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { model, ...input };
  if (spec.maxTokens !== undefined) body.max_tokens = spec.maxTokens;
  if (spec.ignoreEos !== undefined) body.ignore_eos = spec.ignoreEos;
  body.stream = spec.stream;
  if (spec.stream) body.stream_options = { include_usage: true };
  if (spec.extraBody) Object.assign(body, spec.extraBody);
  return body;
}

function firstChoice(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const ch = o.choices;
  if (!Array.isArray(ch) || ch.length === 0) return undefined;
  const c = ch[0] as unknown;
  return c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : undefined;
}

function finish(c: Record<string, unknown>): string | undefined {
  return typeof c.finish_reason === 'string' ? c.finish_reason : undefined;
}

export const completionClient: ApiClient = {
  kind: 'completion',
  path: '/v1/completions',
  contentKey: 'text',
  buildBody(spec, model) {
    return commonBody(spec, model, { prompt: spec.prompt ?? '' });
  },
  readChunk(chunk, out) {
    const c = firstChoice(chunk);
    out.hasChoices = c !== undefined;
    out.text = c !== undefined && typeof c.text === 'string' ? c.text : '';
    out.finishReason = c !== undefined ? finish(c) : undefined;
  },
  readWhole(body) {
    const c = firstChoice(body);
    return { text: c && typeof c.text === 'string' ? c.text : '', finishReason: c ? finish(c) : undefined };
  },
};

export const chatClient: ApiClient = {
  kind: 'chat',
  path: '/v1/chat/completions',
  contentKey: 'content',
  buildBody(spec, model) {
    return commonBody(spec, model, { messages: spec.messages ?? [{ role: 'user', content: spec.prompt ?? '' }] });
  },
  readChunk(chunk, out) {
    const c = firstChoice(chunk);
    out.hasChoices = c !== undefined;
    const d = c?.delta as Record<string, unknown> | undefined;
    // delta.content only: reasoning and tool-call deltas are not output text (inference-perf §2.6).
    out.text = d && typeof d.content === 'string' ? d.content : '';
    out.finishReason = c !== undefined ? finish(c) : undefined;
  },
  readWhole(body) {
    const c = firstChoice(body);
    const m = c?.message as Record<string, unknown> | undefined;
    return { text: m && typeof m.content === 'string' ? m.content : '', finishReason: c ? finish(c) : undefined };
  },
};

/** API clients keyed by kind. */
export const apiClients = new Registry<ApiKind, ApiClient>('API client').register(completionClient).register(chatClient);
