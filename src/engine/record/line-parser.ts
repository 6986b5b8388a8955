/**
 * A JSON parser for one records.jsonl line straight from the file's bytes (the reader's fast
 * path, 1M-record analyses: JSON.parse of the decoded text was most of the analysis' CPU).
 * It accepts only what RecordWriter's JSON.stringify writes — no whitespace, strings without
 * escapes or control characters, at most 3 levels of nesting — and returns exactly what
 * JSON.parse of the line's UTF-8 text returns (same values, same keys in the same order).
 * Anything else returns FALLBACK and the reader decodes the line and runs JSON.parse on it,
 * so every other line (and every bad line, with its error) is handled exactly as before.
 *
 * Numbers are exact: digits accumulate into an integer mantissa m; while m < 2^53 and the
 * decimal exponent is within ±22 the value is one correctly rounded IEEE operation
 * (m × 10^e or m / 10^−e: Clinger's fast path); otherwise the number's text goes to Number(),
 * which rounds correctly as JSON.parse does.
 */
import type { RequestRecord } from '../types.ts';

/** Returned when the line is not in the fast path's subset (the caller falls back to JSON.parse). */
export const FALLBACK: unique symbol = Symbol('fallback');


const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22
const TWO53 = 2 ** 53;
/** number()'s result (a double returned from a call would be boxed: one allocation per number). */
const NUM = new Float64Array(1);
const MAX_DEPTH = 3;

// Parser state (one line at a time, synchronous: module-level is safe and fastest).
let b: Uint8Array = new Uint8Array(0);
let p = 0;
let end = 0;
let failed = false;

/** Keys and short string values seen before, by a hash of their bytes (no string allocated per key). */
const CACHE_SIZE = 1024;
const CACHE_MAX_LEN = 32;
const cacheBytes: (Uint8Array | undefined)[] = new Array(CACHE_SIZE).fill(undefined);
const cacheStr: string[] = new Array(CACHE_SIZE).fill('');

/** Parse the line `bytes[start, stop)` (no line terminator) like JSON.parse, or FALLBACK. */
export function parseRecordLine(bytes: Uint8Array, start: number, stop: number): unknown {
  b = bytes;
  p = start;
  end = stop;
  failed = false;
  if (p >= end || b[p] !== 0x7b) return FALLBACK;
  const v = record();
  if (failed || p !== end) return FALLBACK;
  return v;
}

type R = RequestRecord;

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
  return { record: { id: 0.5, stage: 0.5, worker: 0.5, api: undefined, stream: undefined, scheduledAtMs: 0.5, dispatchedAtMs: 0.5, sentAtMs: 0.5, headersAtMs: 0.5, chunkTimesMs: [] as number[], chunkTokens: [] as number[], endAtMs: 0.5, httpStatus: 0.5, finishReason: undefined, promptTokensServer: 0.5, completionTokensServer: 0.5, promptTokensClient: 0.5, completionTokensClient: 0.5, maxTokens: 0.5, outputText: undefined, error: undefined, tags: undefined, firstChoiceAtMs: 0.5, lastChoiceAtMs: 0.5, choiceEventCount: 0.5, cachedPromptTokensServer: 0.5, doneSeen: undefined, requestBytes: 0.5, sameReadChunks: 0.5 } as unknown as RequestRecord, written: -1 };
}

/**
 * Parse the line into `slot.record` (from recordSlot): true when the line is in the fast path's subset,
 * every key one of RequestRecord's and both arrays numbers only; then the record holds the values
 * JSON.parse would give, with undefined for the keys the line does not have. False: FALLBACK
 * (the record is left half-written; the next call clears what it wrote).
 */
