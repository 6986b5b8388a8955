/**
 * Pre-framed stream bytes. A stream's events are fully known once its output
 * is chosen (pieces, finish reason, usage), so instead of building a string,
 * framing it and UTF-8-encoding it on every write, the events of the next
 * WINDOW tokens are rendered, framed (HTTP/1.1 chunked when the sink needs it)
 * and encoded into ONE Buffer at a time; each due write is then a subarray of
 * it. Rendering is byte copies into that Buffer: the event's fixed parts are
 * encoded once per stream and each piece's bytes once per piece (text.ts), so
 * no per-token string is built (half the CPU of building and encoding one).
 * Memory per stream stays bounded (one window), whatever max_tokens is.
 */
import type { Piece } from './text.ts';

/** Tokens rendered per window: one Buffer allocation per this many tokens. */
export const WINDOW = 64;

export interface StreamShape {
  /** The output pieces: token k is pieces[(start + k) % pieces.length] (a view of the shared pool, no copy per request). */
  pieces: readonly Piece[];
  /** Index of token 0 in `pieces` (default 0). */
  start?: number;
  /** Tokens in the stream (default pieces.length). */
  count?: number;
  /** `data: {...,"choices":[{"index":0,"text":"` (or the chat delta opening). */
  pre: string;
  /** Closes a token's choice (finish_reason null). */
  post: string;
  /** Closes the last token's choice (with finish_reason). */
  postLast: string;
  /** Written before the first token's event (the chat role chunk), or ''. */
  first: string;
  /** `,"usage":{...}` for the cumulative count k (continuous usage), or undefined. */
  usage: ((k: number) => string) | undefined;
  /** Written after the last token's event (usage chunk, `data: [DONE]`); a function is called only then. */
  tail: string | (() => string);
  /** HTTP/1.1 chunked framing around every event. */
  chunked: boolean;
}

const CLOSE = '}\n\n';
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/**
 * Scratch of render() (synchronous, never re-entered), shared by every stream: per token of the
 * window, the bytes after the piece when not postB (first / last / usage), and the event's length.
 * Per stream they were ~0.6 KB more that lived as long as the request (scavenges copy it).
 */
const REST: Array<Buffer | undefined> = new Array<Buffer | undefined>(WINDOW).fill(undefined);
const LENS = new Int32Array(WINDOW);

/**
 * Windows are carved from shared slabs, not one ArrayBuffer each (~13 KB per 64 tokens, past
 * Buffer's own 4 KB pooling): ~2 ArrayBuffers per request made V8 sweep thousands of them per
 * second, several ms inside its pauses (docs/performance-sim.md). A slab is never written again once
 * its windows are handed out (a new one takes over when full), so a write still queued in the socket
 * keeps valid bytes; it is freed when no window of it is referenced.
 */
const SLAB_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);
/** `post` + CLOSE encoded, by `post`: one per endpoint shape, shared by every stream. */
const POST_BYTES = new Map<string, Buffer>();
let slab: Buffer = EMPTY;
let slabUsed = 0;

/** Where the last windowBuffer() was carved: `winBuf` from byte `winOff` (no view object per window). */
let winBuf: Buffer = EMPTY;
let winOff = 0;

