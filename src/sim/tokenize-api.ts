/**
 * vLLM's `/tokenize` and `/detokenize` (request and response shapes of vLLM's
 * protocol): clients such as `vllm bench serve` compare the server's counts
 * with their own, so `add_special_tokens`, the chat template and the response
 * fields must be vLLM's. Pure functions of a parsed body; server.ts does HTTP.
 */
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import type { ChatTemplate } from './chat-template.ts';
import type { ApiError } from './errors.ts';
import { isApiError, parseRequest, type ParsedRequest } from './request.ts';

export interface TokenizeContext {
  tokenizer: Tokenizer;
  chatTemplate: ChatTemplate | undefined;
  servedName: string;
  maxModelLen: number;
}

const bad = (message: string, param: string | null = null): ApiError => ({ status: 400, message, param });

function optBool(b: Record<string, unknown>, key: string): boolean | undefined | ApiError {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'boolean' ? v : bad(`${key} must be a boolean`, key);
}

/**
 * Renders a parsed chat request with the chat template (when there is one) into its promptText.
 * Returns an error when the template fails (vLLM answers 400).
 */
export function applyChatTemplate(parsed: ParsedRequest, tpl: ChatTemplate | undefined, opts?: { addGenerationPrompt?: boolean; continueFinalMessage?: boolean }): ApiError | undefined {
  if (!tpl || parsed.endpoint !== 'chat' || !parsed.messages) return undefined;
  try {
    parsed.promptText = tpl.render(parsed.messages, opts);
  } catch (e) {
    return bad(`chat template error: ${(e as Error).message}`);
  }
  return undefined;
}

/** The vocabulary string of each id (HF tokenizers: "Ġthe"; others: the decoded piece). */
function tokenStrs(tok: Tokenizer, ids: number[]): string[] {
  const byId = (tok as { idToToken?: (id: number) => string | undefined }).idToToken;
  return ids.map((id) => (byId ? (byId.call(tok, id) ?? '') : tok.decode([id])));
}

/** POST /tokenize: `{prompt, add_special_tokens=true}` or `{messages, add_generation_prompt=true, continue_final_message=false, add_special_tokens=false}`. */
export function tokenize(body: Record<string, unknown>, ctx: TokenizeContext): string | ApiError {
  if (body['prompt'] !== undefined && body['messages'] !== undefined) return bad('Either prompt or messages may be given, not both');
  const chat = body['messages'] !== undefined;
  const flags: Record<string, boolean | undefined> = {};
  for (const k of ['add_special_tokens', 'add_generation_prompt', 'continue_final_message', 'return_token_strs']) {
    const v = optBool(body, k);
    if (v !== undefined && typeof v !== 'boolean') return v;
    flags[k] = v;
  }
  if (flags['add_generation_prompt'] === true && flags['continue_final_message'] === true) {
    return bad('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
  }
  const parsed = parseRequest(chat ? 'chat' : 'completion', { ...body, model: ctx.servedName, add_special_tokens: undefined });
  if (isApiError(parsed)) return parsed;
  const err = applyChatTemplate(parsed, ctx.chatTemplate, {
    addGenerationPrompt: flags['add_generation_prompt'] ?? !flags['continue_final_message'],
    continueFinalMessage: flags['continue_final_message'] === true,
  });
  if (err) return err;
  const special = flags['add_special_tokens'] ?? !chat;
  const tokens = parsed.promptIds ?? ctx.tokenizer.encode(parsed.promptText, { addSpecialTokens: special });
  const strs = flags['return_token_strs'] === true ? tokenStrs(ctx.tokenizer, tokens) : null;
  return JSON.stringify({ count: tokens.length, max_model_len: ctx.maxModelLen, tokens, token_strs: strs });
}

/** POST /detokenize: `{tokens: [ids]}` → `{prompt}` (special tokens kept, as vLLM). */
export function detokenize(body: Record<string, unknown>, ctx: TokenizeContext): string | ApiError {
  const t = body['tokens'];
  if (!Array.isArray(t) || !t.every((x) => typeof x === 'number' && Number.isInteger(x))) return bad('tokens must be a list of integers', 'tokens');
  const ids = t as number[];
  const v = ctx.tokenizer.vocabSize;
  const out = ids.find((id) => id < 0 || id >= v);
  if (out !== undefined) return bad(`Token id ${out} is out of vocabulary`, 'tokens');
  return JSON.stringify({ prompt: ctx.tokenizer.decode(ids) });
}
