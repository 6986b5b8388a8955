/**
 * Chat prompts counted as vLLM counts them: rendered with the model's chat
 * template (tokenizer_config.json beside the tokenizer.json the simulator
 * loaded — the HF cache copy, a local path, or the shipped Llama-3 package),
 * then tokenized without special tokens (the template writes BOS itself).
 * Without a template the simulator keeps llm-d-inference-sim's
 * `### role: content` rendering (see docs/simulator.md). @huggingface/jinja
 * provides transformers' globals (`raise_exception`, `strftime_now`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from '@huggingface/jinja';
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import type { ChatMessage } from './request.ts';

export interface ChatTemplate {
  /** Where the template came from (for the start-up log line). */
  readonly source: string;
  /** The prompt text vLLM would tokenize. Throws on a template error (the caller answers 400, as vLLM). */
  render(messages: readonly ChatMessage[], opts?: { addGenerationPrompt?: boolean; continueFinalMessage?: boolean }): string;
}

function tokenText(t: unknown): string | undefined {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as Record<string, unknown>)['content'] === 'string') return (t as Record<string, string>)['content'];
  return undefined;
}

/** The template of a tokenizer_config.json object (a string, or HF's list of named templates: "default"). */
export function templateOf(config: Record<string, unknown>): string | undefined {
  const t = config['chat_template'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t as Array<{ name?: unknown; template?: unknown }>;
    const def = named.find((x) => x.name === 'default') ?? named[0];
    return typeof def?.template === 'string' ? def.template : undefined;
  }
  return undefined;
}

/** Builds a renderer from a tokenizer_config.json object; undefined when it has no (parsable) template. */
export function chatTemplateFromConfig(config: Record<string, unknown>, source: string): ChatTemplate | undefined {
  const text = templateOf(config);
  if (text === undefined) return undefined;
  let tpl: Template;
  try {
    tpl = new Template(text);
  } catch {
    return undefined;
  }
  const bos = tokenText(config['bos_token']) ?? '';
  const eos = tokenText(config['eos_token']) ?? '';
  return {
    source,
    render(messages, opts = {}) {
      const cont = opts.continueFinalMessage === true;
      const out = tpl.render({
        messages,
        bos_token: bos,
        eos_token: eos,
        add_generation_prompt: cont ? false : (opts.addGenerationPrompt ?? true),
      });
      if (!cont) return out;
      // transformers: cut the rendering right after the final message's content (no end-of-turn token)
      const last = messages.at(-1)?.content ?? '';
      const at = last === '' ? -1 : out.lastIndexOf(last);
      return at < 0 ? out : out.slice(0, at + last.length);
    },
  };
}

/** The chat template beside the loaded model tokenizer's file, if any (regex tokenizer: none). */
export function loadChatTemplate(tokenizer: Tokenizer): ChatTemplate | undefined {
  const file = (tokenizer as { file?: unknown }).file;
  if (typeof file !== 'string') return undefined;
  const cfgFile = join(dirname(file), 'tokenizer_config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return chatTemplateFromConfig(config, cfgFile);
}