/** Room for a window of n bytes: sets winBuf / winOff. */
function windowBuffer(n: number): void {
  if (n > SLAB_BYTES >>> 3) {
    winBuf = Buffer.allocUnsafe(n);
    winOff = 0;
    return;
  }
  if (slabUsed + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  winBuf = slab;
  winOff = slabUsed;
  slabUsed = (slabUsed + n + 7) & ~7;
}

/**
 * One stream's framing state. Reusable (reset()): the engine keeps one per pooled job, so a
 * running stream holds no per-request objects here but the current window's view; the shape (and
 * its closures) is dropped as soon as the last window is rendered.
 */
export class StreamFrames {
  /** The current window's bytes are buf[off, ends[count − 1]) (buf: usually a shared slab). */
  private buf: Buffer = EMPTY;
  private off = 0;
  /** ends[i]: byte offset in buf after token (base + i) and everything written with it. */
  private readonly ends = new Int32Array(WINDOW);
  private count = 0;
  private base = 0;
  /** Tokens handed out so far. */
  private done = 0;
  /** Tokens of the stream. */
  private n = 0;
  private s: StreamShape | undefined;
  /** The event's fixed parts, encoded once per stream: pieces' bytes are spliced between them. */
  private preB: Buffer = EMPTY;
  /** `post` + `}\n\n`: the whole rest of a plain (not first, not last, no usage) token's event. */
  private postB: Buffer = EMPTY;

  constructor(s?: StreamShape) {
    if (s) this.reset(s);
  }

  /** Starts a new stream (the previous one's windows stay valid for writes still queued). */
  reset(s: StreamShape): void {
    this.s = s;
    this.n = s.count ?? s.pieces.length;
    this.buf = EMPTY;
    this.count = 0;
    this.base = 0;
    this.done = 0;
    this.preB = Buffer.from(s.pre, 'utf8');
    let postB = POST_BYTES.get(s.post);
    if (!postB) POST_BYTES.set(s.post, (postB = Buffer.from(s.post + CLOSE, 'utf8')));
    this.postB = postB;
  }

  /** Forgets the stream (its window and shape), so an idle pooled instance holds nothing. */
  clear(): void {
    this.s = undefined;
    this.buf = EMPTY;
    this.preB = EMPTY;
  }

  /** Renders the first window now (before the first token is due), so its write is only a write. */
  prime(): void {
    if (this.count === 0 && this.n > 0) this.render(0);
  }

  /** The bytes of tokens [done, upTo) — for the last token including the tail. */
  take(upTo: number): Buffer {
    let out: Buffer | undefined;
    while (this.done < upTo) {
      if (this.done >= this.base + this.count) this.render(this.done);
      const i0 = this.done - this.base;
      const i1 = Math.min(upTo, this.base + this.count) - this.base;
      const part = this.buf.subarray(i0 === 0 ? this.off : (this.ends[i0 - 1] as number), this.ends[i1 - 1] as number);
      out = out ? Buffer.concat([out, part]) : part;
      this.done = this.base + i1;
    }
    return out ?? EMPTY;
  }

  /**
   * One Buffer for tokens [from, to): sizes first, then the pre-encoded template parts and each
   * piece's bytes copied in (no per-token strings; a first / last / continuous-usage event encodes
   * its own extra text).
   */
  private render(from: number): void {
    const s = this.s as StreamShape;
    const n = this.n;
    const arr = s.pieces;
    const nArr = arr.length;
    const p0 = s.start ?? 0;
    let to = Math.min(n, from + WINDOW);
    // A lazy tail (it may need the prompt's token count) is rendered only when the last token is due.
    if (typeof s.tail !== 'string' && to === n && from < n - 1) to = n - 1;
    const pre = this.preB;
    let first: Buffer | undefined;
    let total = 0;
    for (let k = from; k < to; k++) {
      const i = k - from;
      let rest: Buffer | undefined;
      if (k === n - 1 || s.usage) {
        let r = `${k === n - 1 ? s.postLast : s.post}${s.usage ? s.usage(k + 1) : ''}${CLOSE}`;
        if (k === n - 1) r += typeof s.tail === 'string' ? s.tail : s.tail();
        rest = Buffer.from(r, 'utf8');
      }
      REST[i] = rest;
      let len = pre.length + (arr[(p0 + k) % nArr] as Piece).bytes.length + (rest ?? this.postB).length;
      if (k === 0 && s.first) {
        first = Buffer.from(s.first, 'utf8');
        len += first.length;
      }
      LENS[i] = len;
      total += s.chunked ? hexDigits(len) + 4 + len : len;
    }
    windowBuffer(total);
    const out = winBuf;
    const o0 = winOff;
    let o = o0;
    for (let k = from; k < to; k++) {
      const i = k - from;
      const len = LENS[i] as number;
      if (s.chunked) {
        for (let d = hexDigits(len) - 1; d >= 0; d--) out[o++] = HEX[(len >>> (4 * d)) & 15] as number;
        out[o++] = 13;
        out[o++] = 10;
      }
      if (k === 0 && first) o += first.copy(out, o);
      o += pre.copy(out, o);
      o += (arr[(p0 + k) % nArr] as Piece).bytes.copy(out, o);
      const rest = REST[i];
      o += (rest ?? this.postB).copy(out, o);
      REST[i] = undefined;
      if (s.chunked) {
        out[o++] = 13;
        out[o++] = 10;
      }
      this.ends[i] = o;
    }
    this.buf = out;
    this.off = o0;
    this.count = to - from;
    this.base = from;
    // Everything rendered: the shape (closures, strings of the request) is not needed any more.
    if (to === n) {
      this.s = undefined;
      this.preB = EMPTY;
    }
  }
}


function hexDigits(n: number): number {
  let d = 1;
  while (n >>> (4 * d) !== 0 && d < 8) d++;
  return d;
}