export function parseRecordLineInto(bytes: Uint8Array, start: number, stop: number, slot: RecordSlot): boolean {
  const o = slot.record;
  b = bytes;
  p = start;
  end = stop;
  failed = false;
  if (p >= end || b[p] !== 0x7b) return false;
  let seen = 0; // bits: RECORD_KEYS indices this line has
  let prev = -1;
  p++; // {
  for (;;) {
    if (p >= end || b[p] !== 0x22) break;
    const k = recordKey(prev);
    if (k < 0 || b[p] !== 0x3a) break;
    prev = k;
    seen |= 1 << k;
    p++;
    if (p >= end) break;
    const c = b[p]!;
    if (k === 9 || k === 10) {
      if (!numbersInto(k === 9 ? o.chunkTimesMs : o.chunkTokens)) break;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      // a number stored straight from NUM (a double field: no allocation)
      number();
      if (failed) break;
      const v = NUM[0]!;
      switch (k) {
        case 0:
          o.id = v as unknown as R['id'];
          break;
        case 1:
          o.stage = v as unknown as R['stage'];
          break;
        case 2:
          o.worker = v as unknown as R['worker'];
          break;
        case 3:
          o.api = v as unknown as R['api'];
          break;
        case 4:
          o.stream = v as unknown as R['stream'];
          break;
        case 5:
          o.scheduledAtMs = v as unknown as R['scheduledAtMs'];
          break;
        case 6:
          o.dispatchedAtMs = v as unknown as R['dispatchedAtMs'];
          break;
        case 7:
          o.sentAtMs = v as unknown as R['sentAtMs'];
          break;
        case 8:
          o.headersAtMs = v as unknown as R['headersAtMs'];
          break;
        case 11:
          o.endAtMs = v as unknown as R['endAtMs'];
          break;
        case 12:
          o.httpStatus = v as unknown as R['httpStatus'];
          break;
        case 13:
          o.finishReason = v as unknown as R['finishReason'];
          break;
        case 14:
          o.promptTokensServer = v as unknown as R['promptTokensServer'];
          break;
        case 15:
          o.completionTokensServer = v as unknown as R['completionTokensServer'];
          break;
        case 16:
          o.promptTokensClient = v as unknown as R['promptTokensClient'];
          break;
        case 17:
          o.completionTokensClient = v as unknown as R['completionTokensClient'];
          break;
        case 18:
          o.maxTokens = v as unknown as R['maxTokens'];
          break;
        case 19:
          o.outputText = v as unknown as R['outputText'];
          break;
        case 20:
          o.error = v as unknown as R['error'];
          break;
        case 21:
          o.tags = v as unknown as R['tags'];
          break;
        case 22:
          o.firstChoiceAtMs = v as unknown as R['firstChoiceAtMs'];
          break;
        case 23:
          o.lastChoiceAtMs = v as unknown as R['lastChoiceAtMs'];
          break;
        case 24:
          o.choiceEventCount = v as unknown as R['choiceEventCount'];
          break;
        case 25:
          o.cachedPromptTokensServer = v as unknown as R['cachedPromptTokensServer'];
          break;
        case 26:
          o.doneSeen = v as unknown as R['doneSeen'];
          break;
        case 27:
          o.requestBytes = v as unknown as R['requestBytes'];
          break;
        case 28:
          o.sameReadChunks = v as unknown as R['sameReadChunks'];
          break;
      }
    } else {
      const v = value(1);
      if (failed) break;
      switch (k) {
        case 0:
          o.id = v as unknown as R['id'];
          break;
        case 1:
          o.stage = v as unknown as R['stage'];
          break;
        case 2:
          o.worker = v as unknown as R['worker'];
          break;
        case 3:
          o.api = v as unknown as R['api'];
          break;
        case 4:
          o.stream = v as unknown as R['stream'];
          break;
        case 5:
          o.scheduledAtMs = v as unknown as R['scheduledAtMs'];
          break;
        case 6:
          o.dispatchedAtMs = v as unknown as R['dispatchedAtMs'];
          break;
        case 7:
          o.sentAtMs = v as unknown as R['sentAtMs'];
          break;
        case 8:
          o.headersAtMs = v as unknown as R['headersAtMs'];
          break;
        case 11:
          o.endAtMs = v as unknown as R['endAtMs'];
          break;
        case 12:
          o.httpStatus = v as unknown as R['httpStatus'];
          break;
        case 13:
          o.finishReason = v as unknown as R['finishReason'];
          break;
        case 14:
          o.promptTokensServer = v as unknown as R['promptTokensServer'];
          break;
        case 15:
          o.completionTokensServer = v as unknown as R['completionTokensServer'];
          break;
        case 16:
          o.promptTokensClient = v as unknown as R['promptTokensClient'];
          break;
        case 17:
          o.completionTokensClient = v as unknown as R['completionTokensClient'];
          break;
        case 18:
          o.maxTokens = v as unknown as R['maxTokens'];
          break;
        case 19:
          o.outputText = v as unknown as R['outputText'];
          break;
        case 20:
          o.error = v as unknown as R['error'];
          break;
        case 21:
          o.tags = v as unknown as R['tags'];
          break;
        case 22:
          o.firstChoiceAtMs = v as unknown as R['firstChoiceAtMs'];
          break;
        case 23:
          o.lastChoiceAtMs = v as unknown as R['lastChoiceAtMs'];
          break;
        case 24:
          o.choiceEventCount = v as unknown as R['choiceEventCount'];
          break;
        case 25:
          o.cachedPromptTokensServer = v as unknown as R['cachedPromptTokensServer'];
          break;
        case 26:
          o.doneSeen = v as unknown as R['doneSeen'];
          break;
        case 27:
          o.requestBytes = v as unknown as R['requestBytes'];
          break;
        case 28:
          o.sameReadChunks = v as unknown as R['sameReadChunks'];
          break;
      }
    }
    const d = b[p];
    if (d === 0x2c) {
      p++;
      continue;
    }
    if (d === 0x7d) {
      p++;
      if (p !== end || (seen & 0b11000000000) !== 0b11000000000) break;
      clear(o, slot.written & ~seen);
      slot.written = seen;
      return true;
    }
    break;
  }
  slot.written |= seen;
  return false;
}

