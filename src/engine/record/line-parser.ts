/**
 * A JSON parser for one records.jsonl line straight from the file's bytes (the reader's fast
 * path, 1M-record analyses: JSON.parse of the decoded text was most of the analysis' CPU).
 * It accepts only what RecordWriter's JSON.stringify writes — no whitespace, strings without
 * escapes or control characters, at most 3 levels of nesting — and returns exactly what
 * JSON.parse of the line's UTF-8 text returns (same values, same keys in the same order).
 * Anything else returns FALLBACK and the reader decodes the line and runs JSON.parse on it,
 * so every other line (and every bad line, with its error) is handled exactly as before.
 *
 * This file: the record's keys (matched against record-keys.ts's table) and where each value
 * goes (record-fields.ts); the bytes are read by json-scan.ts (numbers, strings, number arrays)
 * and json-value.ts (any other value).
 */
import type { RequestRecord } from '../types.ts';
import { atEnd, begin, fail, input, isFailed, lineEnd, number, numbersInto, peek, pos, seek, skip } from './json-scan.ts';
import { value } from './json-value.ts';
import { addField, setField, type AnyRecord } from './record-fields.ts';
import { CHUNK_TIMES, CHUNK_TOKENS, N_KEYS, RECORD_KEYS, type KeyIdx } from './record-keys.ts';

/** Returned when the line is not in the fast path's subset (the caller falls back to JSON.parse). */
export const FALLBACK: unique symbol = Symbol('fallback');

/** Parse the line `bytes[start, stop)` (no line terminator) like JSON.parse, or FALLBACK. */
export function parseRecordLine(bytes: Uint8Array, start: number, stop: number): unknown {
  begin(bytes, start, stop);
  if (start >= stop || bytes[start] !== 0x7b) return FALLBACK;
  const v = record();
  if (isFailed() || pos() !== stop) return FALLBACK;
  return v;
}

/** A record object to parse lines into (parseRecordLineInto) and which of its keys hold values. */
export interface RecordSlot {
  readonly record: RequestRecord;
  /** Bits (RECORD_KEYS indices) of the keys that may hold a value from an earlier line. */
  written: number;
}

/**
 * A record slot: every key of RequestRecord present (undefined when the line has none), its two
 * arrays reused. One shape for every line, no allocation per line — for a reader whose consumers
 * read each record and keep nothing of it. Numeric keys start as doubles (V8 then stores each
 * line's numbers in place; the first line clears the keys it does not have).
 */
export function recordSlot(): RecordSlot {
  return { record: { id: 0.5, stage: 0.5, worker: 0.5, api: undefined, stream: undefined, scheduledAtMs: 0.5, dispatchedAtMs: 0.5, sentAtMs: 0.5, headersAtMs: 0.5, chunkTimesMs: [] as number[], chunkTokens: [] as number[], endAtMs: 0.5, httpStatus: 0.5, finishReason: undefined, promptTokensServer: 0.5, completionTokensServer: 0.5, promptTokensClient: 0.5, completionTokensClient: 0.5, maxTokens: 0.5, outputText: undefined, error: undefined, tags: undefined, firstChoiceAtMs: 0.5, lastChoiceAtMs: 0.5, choiceEventCount: 0.5, cachedPromptTokensServer: 0.5, doneSeen: undefined, requestBytes: 0.5, sameReadChunks: 0.5 } satisfies AnyRecord as unknown as RequestRecord, written: -1 };
}

/**
 * Parse the line into `slot.record` (from recordSlot): true when the line is in the fast path's subset,
 * every key one of RequestRecord's and both arrays numbers only; then the record holds the values
 * JSON.parse would give, with undefined for the keys the line does not have. False: FALLBACK
 * (the record is left half-written; the next call clears what it wrote).
 */
export function parseRecordLineInto(bytes: Uint8Array, start: number, stop: number, slot: RecordSlot): boolean {
  const r = slot.record;
  const o = r as unknown as AnyRecord;
  begin(bytes, start, stop);
  if (start >= stop || bytes[start] !== 0x7b) return false;
  let seen = 0; // bits: RECORD_KEYS indices this line has
  let prev = -1;
  skip(); // {
  for (;;) {
    if (atEnd() || peek() !== 0x22) break;
    const k = recordKey(prev);
    if (k === -1 || peek() !== 0x3a) break;
    prev = k;
    seen |= 1 << k;
    skip();
    if (atEnd()) break;
    if (k === CHUNK_TIMES || k === CHUNK_TOKENS) {
      if (!numbersInto(k === CHUNK_TIMES ? r.chunkTimesMs : r.chunkTokens)) break;
    } else {
      // a number is stored straight from NUM (a double field: no allocation), any other value as it is
      const c = peek()!;
      const num = (c >= 0x30 && c <= 0x39) || c === 0x2d;
      let v: unknown;
      if (num) number();
      else v = value(1);
      if (isFailed()) break;
      setField(o, k, num, v);
    }
    const d = peek();
    if (d === 0x2c) {
      skip();
      continue;
    }
    if (d === 0x7d) {
      skip();
      if (pos() !== stop || (seen & BOTH_ARRAYS) !== BOTH_ARRAYS) break;
      clear(o, slot.written & ~seen);
      slot.written = seen;
      return true;
    }
    break;
  }
  slot.written |= seen;
  return false;
}

