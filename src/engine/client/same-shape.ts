/**
 * The same-shape fast path: consecutive token chunks of one stream are byte-for-byte
 * identical except for the content text (same id, created, model, index,
 * finish_reason null, no usage). After an event has been parsed with JSON.parse,
 * its bytes become a template when that is provably safe:
 *   - no backslash outside the content value, so every key is written literally;
 *   - the content key (`"text"` / `"content"`) occurs exactly once, so that
 *     occurrence is the one JSON.parse read the content from;
 *   - the value is a string, directly after `"key":` (no whitespace).
 * A later event matches when its bytes are the template's prefix, then a value
 * with no quote, backslash or control byte, then the template's suffix. Such an
 * event is valid JSON and JSON.parse would return the template's object with only
 * the content text changed — so everything else (choices non-empty, finish
 * reason, no usage, no error) is taken from the template, and the text is the
 * UTF-8 of the value bytes, decoded only if someone keeps it. Anything else falls
 * back to JSON.parse. Exact, not a heuristic: the result is what JSON.parse gives.
 */
/** Per content key: its `"key"` and `"key":"` bytes (read only). */
const KEYS = new Map<string, [Buffer, Buffer]>();

export class SameShape {
  private pre: Buffer = Buffer.alloc(0);
  /** The prefix and suffix as words (wordsOf): eight bytes, then four, then the last bytes one by one. */
  private preWords: Words = NO_WORDS;
  private sufWords: Words = NO_WORDS;
  /** A DataView of the last matched buffer's memory (the transport reads into one buffer: made once). */
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private dvOf: Uint8Array | undefined;
  private suf: Buffer = Buffer.alloc(0);
  private active = false;
  /** The template holds no LF or CR (a payload joined from several data lines may): matchEvent may run. */
  private lineSafe = false;
  /** The template event's finish reason (undefined for a token chunk). */
  finishReason: string | undefined;
  /** Templates learned so far: a new number is a new template (kept responses note which one an event matched). */
  generation = 0;
  private readonly quotedKey: Buffer;
  private readonly keyColonQuote: Buffer;

  constructor(key: string) {
    // One per request: the key's bytes are built once per key, not per request.
    let k = KEYS.get(key);
    if (!k) KEYS.set(key, (k = [Buffer.from(`"${key}"`), Buffer.from(`"${key}":"`)]));
    this.quotedKey = k[0];
    this.keyColonQuote = k[1];
  }

  /**
   * Match `b[s, e)` against the template: the value's [start, end) when it matches, else -1
   * (`valueEnd` then holds the value end).
   */
  match(b: Buffer, s: number, e: number): number {
    if (!this.active) return -1;
    const pl = this.pre.length;
    const sl = this.suf.length;
    if (e - s < pl + sl) return -1;
    const ve = e - sl;
    if (!this.equal(b, s, this.pre, this.preWords) || !this.equal(b, ve, this.suf, this.sufWords)) return -1;
    for (let i = s + pl; i < ve; i++) {
      const c = b[i]!;
      if (c < 32 || c === 34 || c === 92) return -1;
    }
    this.valueEnd = ve;
    return s + pl;
  }