/** Set the keys of `bits` to undefined (the keys an earlier line had and this one has not; rare: a plain loop). */
function clear(o: RequestRecord, bits: number): void {
  if (bits === 0) return;
  const r = o as unknown as Record<string, unknown>;
  for (let k = 0; k < RECORD_KEYS.length; k++) if ((bits & (1 << k)) !== 0 && k !== 9 && k !== 10) r[RECORD_KEYS[k]!] = undefined;
}

/** A JSON array of numbers into `a` (its old contents replaced); false for anything else. */
function numbersInto(a: number[]): boolean {
  if (b[p] !== 0x5b) return false;
  p++;
  let n = 0;
  if (b[p] === 0x5d) {
    p++;
    a.length = 0;
    return true;
  }
  for (;;) {
    if (p >= end) return false;
    const c = b[p]!;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
    number();
    if (failed) return false;
    a[n++] = NUM[0]!;
    const d = b[p];
    if (d === 0x2c) {
      p++;
      continue;
    }
    if (d === 0x5d) {
      p++;
      a.length = n;
      return true;
    }
    return false;
  }
}

/**
 * RequestRecord's keys (engine/types.ts; `raw` is never written). Stored by name (one switch
 * case each): V8 keeps such objects in fast mode, while 12+ keyed stores (`o[k] = v`) turn an
 * object into a slow dictionary.
 */
const RECORD_KEYS = ['id', 'stage', 'worker', 'api', 'stream', 'scheduledAtMs', 'dispatchedAtMs', 'sentAtMs', 'headersAtMs', 'chunkTimesMs', 'chunkTokens', 'endAtMs', 'httpStatus', 'finishReason', 'promptTokensServer', 'completionTokensServer', 'promptTokensClient', 'completionTokensClient', 'maxTokens', 'outputText', 'error', 'tags', 'firstChoiceAtMs', 'lastChoiceAtMs', 'choiceEventCount', 'cachedPromptTokensServer', 'doneSeen', 'requestBytes', 'sameReadChunks'] as const;

