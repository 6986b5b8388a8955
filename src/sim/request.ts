/**
 * Validation of /v1/completions and /v1/chat/completions bodies into one
 * request description (spec A.4, A.5 step 7). Sampling fields are accepted
 * and ignored, as upstream.
 */
import type { ApiError } from './errors.ts';

export type Endpoint = 'completion' | 'chat';

export interface ParsedRequest {
  endpoint: Endpoint;
  model: string;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  /** max_completion_tokens ?? max_tokens, when given. */
  maxTokens: number | undefined;
  ignoreEos: boolean;
  /** The text the prompt is counted from (chat: upstream's "### role: content\n" rendering). */
  promptText: string;
  /** Token-id prompts are used as-is; also set when the server tokenized promptText off the loop (offloop.ts). */
  promptIds: number[] | undefined;
  /** Whether promptText is encoded with the tokenizer's special tokens (BOS): vLLM's `add_special_tokens` (completions default true, chat false). */
  addSpecialTokens: boolean;
  /** Chat: the messages as the model's chat template reads them (text parts joined by "\n"). */
  messages: ChatMessage[] | undefined;
  /** What echo mode returns: completions: the prompt; chat: the last message's content. */
  echoText: string;
  remotePrefill: boolean;
  remoteDecode: boolean;
  cacheHitThreshold: number | undefined;
}

/** One chat message for a chat template (vLLM's "string" content format). */
export interface ChatMessage {
  role: string;
  content: string;
  [k: string]: unknown;
}

const bad = (message: string, param: string | null = null): ApiError => ({ status: 400, message, param });

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const p of content as Array<Record<string, unknown>>) {
    if (p && p['type'] === 'text' && typeof p['text'] === 'string') parts.push(p['text']);
    else if (p && p['type'] === 'image_url') parts.push(`image: ${JSON.stringify((p['image_url'] as Record<string, unknown> | undefined)?.['url'] ?? '')}`);
  }
  return parts.join('\n');
}

/** Content as vLLM hands it to a string-format chat template: the text parts joined by newlines. */
function templateText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const p of content as Array<Record<string, unknown>>) if (p && p['type'] === 'text' && typeof p['text'] === 'string') parts.push(p['text']);
  return parts.join('\n');
}