  /**
   * `b[at, at + t.length)` equals `t` (the caller checked the length): eight and four bytes at a
   * time through a DataView (`words`: t's little-endian words), then t's last bytes. Not
   * Buffer#compare: its argument checks and native call cost more than the ~100 bytes compared
   * here, once per streamed event; word loads take about a third of the instructions of a byte loop.
   */
  private equal(b: Uint8Array, at: number, t: Buffer, words: Words): boolean {
    if (b !== this.dvOf) {
      // The transport reads into one buffer: its DataView is made once (an identity check; reading
      // `b.buffer` per call goes through the runtime).
      this.dvOf = b;
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const dv = this.dv;
    const w8 = words.w8;
    const n8 = w8.length;
    // Exact: no eight-byte word of t reads as NaN or ±0 (wordsOf), and for other doubles `===` is
    // equality of all 64 bits.
    for (let i = 0; i < n8; i++) if (dv.getFloat64(at + 8 * i, true) !== w8[i]) return false;
    const w4 = words.w4;
    const base = 8 * n8;
    for (let i = 0; i < w4.length; i++) if (dv.getUint32(at + base + 4 * i, true) !== w4[i]) return false;
    for (let i = base + 4 * w4.length; i < t.length; i++) if (b[at + i] !== t[i]) return false;
    return true;
  }

  valueEnd = 0;
  /** matchEvent: the event's data [dataStart, dataEnd), its value [valueStart, valueEnd). */
  dataStart = 0;
  valueStart = 0;
  dataEnd = 0;

  /** A template is active and may be matched on whole lines (matchEvent). */
  get canMatchEvents(): boolean {
    return this.active && this.lineSafe;
  }

  /**
   * The SSE framing and `match` in one pass, for a framer at an event boundary: `b[p, end)` starts
   * with a whole event `data:` (one optional space) + a same-shape payload + LF + LF (the blank
   * line). Returns the index after the blank line (data and value spans set), else -1 (nothing
   * read). Exact: the template holds no LF / CR and the value no control byte, so that line is the
   * event's only line and SseByteFramer would hand over the same data; `match` would accept it.
   */
  matchEvent(b: Uint8Array, p: number, end: number): number {
    if (!this.active || !this.lineSafe || end - p < 8) return -1;
    if (b[p] !== 100 || b[p + 1] !== 97 || b[p + 2] !== 116 || b[p + 3] !== 97 || b[p + 4] !== 58) return -1;
    let s = p + 5;
    if (b[s] === 32) s++;
    const pre = this.pre;
    const pl = pre.length;
    if (s + pl > end) return -1;
    if (!this.equal(b, s, pre, this.preWords)) return -1;
    // The value runs to the first quote (the suffix's first byte); no backslash or control byte in it.
    let ve = s + pl;
    for (; ve < end; ve++) {
      const c = b[ve]!;
      if (c === 34) break;
      if (c < 32 || c === 92) return -1;
    }
    const suf = this.suf;
    const sl = suf.length;
    const e = ve + sl;
    if (e + 2 > end) return -1;
    if (!this.equal(b, ve, suf, this.sufWords)) return -1;
    if (b[e] !== 10 || b[e + 1] !== 10) return -1;
    this.dataStart = s;
    this.valueStart = s + pl;
    this.valueEnd = ve;
    this.dataEnd = e;
    return e + 2;
  }

  /** Offer an event JSON.parse accepted, with what it said; it becomes the template when safe. */
  learn(b: Buffer, s: number, e: number, isTokenChunk: boolean, finishReason: string | undefined): void {
    this.active = false;
    if (!isTokenChunk) return;
    // Searched within the event only: `b` is often the transport's whole 64 KiB read buffer, and an
    // unbounded search for a byte the event lacks (a backslash) ran on through stale bytes to its end.
    const ev = b.subarray(s, e);
    const k = ev.indexOf(this.quotedKey);
    if (k === -1) return;
    if (ev.indexOf(this.quotedKey, k + 1) !== -1) return;
    const kc = this.keyColonQuote;
    if (k + kc.length > ev.length || ev.compare(kc, 0, kc.length, k, k + kc.length) !== 0) return;
    const vs = k + kc.length;
    // End of the string value (escapes allowed inside it).
    let ve = vs;
    while (ve < ev.length && ev[ve] !== 34) ve += ev[ve] === 92 ? 2 : 1;
    if (ve >= ev.length) return;
    const bs = ev.indexOf(92);
    if (bs !== -1 && bs < vs) return;
    if (ev.indexOf(92, ve) !== -1) return;
    this.pre = Buffer.from(ev.subarray(0, vs));
    this.suf = Buffer.from(ev.subarray(ve));
    this.preWords = wordsOf(this.pre);
    this.sufWords = wordsOf(this.suf);
    this.lineSafe = noLineEnd(this.pre) && noLineEnd(this.suf);
    this.finishReason = finishReason;
    this.active = true;
    this.generation++;
  }

  /** The active template's prefix length (its bytes up to and with the value's opening quote). */
  get preLength(): number {
    return this.pre.length;
  }

  /** The active template's suffix length (its bytes from the value's closing quote). */
  get sufLength(): number {
    return this.suf.length;
  }
}

/** A template's bytes as little-endian words: `w8` from its start, then `w4` (its last bytes are compared one by one). */
interface Words {
  w8: Float64Array;
  w4: Uint32Array;
}
const NO_WORDS: Words = { w8: new Float64Array(0), w4: new Uint32Array(0) };

/**
 * `b`'s words. Eight-byte words compared as doubles halve the loads, and are exact only if none of
 * them reads as NaN (NaN !== NaN; payloads differ) or ±0 (0 === -0): a JSON template's words never
 * do (no NUL bytes; a NaN needs bytes ≥ 0xF0), but one that does is compared four bytes at a time.
 * Shifts, not readUInt32LE: its argument checks cost more than the word (two templates per response).
 */
function wordsOf(b: Buffer): Words {
  const n8 = b.length >> 3;
  const w8 = new Float64Array(n8);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let safe = true;
  for (let i = 0; i < n8 && safe; i++) {
    const x = dv.getFloat64(8 * i, true);
    safe = x === x && x !== 0;
    w8[i] = x;
  }
  const from = safe ? 8 * n8 : 0;
  const w4 = new Uint32Array((b.length - from) >> 2);
  for (let i = 0, j = from; i < w4.length; i++, j += 4) w4[i] = b[j]! | (b[j + 1]! << 8) | (b[j + 2]! << 16) | (b[j + 3]! << 24);
  return { w8: safe ? w8 : NO_WORDS.w8, w4 };
}

function noLineEnd(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] === 10 || b[i] === 13) return false;
  return true;
}
