/**
 * Pre-framed stream bytes. A stream's events are fully known once its output
 * is chosen (pieces, finish reason, usage), so instead of building a string,
 * framing it and UTF-8-encoding it on every write, the events of the next
 * WINDOW tokens are rendered, framed (HTTP/1.1 chunked when the sink needs it)
 * and encoded into ONE Buffer at a time; each due write is then a subarray of
 * it. Memory per stream stays bounded (one window), whatever max_tokens is.
 */
import type { Piece } from './text.ts';

/** Tokens rendered per window: one Buffer allocation per this many tokens. */
export const WINDOW = 64;

export interface StreamShape {
  pieces: readonly Piece[];
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

export class StreamFrames {
  private buf: Buffer = Buffer.alloc(0);
  /** ends[i]: byte offset in buf after token (base + i) and everything written with it. */
  private ends: number[] = [];
  private base = 0;
  /** Tokens handed out so far. */
  private done = 0;

  constructor(private readonly s: StreamShape) {}

  /** Renders the first window now (before the first token is due), so its write is only a write. */
  prime(): void {
    if (this.ends.length === 0 && this.s.pieces.length > 0) this.render(0);
  }

  /** The bytes of tokens [done, upTo) — for the last token including the tail. */
  take(upTo: number): Buffer {
    let out: Buffer | undefined;
    while (this.done < upTo) {
      if (this.done >= this.base + this.ends.length) this.render(this.done);
      const i0 = this.done - this.base;
      const i1 = Math.min(upTo, this.base + this.ends.length) - this.base;
      const part = this.buf.subarray(i0 === 0 ? 0 : (this.ends[i0 - 1] as number), this.ends[i1 - 1] as number);
      out = out ? Buffer.concat([out, part]) : part;
      this.done = this.base + i1;
    }
    return out ?? this.buf.subarray(0, 0);
  }

  private render(from: number): void {
    const s = this.s;
    const n = s.pieces.length;
    let to = Math.min(n, from + WINDOW);
    // A lazy tail (it may need the prompt's token count) is rendered only when the last token is due.
    if (typeof s.tail !== 'string' && to === n && from < n - 1) to = n - 1;
    let text = '';
    let bytes = 0;
    const ends: number[] = new Array<number>(to - from);
    for (let k = from; k < to; k++) {
      let ev = k === 0 ? s.first : '';
      ev += `${s.pre}${(s.pieces[k] as Piece).json}${k === n - 1 ? s.postLast : s.post}${s.usage ? s.usage(k + 1) : ''}}\n\n`;
      if (k === n - 1) ev += typeof s.tail === 'string' ? s.tail : s.tail();
      if (s.chunked) {
        const len = Buffer.byteLength(ev);
        const hex = len.toString(16);
        text += `${hex}\r\n${ev}\r\n`;
        bytes += hex.length + 4 + len;
      } else {
        text += ev;
        bytes += Buffer.byteLength(ev);
      }
      ends[k - from] = bytes;
    }
    this.buf = Buffer.from(text, 'utf8');
    this.ends = ends;
    this.base = from;
  }
}