/** The top-level object: every key one of RECORD_KEYS (else FALLBACK), in file order. */
function record(): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  let prev = -1;
  p++; // {
  for (;;) {
    if (p >= end || b[p] !== 0x22) break;
    const k = recordKey(prev);
    if (k < 0 || b[p] !== 0x3a) break;
    prev = k;
    p++;
    if (p >= end) break;
    const v = value(1);
    if (failed) return undefined;
    switch (k) {
      case 0:
        o.id = v;
        break;
      case 1:
        o.stage = v;
        break;
      case 2:
        o.worker = v;
        break;
      case 3:
        o.api = v;
        break;
      case 4:
        o.stream = v;
        break;
      case 5:
        o.scheduledAtMs = v;
        break;
      case 6:
        o.dispatchedAtMs = v;
        break;
      case 7:
        o.sentAtMs = v;
        break;
      case 8:
        o.headersAtMs = v;
        break;
      case 9:
        o.chunkTimesMs = v;
        break;
      case 10:
        o.chunkTokens = v;
        break;
      case 11:
        o.endAtMs = v;
        break;
      case 12:
        o.httpStatus = v;
        break;
      case 13:
        o.finishReason = v;
        break;
      case 14:
        o.promptTokensServer = v;
        break;
      case 15:
        o.completionTokensServer = v;
        break;
      case 16:
        o.promptTokensClient = v;
        break;
      case 17:
        o.completionTokensClient = v;
        break;
      case 18:
        o.maxTokens = v;
        break;
      case 19:
        o.outputText = v;
        break;
      case 20:
        o.error = v;
        break;
      case 21:
        o.tags = v;
        break;
      case 22:
        o.firstChoiceAtMs = v;
        break;
      case 23:
        o.lastChoiceAtMs = v;
        break;
      case 24:
        o.choiceEventCount = v;
        break;
      case 25:
        o.cachedPromptTokensServer = v;
        break;
      case 26:
        o.doneSeen = v;
        break;
      case 27:
        o.requestBytes = v;
        break;
      case 28:
        o.sameReadChunks = v;
        break;
    }
    const c = b[p];
    if (c === 0x2c) {
      p++;
      continue;
    }
    if (c === 0x7d) {
      p++;
      return o;
    }
    break;
  }
  failed = true;
  return undefined;
}

/** The index in RECORD_KEYS of the key at p (moved past its closing quote), or -1. */
function recordKey(prev: number): number {
  // Records repeat their keys in one order: try the key that followed `prev` last time first.
  const s = p + 1;
  const guess = NEXT_KEY[prev + 1]!;
  if (guess >= 0) {
    const known = KEY_BYTES[guess]!;
    const n = known.length;
    if (s + n < end && b[s + n] === 0x22) {
      let j = 0;
      while (j < n && known[j] === b[s + j]) j++;
      if (j === n) {
        p = s + n + 1;
        return guess;
      }
    }
  }
  const k = lookupKey();
  if (k >= 0) NEXT_KEY[prev + 1] = k;
  return k;
}

function lookupKey(): number {
  const s = ++p;
  let h = 0;
  for (;;) {
    if (p >= end) return -1;
    const c = b[p]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20 || c >= 0x80) return -1;
    h = (Math.imul(h, 31) + c) | 0;
    p++;
  }
  const n = p - s;
  p++;
  const i = KEY_SLOT[Math.imul(h ^ n, KEY_MUL) >>> 23]!;
  if (i < 0) return -1;
  const known = KEY_BYTES[i]!;
  if (known.length !== n) return -1;
  for (let j = 0; j < n; j++) if (known[j] !== b[s + j]) return -1;
  return i;
}

const KEY_SLOTS = 512;
const KEY_BYTES = RECORD_KEYS.map((k) => new Uint8Array(Buffer.from(k, 'latin1')));
/** The key that followed key i − 1 (index 0: the first key) in the last record, −1 before any. */
const NEXT_KEY = new Int8Array(RECORD_KEYS.length + 1).fill(-1);
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
  if (KEY_BYTES.every((k, i) => {
    const slot = Math.imul(keyHash(k) ^ k.length, KEY_MUL) >>> 23;
    if (KEY_SLOT[slot] !== -1) return false;
    KEY_SLOT[slot] = i;
    return true;
  })) break;
}