const BOTH_ARRAYS = (1 << CHUNK_TIMES) | (1 << CHUNK_TOKENS);

/** Set the keys of `bits` to undefined (the keys an earlier line had and this one has not; the arrays stay). */
function clear(o: AnyRecord, bits: number): void {
  if (bits === 0) return;
  for (let k = 0; k < N_KEYS; k++) if ((bits & (1 << k)) !== 0) setField(o, k as KeyIdx, false, undefined);
}

/** The top-level object: every key one of RECORD_KEYS (else FALLBACK), in file order. */
function record(): Partial<AnyRecord> | undefined {
  const o: Partial<AnyRecord> = {};
  let prev = -1;
  skip(); // {
  for (;;) {
    if (atEnd() || peek() !== 0x22) break;
    const k = recordKey(prev);
    if (k === -1 || peek() !== 0x3a) break;
    prev = k;
    skip();
    if (atEnd()) break;
    const v = value(1);
    if (isFailed()) return undefined;
    addField(o, k, v);
    const c = peek();
    if (c === 0x2c) {
      skip();
      continue;
    }
    if (c === 0x7d) {
      skip();
      return o;
    }
    break;
  }
  fail();
  return undefined;
}

/** The index in RECORD_KEYS of the key at the position (moved past its closing quote), or -1. */
function recordKey(prev: number): KeyIdx | -1 {
  // Records repeat their keys in one order: try the key that followed `prev` last time first.
  const b = input();
  const end = lineEnd();
  const s = pos() + 1;
  const guess = NEXT_KEY[prev + 1]!;
  if (guess >= 0) {
    const known = KEY_BYTES[guess]!;
    const n = known.length;
    if (s + n < end && b[s + n] === 0x22) {
      let j = 0;
      while (j < n && known[j] === b[s + j]) j++;
      if (j === n) {
        seek(s + n + 1);
        return guess as KeyIdx;
      }
    }
  }
  const k = lookupKey(b, s, end);
  if (k >= 0) NEXT_KEY[prev + 1] = k;
  return k;
}

/** The key starting at s by its perfect hash (moves past its closing quote when it ends in the line). */
function lookupKey(b: Uint8Array, s: number, end: number): KeyIdx | -1 {
  let i = s;
  let h = 0;
  for (;;) {
    if (i >= end) {
      seek(i);
      return -1;
    }
    const c = b[i]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20 || c >= 0x80) {
      seek(i);
      return -1;
    }
    h = (Math.imul(h, 31) + c) | 0;
    i++;
  }
  const n = i - s;
  seek(i + 1);
  const k = KEY_SLOT[Math.imul(h ^ n, KEY_MUL) >>> 23]!;
  if (k < 0) return -1;
  const known = KEY_BYTES[k]!;
  if (known.length !== n) return -1;
  for (let j = 0; j < n; j++) if (known[j] !== b[s + j]) return -1;
  return k as KeyIdx;
}

const KEY_SLOTS = 512;
const KEY_BYTES = RECORD_KEYS.map((k) => new Uint8Array(Buffer.from(k, 'latin1')));
/** The key that followed key i − 1 (index 0: the first key) in the last record, −1 before any. */
const NEXT_KEY = new Int8Array(N_KEYS + 1).fill(-1);
const keyHash = (k: Uint8Array): number => {
  let h = 0;
  for (const c of k) h = (Math.imul(h, 31) + c) | 0;
  return h;
};
/** Hash slot -> index in RECORD_KEYS (-1: none): the first multiplier that puts every key in its own slot. */
const KEY_SLOT = new Int16Array(KEY_SLOTS);
let KEY_MUL = 0x9e3779b1;
for (;; KEY_MUL += 2) {
  KEY_SLOT.fill(-1);
  if (
    KEY_BYTES.every((k, i) => {
      const slot = Math.imul(keyHash(k) ^ k.length, KEY_MUL) >>> 23;
      if (KEY_SLOT[slot] !== -1) return false;
      KEY_SLOT[slot] = i;
      return true;
    })
  )
    break;
}
