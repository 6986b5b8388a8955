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

/**
 * A template's storage: the learned event's bytes (prefix at [0, pl), suffix at [sufAt, sufAt + sl))
 * and their words. Reused by later responses (SameShape.release): fresh typed arrays per template
 * (bytes, words, views; two templates per response) were ~29,000 instructions a learn, most of it
 * allocating ArrayBuffers.
 */
class Store {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Eight-byte words: the prefix's, then the suffix's. */
  readonly w8: Float64Array;
  /** Four-byte words after them: the prefix's, then the suffix's. */
  readonly w4: Uint32Array;
  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.w8 = new Float64Array((size >> 3) + 2);
    this.w4 = new Uint32Array((size >> 2) + 4);
  }
}
const spareStores: Store[] = [];
/** Stores kept for reuse at most (one per response in flight is what a run needs; ~1 KiB each). */
const MAX_SPARE_STORES = 4096;

function storeFor(size: number, old: Store | undefined): Store {
  if (old !== undefined && old.size >= size) return old;
  const s = spareStores.pop();
  if (s !== undefined && s.size >= size) return s;
  return new Store(Math.max(512, size + (size >> 1)));
}

export class SameShape {
  private store: Store | undefined;
  /** Prefix length, suffix start in the store's bytes and length. */
  private pl = 0;
  private sufAt = 0;
  private sl = 0;
  /** Words of the prefix (p8 eight-byte, then p4 four-byte) and of the suffix (s8 from w8[p8], s4 from w4[p4]). */
  private p8 = 0;
  private p4 = 0;
  private s8 = 0;
  private s4 = 0;
  /** A DataView of the last matched buffer's memory (the transport reads into one buffer: made once). */
  private dv: DataView<ArrayBufferLike> = EMPTY_VIEW;
  private dvOf: Uint8Array | undefined;
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
   * The response is done: its template storage goes to a later response. Matching stops (a late
   * call finds no template, never another response's).
   */
  release(): void {
    this.active = false;
    const s = this.store;
    this.store = undefined;
    if (s !== undefined && spareStores.length < MAX_SPARE_STORES) spareStores.push(s);
  }

  /**
   * Match `b[s, e)` against the template: the value's [start, end) when it matches, else -1
   * (`valueEnd` then holds the value end).
   */
  match(b: Buffer, s: number, e: number): number {
    if (!this.active) return -1;
    const pl = this.pl;
    const sl = this.sl;
    if (e - s < pl + sl) return -1;
    const ve = e - sl;
    if (!this.equalPre(b, s) || !this.equalSuf(b, ve)) return -1;
    for (let i = s + pl; i < ve; i++) {
      const c = b[i]!;
      if (c < 32 || c === 34 || c === 92) return -1;
    }
    this.valueEnd = ve;
    return s + pl;
  }

  /** `b[at, at + pl)` is the prefix (the caller checked the length). */
  private equalPre(b: Uint8Array, at: number): boolean {
    return this.equal(b, at, 0, this.pl, 0, this.p8, 0, this.p4);
  }

  /** `b[at, at + sl)` is the suffix (the caller checked the length). */
  private equalSuf(b: Uint8Array, at: number): boolean {
    return this.equal(b, at, this.sufAt, this.sl, this.p8, this.s8, this.p4, this.s4);
  }

  /**
   * `b[at, at + n)` equals the store's bytes [t, t + n): eight, then four bytes at a time through a
   * DataView (n8 words from w8[o8], n4 from w4[o4]: the store's little-endian words), then the last
   * bytes. Not Buffer#compare: its argument checks and native call cost more than the ~100 bytes
   * compared here, once per streamed event; word loads take a fraction of a byte loop's instructions.
   */
  private equal(b: Uint8Array, at: number, t: number, n: number, o8: number, n8: number, o4: number, n4: number): boolean {
    if (b !== this.dvOf) {
      // The transport reads into one buffer: its DataView is made once (an identity check; reading
      // `b.buffer` per call goes through the runtime).
      this.dvOf = b;
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const dv = this.dv;
    const st = this.store!;
    const w8 = st.w8;
    // Exact: no eight-byte word of a template reads as NaN or ±0 (wordsOf), and for other doubles
    // `===` is equality of all 64 bits.
    for (let i = 0; i < n8; i++) if (dv.getFloat64(at + 8 * i, true) !== w8[o8 + i]) return false;
    const w4 = st.w4;
    const base = 8 * n8;
    for (let i = 0; i < n4; i++) if (dv.getUint32(at + base + 4 * i, true) !== w4[o4 + i]) return false;
    const tb = st.bytes;
    for (let i = base + 4 * n4; i < n; i++) if (b[at + i] !== tb[t + i]) return false;
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
    const pl = this.pl;
    if (s + pl > end) return -1;
    if (!this.equalPre(b, s)) return -1;
    // The value runs to the first quote (the suffix's first byte); no backslash or control byte in it.
    let ve = s + pl;
    for (; ve < end; ve++) {
      const c = b[ve]!;
      if (c === 34) break;
      if (c < 32 || c === 92) return -1;
    }
    const e = ve + this.sl;
    if (e + 2 > end) return -1;
    if (!this.equalSuf(b, ve)) return -1;
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
    const st = (this.store = storeFor(ev.length, this.store));
    st.bytes.set(ev);
    this.pl = vs;
    this.sufAt = ve;
    this.sl = ev.length - ve;
    // The prefix's words from w8[0] / w4[0], the suffix's right after them.
    this.p8 = wordsOf(st, 0, vs, 0, 0);
    this.p4 = (vs - 8 * this.p8) >> 2;
    this.s8 = wordsOf(st, ve, this.sl, this.p8, this.p4);
    this.s4 = (this.sl - 8 * this.s8) >> 2;
    this.lineSafe = noLineEnd(st.bytes, 0, vs) && noLineEnd(st.bytes, ve, ev.length);
    this.finishReason = finishReason;
    this.active = true;
    this.generation++;
  }

  /** The active template's prefix length (its bytes up to and with the value's opening quote). */
  get preLength(): number {
    return this.pl;
  }

  /** The active template's suffix length (its bytes from the value's closing quote). */
  get sufLength(): number {
    return this.sl;
  }
}

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * The words of the store's bytes [a, a + n), written at w8[o8] and w4[o4]; returns how many are
 * eight-byte words (n8): the (n − 8·n8) >> 2 four-byte words follow them, the last bytes are
 * compared one by one.
 * Eight-byte words compared as doubles halve the loads, and are exact only if none of them reads
 * as NaN (NaN !== NaN) or ±0 (0 === -0): a JSON template's words never do (no NUL bytes; a NaN
 * needs a byte ≥ 0xF0), but one that does is compared four bytes at a time.
 */
function wordsOf(st: Store, a: number, n: number, o8: number, o4: number): number {
  const v = st.view;
  let n8 = n >> 3;
  for (let i = 0; i < n8; i++) {
    const x = v.getFloat64(a + 8 * i, true);
    if (x !== x || x === 0) {
      n8 = 0;
      break;
    }
    st.w8[o8 + i] = x;
  }
  const from = 8 * n8;
  const n4 = (n - from) >> 2;
  for (let i = 0; i < n4; i++) st.w4[o4 + i] = v.getUint32(a + from + 4 * i, true);
  return n8;
}

function noLineEnd(b: Uint8Array, a: number, e: number): boolean {
  for (let i = a; i < e; i++) if (b[i] === 10 || b[i] === 13) return false;
  return true;
}
