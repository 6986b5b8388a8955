/**
 * A JSON parser for one records.jsonl line straight from the file's bytes (the reader's fast
 * path, 1M-record analyses: JSON.parse of the decoded text was most of the analysis' CPU).
 * It accepts only what RecordWriter's JSON.stringify writes — no whitespace, strings without
 * escapes or control characters, at most 3 levels of nesting — and returns exactly what
 * JSON.parse of the line's UTF-8 text returns (same values, same keys in the same order).
 * Anything else returns FALLBACK and the reader decodes the line and runs JSON.parse on it,
 * so every other line (and every bad line, with its error) is handled exactly as before.
 *
 * This file: the record's keys (matched against record-keys.ts's table) and where each value goes
 * (into a reused record: the switch below; into a fresh object: record-fields.ts's addField); the
 * bytes are read by json-scan.ts (numbers, strings, number arrays) and json-value.ts (any other
 * value). Both switches over keys are checked against the table (see record-fields.ts).
 */
import type { RequestRecord } from '../types.ts';
import { NUM, atEnd, begin, fail, isFailed, number, numbersInto, peek, pos, skip } from './json-scan.ts';
import { value } from './json-value.ts';
import { addField, setField, type AnyRecord } from './record-fields.ts';
import { recordKey } from './record-key-match.ts';
import { CHUNK_TIMES, CHUNK_TOKENS, N_KEYS, type KeyIdx, type KeyIndex } from './record-keys.ts';

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
      // A number is stored straight from NUM (a double field: no allocation; a double passed to a
      // call is boxed, which is why this switch is here and not record-fields.ts's setField).
      const c = peek()!;
      const num = (c >= 0x30 && c <= 0x39) || c === 0x2d;
      let v: unknown;
      if (num) number();
      else v = value(1);
      if (isFailed()) break;
      switch (k) {
        case 0 satisfies KeyIndex<'id'>:
          if (num) o.id = NUM[0];
          else o.id = v;
          break;
        case 1 satisfies KeyIndex<'stage'>:
          if (num) o.stage = NUM[0];
          else o.stage = v;
          break;
        case 2 satisfies KeyIndex<'worker'>:
          if (num) o.worker = NUM[0];
          else o.worker = v;
          break;
        case 3 satisfies KeyIndex<'api'>:
          if (num) o.api = NUM[0];
          else o.api = v;
          break;
        case 4 satisfies KeyIndex<'stream'>:
          if (num) o.stream = NUM[0];
          else o.stream = v;
          break;
        case 5 satisfies KeyIndex<'scheduledAtMs'>:
          if (num) o.scheduledAtMs = NUM[0];
          else o.scheduledAtMs = v;
          break;
        case 6 satisfies KeyIndex<'dispatchedAtMs'>:
          if (num) o.dispatchedAtMs = NUM[0];
          else o.dispatchedAtMs = v;
          break;
        case 7 satisfies KeyIndex<'sentAtMs'>:
          if (num) o.sentAtMs = NUM[0];
          else o.sentAtMs = v;
          break;
        case 8 satisfies KeyIndex<'headersAtMs'>:
          if (num) o.headersAtMs = NUM[0];
          else o.headersAtMs = v;
          break;
        case 11 satisfies KeyIndex<'endAtMs'>:
          if (num) o.endAtMs = NUM[0];
          else o.endAtMs = v;
          break;
        case 12 satisfies KeyIndex<'httpStatus'>:
          if (num) o.httpStatus = NUM[0];
          else o.httpStatus = v;
          break;
        case 13 satisfies KeyIndex<'finishReason'>:
          if (num) o.finishReason = NUM[0];
          else o.finishReason = v;
          break;
        case 14 satisfies KeyIndex<'promptTokensServer'>:
          if (num) o.promptTokensServer = NUM[0];
          else o.promptTokensServer = v;
          break;
        case 15 satisfies KeyIndex<'completionTokensServer'>:
          if (num) o.completionTokensServer = NUM[0];
          else o.completionTokensServer = v;
          break;
        case 16 satisfies KeyIndex<'promptTokensClient'>:
          if (num) o.promptTokensClient = NUM[0];
          else o.promptTokensClient = v;
          break;
        case 17 satisfies KeyIndex<'completionTokensClient'>:
          if (num) o.completionTokensClient = NUM[0];
          else o.completionTokensClient = v;
          break;
        case 18 satisfies KeyIndex<'maxTokens'>:
          if (num) o.maxTokens = NUM[0];
          else o.maxTokens = v;
          break;
        case 19 satisfies KeyIndex<'outputText'>:
          if (num) o.outputText = NUM[0];
          else o.outputText = v;
          break;
        case 20 satisfies KeyIndex<'error'>:
          if (num) o.error = NUM[0];
          else o.error = v;
          break;
        case 21 satisfies KeyIndex<'tags'>:
          if (num) o.tags = NUM[0];
          else o.tags = v;
          break;
        case 22 satisfies KeyIndex<'firstChoiceAtMs'>:
          if (num) o.firstChoiceAtMs = NUM[0];
          else o.firstChoiceAtMs = v;
          break;
        case 23 satisfies KeyIndex<'lastChoiceAtMs'>:
          if (num) o.lastChoiceAtMs = NUM[0];
          else o.lastChoiceAtMs = v;
          break;
        case 24 satisfies KeyIndex<'choiceEventCount'>:
          if (num) o.choiceEventCount = NUM[0];
          else o.choiceEventCount = v;
          break;
        case 25 satisfies KeyIndex<'cachedPromptTokensServer'>:
          if (num) o.cachedPromptTokensServer = NUM[0];
          else o.cachedPromptTokensServer = v;
          break;
        case 26 satisfies KeyIndex<'doneSeen'>:
          if (num) o.doneSeen = NUM[0];
          else o.doneSeen = v;
          break;
        case 27 satisfies KeyIndex<'requestBytes'>:
          if (num) o.requestBytes = NUM[0];
          else o.requestBytes = v;
          break;
        case 28 satisfies KeyIndex<'sameReadChunks'>:
          if (num) o.sameReadChunks = NUM[0];
          else o.sameReadChunks = v;
          break;
        default:
          k satisfies never;
      }
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
  for (let k = 0; k < N_KEYS; k++) if ((bits & (1 << k)) !== 0) setField(o, k as KeyIdx, undefined);
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