export function parseRequest(endpoint: Endpoint, body: unknown): ParsedRequest | ApiError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('Failed to read and parse request body, the body must be a JSON object');
  const b = body as Record<string, unknown>;
  // Upstream decodes into typed Go structs: a wrong JSON type fails the body parse.
  for (const f of ['stream', 'ignore_eos'] as const) {
    if (b[f] !== undefined && b[f] !== null && typeof b[f] !== 'boolean') return bad(`Failed to read and parse request body, ${f} must be a boolean`, f);
  }
  for (const f of ['stream_options', 'kv_transfer_params'] as const) {
    if (b[f] !== undefined && b[f] !== null && (typeof b[f] !== 'object' || Array.isArray(b[f]))) return bad(`Failed to read and parse request body, ${f} must be an object`, f);
  }
  if (typeof b['model'] !== 'string' || b['model'] === '') return bad("Invalid request: missing required parameter 'model'.", 'model');
  const n = b['n'];
  if (n !== undefined && n !== null) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return bad('n must be at least 1', 'n');
    if (n > 1) return bad('n > 1 is not supported by llmdbench sim (send n=1)', 'n');
  }
  const mt = endpoint === 'chat' ? (b['max_completion_tokens'] ?? b['max_tokens']) : b['max_tokens'];
  if (mt !== undefined && mt !== null && (typeof mt !== 'number' || !Number.isInteger(mt))) return bad('max_tokens must be an integer', 'max_tokens');
  const maxTokens = typeof mt === 'number' ? mt : undefined;
  if (maxTokens !== undefined && maxTokens <= 0) return bad('Max completion tokens and max tokens should be positive', 'max_tokens');
  const ignoreEos = b['ignore_eos'] === true;
  if (ignoreEos && maxTokens === undefined) return bad('Ignore_eos is true but max_completion_tokens (or max_tokens) is not set', 'ignore_eos');
  const stream = b['stream'] === true;
  const so = (typeof b['stream_options'] === 'object' && b['stream_options'] !== null ? b['stream_options'] : {}) as Record<string, unknown>;
  const kv = (typeof b['kv_transfer_params'] === 'object' && b['kv_transfer_params'] !== null ? b['kv_transfer_params'] : {}) as Record<string, unknown>;
  const remoteDecode = kv['do_remote_decode'] === true;
  if (stream && remoteDecode) return bad('Prefill does not support streaming');
  const ast = b['add_special_tokens'];
  if (ast !== undefined && ast !== null && typeof ast !== 'boolean') return bad('Failed to read and parse request body, add_special_tokens must be a boolean', 'add_special_tokens');
  const cht = b['cache_hit_threshold'];
  const common = {
    endpoint,
    model: b['model'],
    stream,
    includeUsage: so['include_usage'] === true,
    continuousUsage: so['include_usage'] === true && so['continuous_usage_stats'] === true,
    maxTokens,
    ignoreEos,
    remotePrefill: kv['do_remote_prefill'] === true,
    remoteDecode,
    cacheHitThreshold: typeof cht === 'number' ? cht : undefined,
  };
  if (endpoint === 'chat') {
    const msgs = b['messages'];
    if (!Array.isArray(msgs) || msgs.length === 0) return bad("Invalid request: 'messages' must be a non-empty array.", 'messages');
    let text = '';
    let last = '';
    const messages: ChatMessage[] = [];
    for (const m of msgs as unknown[]) {
      if (typeof m !== 'object' || m === null || typeof (m as Record<string, unknown>)['role'] !== 'string') return bad("Invalid request: every message needs a 'role'.", 'messages');
      const mm = m as Record<string, unknown>;
      const c = contentText(mm['content']);
      if (c === undefined) return bad("Invalid request: message 'content' must be a string or an array of content parts.", 'messages');
      const toolId = typeof mm['tool_call_id'] === 'string' ? `(${mm['tool_call_id']})` : '';
      text += `### ${mm['role'] as string}${toolId}: ${c}\n`;
      last = c;
      messages.push({ ...mm, role: mm['role'] as string, content: templateText(mm['content']) });
    }
    return { ...common, addSpecialTokens: ast === true, messages, promptText: text, promptIds: undefined, echoText: last };
  }
  const p = b['prompt'];
  const compl = { ...common, addSpecialTokens: ast !== false, messages: undefined };
  if (typeof p === 'string') {
    if (p === '') return bad('prompt must not be empty', 'prompt');
    return { ...compl, promptText: p, promptIds: undefined, echoText: p };
  }
  if (Array.isArray(p)) {
    if (p.length === 0) return bad('prompt array must contain at least one prompt', 'prompt');
    if (p.every((x) => typeof x === 'number' && Number.isInteger(x))) return { ...compl, promptText: '', promptIds: p as number[], echoText: (p as number[]).join(',') };
    if (p.length > 1) return bad('more than one prompt per request is not supported by llmdbench sim (send one)', 'prompt');
    const one = p[0];
    if (typeof one === 'string' && one !== '') return { ...compl, promptText: one, promptIds: undefined, echoText: one };
    if (Array.isArray(one) && one.length > 0 && one.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      return { ...compl, promptText: '', promptIds: one as number[], echoText: (one as number[]).join(',') };
    }
    return bad('prompt array element must be a non-empty string or token-id array', 'prompt');
  }
  return bad("Invalid request: missing required parameter 'prompt'.", 'prompt');
}

export function isApiError(x: ParsedRequest | ApiError): x is ApiError {
  return (x as ApiError).status !== undefined;
}
