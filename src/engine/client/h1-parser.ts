/**
 * HTTP/1.1 response parsing for the lean transport, on bytes: status line and
 * headers (decoded once, latin1), then the body by chunked framing,
 * content-length, or until the connection closes. Body bytes go to the sink as
 * slices of the read buffer (no copies) with the read's one stamp. 1xx interim
 * responses are skipped. Malformed framing throws (the connection is dropped
 * and the request fails). The parser never calls `onEnd`: it reports `done`
 * and the connection ends the sink once it has freed itself for the next request.
 */
import type { ResponseSink } from './transport.ts';

const enum S {
  Head,
  Size,
  SizeExt,
  Data,
  DataEnd,
  Trailer,
  Length,
  UntilClose,
  Done,
}

export class H1ParseError extends Error {
  readonly code = 'UND_ERR_SOCKET';
  constructor(message: string) {
    super(message);
    this.name = 'H1ParseError';
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

export class H1Parser {
  private s = S.Head;
  private head: Buffer = Buffer.allocUnsafe(1024);
  private headLen = 0;
  private remaining = 0;
  private trailerLineEmpty = true;
  /** The server allows the connection to be reused after this response. */
  keepAlive = true;
  /** `Keep-Alive: timeout=N` from the server, ms (-1: none sent). */
  keepAliveHintMs = -1;
  sink: ResponseSink | undefined;
  /** Stamp of the read that completed the response (valid when `done`). */
  endAtMs = 0;

  reset(sink: ResponseSink): void {
    this.s = S.Head;
    this.headLen = 0;
    this.keepAlive = true;
    this.keepAliveHintMs = -1;
    this.sink = sink;
  }

  get waitingForHead(): boolean {
    return this.s === S.Head;
  }

  get done(): boolean {
    return this.s === S.Done;
  }

  /** Body runs to EOF (no length, not chunked). */
  get untilClose(): boolean {
    return this.s === S.UntilClose;
  }

  /** Parse `buf[start, end)`; returns the index after the response's last byte, or `end`. */
  feed(buf: Buffer, start: number, end: number, atMs: number): number {
    let p = start;
    const sink = this.sink!;
    while (p < end) {
      switch (this.s) {
        case S.Head: {
          p = this.readHead(buf, p, end, atMs);
          break;
        }
        case S.Size: {
          const b = buf[p]!;
          const d = hexVal(b);
          if (d >= 0) {
            this.remaining = this.remaining * 16 + d;
            if (this.remaining > Number.MAX_SAFE_INTEGER / 32) throw new H1ParseError('chunk size too large');
            p++;
          } else if (b === 13 || b === 59 /* ; */ || b === 32 || b === 9) {
            this.s = S.SizeExt;
            p++;
          } else if (b === 10) {
            p++;
            this.endSize();
          } else throw new H1ParseError('bad chunk size');
          break;
        }
        case S.SizeExt: {
          // The usual CRLF after a chunk size: its LF is the next byte (no search, no native call).
          if (buf[p] === 10) {
            p++;
            this.endSize();
            break;
          }
          const nl = buf.indexOf(10, p);
          if (nl === -1 || nl >= end) return end;
          p = nl + 1;
          this.endSize();
          break;
        }
        case S.Data: {
          const n = Math.min(this.remaining, end - p);
          sink.onData(buf, p, p + n, atMs);
          p += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.s = S.DataEnd;
            this.remaining = 0;
          }
          break;
        }
        case S.DataEnd: {
          const b = buf[p++];
          if (b === 10) {
            this.s = S.Size;
            this.remaining = 0;
          } else if (b !== 13) throw new H1ParseError('chunk not followed by CRLF');
          break;
        }
        case S.Trailer: {
          const b = buf[p++];
          if (b === 10) {
            if (this.trailerLineEmpty) return this.complete(p, atMs);
            this.trailerLineEmpty = true;
          } else if (b !== 13) this.trailerLineEmpty = false;
          break;
        }
        case S.Length: {
          const n = Math.min(this.remaining, end - p);
          sink.onData(buf, p, p + n, atMs);
          p += n;
          this.remaining -= n;
          if (this.remaining === 0) return this.complete(p, atMs);
          break;
        }
        case S.UntilClose:
          sink.onData(buf, p, end, atMs);
          return end;
        case S.Done:
          return p;
      }
    }
    return end;
  }

  /** EOF from the server: ends an until-close body; anything else is a reset. */
  eof(atMs: number): boolean {
    if (this.s !== S.UntilClose) return false;
    this.complete(0, atMs);
    return true;
  }

  private endSize(): void {
    if (this.remaining === 0) {
      this.s = S.Trailer;
      this.trailerLineEmpty = true;
    } else this.s = S.Data;
  }

  /** The response is complete; the caller ends the sink (after it has freed the connection). */
  private complete(p: number, atMs: number): number {
    this.s = S.Done;
    this.endAtMs = atMs;
    return p;
  }

  private readHead(buf: Buffer, p: number, end: number, atMs: number): number {
    const from = Math.max(0, this.headLen - 3);
    const need = this.headLen + (end - p);
    if (need > this.head.length) {
      if (need > MAX_HEAD) throw new H1ParseError('response head larger than 64 KiB');
      const next = Buffer.allocUnsafe(Math.max(need, this.head.length * 2));
      this.head.copy(next, 0, 0, this.headLen);
      this.head = next;
    }
    buf.copy(this.head, this.headLen, p, end);
    const total = need;
    const at = this.head.indexOf(CRLFCRLF, from);
    if (at === -1 || at + 4 > total) {
      this.headLen = total;
      return end;
    }
    const consumed = at + 4 - this.headLen;
    this.headLen = 0;
    this.onHead(this.head.toString('latin1', 0, at), atMs);
    return p + consumed;
  }

  private onHead(text: string, atMs: number): void {
    // A server answers every request with the same head but for its Date line (a new one each
    // second): the last head's reading is reused when the text is the same (a pure function of it).
    const h = text === lastHeadText ? lastHead! : readHead(text);
    lastHeadText = text;
    lastHead = h;
    const status = h.status;
    if (status >= 100 && status < 200) return; // interim (100 Continue, 103 Early Hints): the real head follows
    this.keepAlive = h.keepAlive;
    if (h.keepAliveHintMs >= 0) this.keepAliveHintMs = h.keepAliveHintMs;
    const { contentType, length, chunked } = h;
    this.sink!.onHeaders(status, contentType, atMs);
    if (chunked) {
      this.s = S.Size;
      this.remaining = 0;
    } else if (status === 204 || status === 304) this.complete(0, atMs);
    else if (length >= 0 && Number.isFinite(length)) {
      this.remaining = length;
      if (length === 0) this.complete(0, atMs);
      else this.s = S.Length;
    } else {
      this.s = S.UntilClose;
      this.keepAlive = false;
    }
  }
}

/** What a response head says (the parser's reading of it). */
interface Head {
  status: number;
  keepAlive: boolean;
  /** `Keep-Alive: timeout=N` in ms, −1 when not sent. */
  keepAliveHintMs: number;
  contentType: string | undefined;
  length: number;
  chunked: boolean;
}

let lastHeadText = '';
let lastHead: Head | undefined;

function readHead(text: string): Head {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw new H1ParseError(`bad status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const h: Head = { status: Number(m[2]), keepAlive: m[1] === '1', keepAliveHintMs: -1, contentType: undefined, length: -1, chunked: false };
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const name = l.slice(0, c).trim().toLowerCase();
    const value = l.slice(c + 1).trim();
    if (name === 'content-type') h.contentType = value;
    else if (name === 'content-length') h.length = Number(value);
    else if (name === 'transfer-encoding') h.chunked = value.toLowerCase().endsWith('chunked');
    else if (name === 'connection') {
      const v = value.toLowerCase();
      if (v.includes('close')) h.keepAlive = false;
      else if (v.includes('keep-alive')) h.keepAlive = true;
    } else if (name === 'keep-alive') {
      const t = /timeout=(\d+)/i.exec(value);
      if (t) h.keepAliveHintMs = Number(t[1]) * 1000;
    }
  }
  return h;
}

function hexVal(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}