function value(depth: number): unknown {
  const c = b[p]!;
  if (c === 0x22) return string();
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    number();
    return NUM[0];
  }
  if (c === 0x5b) return array(depth);
  if (c === 0x7b) return object(depth + 1);
  if (c === 0x74) return literal(0x74, 0x72, 0x75, 0x65, true); // true
  if (c === 0x6e) return literal(0x6e, 0x75, 0x6c, 0x6c, null); // null
  if (c === 0x66 && p + 4 < end && b[p + 4] === 0x65) {
    // false
    if (b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73) {
      p += 5;
      return false;
    }
  }
  failed = true;
  return undefined;
}

function literal(c0: number, c1: number, c2: number, c3: number, v: boolean | null): boolean | null {
  if (p + 3 < end && b[p] === c0 && b[p + 1] === c1 && b[p + 2] === c2 && b[p + 3] === c3) {
    p += 4;
    return v;
  }
  failed = true;
  return null;
}

function object(depth: number): Record<string, unknown> | undefined {
  if (depth > MAX_DEPTH) {
    failed = true;
    return undefined;
  }
  const o: Record<string, unknown> = {};
  p++; // {
  if (b[p] === 0x7d) {
    p++;
    return o;
  }
  for (;;) {
    if (p >= end || b[p] !== 0x22) break;
    const k = key();
    if (failed || b[p] !== 0x3a) break;
    p++;
    if (p >= end) break;
    const v = value(depth);
    if (failed) return undefined;
    o[k] = v;
    const c = b[p];
    if (c === 0x2c) {
      p++;
      continue;
    }
    if (c === 0x7d) {
      p++;
      return o;
    }
    break;
  }
  failed = true;
  return undefined;
}

function array(depth: number): unknown[] | undefined {
  const a: unknown[] = [];
  p++; // [
  if (b[p] === 0x5d) {
    p++;
    return a;
  }
  for (;;) {
    if (p >= end) break;
    const c = b[p]!;
    // numbers inline (the common case: chunk times and token counts), anything else through value()
    const v = (c >= 0x30 && c <= 0x39) || c === 0x2d ? (number(), NUM[0]) : c === 0x5b || c === 0x7b ? nested(depth) : value(depth);
    if (failed) return undefined;
    a.push(v);
    const d = b[p];
    if (d === 0x2c) {
      p++;
      continue;
    }
    if (d === 0x5d) {
      p++;
      return a;
    }
    break;
  }
  failed = true;
  return undefined;
}

function nested(depth: number): unknown {
  if (depth + 1 > MAX_DEPTH) {
    failed = true;
    return undefined;
  }
  return b[p] === 0x5b ? array(depth + 1) : object(depth + 1);
}

/** A key: cached by its bytes; `__proto__` (JSON.parse makes it an own property, assignment would not) falls back. */
function key(): string {
  const s = ++p;
  let h = 0;
  for (;;) {
    if (p >= end) {
      failed = true;
      return '';
    }
    const c = b[p]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20 || c >= 0x80) {
      failed = true;
      return '';
    }
    h = (Math.imul(h, 31) + c) | 0;
    p++;
  }
  const k = cached(s, p, h);
  p++; // closing quote
  if (k === '__proto__') failed = true;
  return k;
}

function cached(s: number, e: number, h: number): string {
  const n = e - s;
  if (n > CACHE_MAX_LEN) return latin1(s, e);
  const slot = (h ^ (h >>> 10) ^ n) & (CACHE_SIZE - 1);
  const known = cacheBytes[slot];
  if (known !== undefined && known.length === n) {
    let i = 0;
    while (i < n && known[i] === b[s + i]) i++;
    if (i === n) return cacheStr[slot]!;
  }
  const str = latin1(s, e);
  cacheBytes[slot] = b.slice(s, e);
  cacheStr[slot] = str;
  return str;
}

