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

/** n distinct lower-case words ("baca", "bace", ...). */
export function syllableWords(n: number): string[] {
  const sy = ['ba', 'ce', 'di', 'fo', 'gu', 'ha', 'je', 'ki', 'lo', 'mu', 'na', 'pe', 'ri', 'so', 'tu', 'va', 'we', 'xi', 'yo', 'zu'];
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(`${sy[i % 20]}${sy[Math.floor(i / 20) % 20]}${i >= 400 ? sy[Math.floor(i / 400) % 20] : ''}`);
  return out;
}

/** A sentencepiece-style (Metaspace "▁word") BPE tokenizer.json with a BOS template. */
export function metaspaceTokenizerJson(words: string[]): Record<string, unknown> {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2, '\u2581': 3 };
  let id = 4;
  for (const c of 'abcdefghijklmnopqrstuvwxyz') vocab[c] = id++;
  const merges: string[] = [];
  for (const w of words) {
    let cur = '\u2581';
    for (const ch of w) {
      if (!merges.includes(`${cur} ${ch}`)) merges.push(`${cur} ${ch}`);
      cur += ch;
      if (!(cur in vocab)) vocab[cur] = id++;
    }
  }
  const special = (i: number, content: string) => ({ id: i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const metaspace = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: null,
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: metaspace,
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
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
