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
    // Byte loops, not Buffer#compare: its argument checks and native call cost more than the
    // ~100 bytes of a template compared here (once per streamed event).
    const pre = this.pre;
    for (let i = 0; i < pl; i++) if (b[s + i] !== pre[i]) return -1;
    const ve = e - sl;
    const suf = this.suf;
    for (let i = 0; i < sl; i++) if (b[ve + i] !== suf[i]) return -1;
    for (let i = s + pl; i < ve; i++) {
      const c = b[i]!;
      if (c < 32 || c === 34 || c === 92) return -1;
    }
    this.valueEnd = ve;
    return s + pl;
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
    for (let i = 0; i < pl; i++) if (b[s + i] !== pre[i]) return -1;
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
    for (let i = 0; i < sl; i++) if (b[ve + i] !== suf[i]) return -1;
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
    const k = b.indexOf(this.quotedKey, s);
    if (k === -1 || k >= e) return;
    const again = b.indexOf(this.quotedKey, k + 1);
    if (again !== -1 && again < e) return;
    if (b.compare(this.keyColonQuote, 0, this.keyColonQuote.length, k, k + this.keyColonQuote.length) !== 0) return;
    const vs = k + this.keyColonQuote.length;
    // End of the string value (escapes allowed inside it).
    let ve = vs;
    while (ve < e && b[ve] !== 34) ve += b[ve] === 92 ? 2 : 1;
    if (ve >= e) return;
    const bs = b.indexOf(92, s);
    if (bs !== -1 && bs < vs) return;
    const bs2 = b.indexOf(92, ve);
    if (bs2 !== -1 && bs2 < e) return;
    this.pre = Buffer.from(b.subarray(s, vs));
    this.suf = Buffer.from(b.subarray(ve, e));
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

function noLineEnd(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] === 10 || b[i] === 13) return false;
  return true;
}