function latin1(s: number, e: number): string {
  return Buffer.prototype.latin1Slice.call(b, s, e) as string;
}

/** A string without escapes: ASCII (short ones cached) or UTF-8 decoded as the whole line's decoding would. */
function string(): string {
  const s = ++p;
  let h = 0;
  let ascii = true;
  for (;;) {
    if (p >= end) {
      failed = true;
      return '';
    }
    const c = b[p]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20) {
      failed = true;
      return '';
    }
    if (c >= 0x80) ascii = false;
    h = (Math.imul(h, 31) + c) | 0;
    p++;
  }
  const e = p++;
  if (!ascii) return Buffer.prototype.utf8Slice.call(b, s, e) as string;
  return e - s <= CACHE_MAX_LEN ? cached(s, e, h) : latin1(s, e);
}

/**
 * A number: the common form (digits, optional fraction, < 2^53 as an integer mantissa) here,
 * small enough for V8 to inline into its callers (a double returned from a call is boxed);
 * zero-led, exponent and long forms in slowNumber.
 */
function number(): void {
  const buf = b;
  const stop = end;
  let i = p;
  let c = buf[i]!;
  const neg = c === 0x2d;
  if (neg) c = ++i < stop ? buf[i]! : 0;
  // The digits' integer in int32 parts of 9 digits (hi × 10^9 + lo...): a shorter dependency
  // chain per digit than one double; exact while the whole is < 2^53 (checked below).
  let hi = 0;
  let lo = 0;
  let k = 0;
  let e10 = 0;
  if (c === 0x30) {
    c = ++i < stop ? buf[i]! : 0;
    if (c >= 0x30 && c <= 0x39) return void slowNumber(); // leading zero: refused there
  } else {
    if (c < 0x31 || c > 0x39) return void slowNumber();
    do {
      lo = lo * 10 + (c - 0x30);
      if (++k === 9) {
        hi = hi * 1e9 + lo;
        lo = 0;
        k = 0;
      }
      c = ++i < stop ? buf[i]! : 0;
    } while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x2e) {
    c = ++i < stop ? buf[i]! : 0;
    while (c >= 0x30 && c <= 0x39) {
      lo = lo * 10 + (c - 0x30);
      if (++k === 9) {
        hi = hi * 1e9 + lo;
        lo = 0;
        k = 0;
      }
      e10--;
      c = ++i < stop ? buf[i]! : 0;
    }
    if (e10 === 0) return void slowNumber(); // `1.`: refused there
  }
  if (c === 0x65 || c === 0x45) return void slowNumber();
  const m = hi === 0 ? lo : hi * POW10[k]! + lo;
  const s = p;
  p = i;
  if (m >= TWO53 || e10 < -22) {
    NUM[0] = Number(latin1(s, i)); // valid JSON number text (checked above), too long for the fast path
    return;
  }
  const v = e10 === 0 ? m : m / POW10[-e10]!;
  NUM[0] = neg ? -v : v;
}

/** Any JSON number at p (checked against the grammar: JSON.parse would refuse anything else). */
function slowNumber(): void {
  const s = p;
  let i = p;
  if (byteAt(i) === 0x2d) i++;
  if (byteAt(i) === 0x30) {
    i++;
    if (isDigit(byteAt(i))) return void fail(); // leading zero
  } else if (!isDigit(byteAt(i))) return void fail();
  while (isDigit(byteAt(i))) i++;
  if (byteAt(i) === 0x2e) {
    i++;
    if (!isDigit(byteAt(i))) return void fail();
    while (isDigit(byteAt(i))) i++;
  }
  if (byteAt(i) === 0x65 || byteAt(i) === 0x45) {
    i++;
    if (byteAt(i) === 0x2d || byteAt(i) === 0x2b) i++;
    if (!isDigit(byteAt(i))) return void fail();
    while (isDigit(byteAt(i))) i++;
  }
  p = i;
  NUM[0] = Number(latin1(s, i));
}

const byteAt = (i: number): number => (i < end ? b[i]! : 0);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function fail(): number {
  failed = true;
  return 0;
}
