import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../../src/util/logger.ts';

/**
 * A tiny byte-level BPE tokenizer.json (GPT-2 style byte alphabet, a BOS
 * template, and merges for a handful of words), small enough to write into temp
 * directories for loading tests.
 */
export function tinyTokenizerJson(words: string[] = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'far', 'away', 'home']): Record<string, unknown> {
  const vocab: Record<string, number> = { '<s>': 0 };
  const merges: string[] = [];
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (bs.includes(b)) continue;
    bs.push(b);
    cs.push(256 + n++);
  }
  let id = 1;
  for (const c of cs) vocab[String.fromCharCode(c)] = id++;
  for (const w of words) {
    let cur = '\u0120';
    for (const ch of w) {
      merges.push(`${cur} ${ch}`);
      cur += ch;
      if (!(cur in vocab)) vocab[cur] = id++;
    }
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

export function writeTinyTokenizer(dir: string, words?: string[]): string {
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'tokenizer.json');
  writeFileSync(f, JSON.stringify(tinyTokenizerJson(words)));
  return f;
}

/** A logger that records lines instead of printing. */
export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', (s) => void lines.push(s)), lines };
}
