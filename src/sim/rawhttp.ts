/**
 * The lean HTTP/1.1 front of the generation endpoints, on raw `node:net`
 * sockets: no IncomingMessage / ServerResponse / HTTP parser objects per
 * request, the status line and headers written by hand, the engine's
 * pre-framed chunks (frames.ts) written straight to the socket. node:http's
 * per-request machinery was about a fifth of the simulator's CPU per streamed
 * token at 50 tokens per request (docs/performance-sim.md).
 *
 * It covers the common case exactly as node:http answers it (same status
 * line, header names, order and values, chunked framing, keep-alive): a
 * `POST /v1/completions` or `/v1/chat/completions` HTTP/1.1 request with one
 * Content-Length, no Transfer-Encoding / Expect / Upgrade, Connection absent
 * or keep-alive, no repeated header, body within the size limit. Anything
 * else (other routes, HTTP/1.0, malformed requests, …) is handed, with the
 * bytes not yet answered, to node:http for the rest of the connection, so
 * every other answer (and every error node:http gives) is unchanged.
 * Pipelined requests are answered in order, one at a time.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Sink } from './sink.ts';
import type { Exchange } from './exchange.ts';
import type { Endpoint } from './request.ts';

/** Longest head (request line + headers) the lean front parses; longer goes to node:http. */
const MAX_HEAD = 16384;
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
const END_CHUNK = '0\r\n\r\n';
/** What node:http appends to every keep-alive response's headers (after Date). */
const KEEP_ALIVE = 'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const EMPTY = Buffer.alloc(0);

let dateSec = -1;
let dateLine = '';
/** node:http's Date header (cached per second, as node does). */
function date(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== dateSec) {
    dateSec = sec;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
}

export interface LeanHandlers {
  /** Answers one request (ends it through the exchange's sendJson or sink). */
  generate(endpoint: Endpoint, x: Exchange): void;
  /** Gives the connection to node:http, with `rest` (bytes not answered yet) put back in front. */
  handOver(sock: Socket, rest: Buffer): void;
  /** The request body size limit, bytes. */
  maxBodyBytes(): number;
  /** The arrival time of a request whose head just arrived. */
  arrival(): number;
}

/** The parsed head of a lean request. */
interface Head {
  endpoint: Endpoint;
  headers: Map<string, string>;
  length: number;
  /** Bytes of the head including the blank line. */
  size: number;
  arrivalMs: number;
}

/** Parses a head; undefined: not for the lean front (node:http answers it). */
export function parseHead(text: string, maxBody: number): Omit<Head, 'size' | 'arrivalMs'> | undefined {
  const lines = text.split('\r\n');
  const m = /^POST (\/v1\/(?:chat\/)?completions)(?:\?[^ ]*)? HTTP\/1\.1$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const c = line.indexOf(':');
    if (c <= 0) return undefined;
    const name = line.slice(0, c);
    if (!TOKEN.test(name)) return undefined;
    const key = name.toLowerCase();
    if (headers.has(key)) return undefined;
    headers.set(key, line.slice(c + 1).trim());
  }
  const cl = headers.get('content-length');
  if (cl === undefined || !/^\d{1,15}$/.test(cl)) return undefined;
  const length = Number(cl);
  if (length > maxBody) return undefined;
  if (headers.has('transfer-encoding') || headers.has('expect') || headers.has('upgrade')) return undefined;
  const conn = headers.get('connection');
  if (conn !== undefined && conn.toLowerCase() !== 'keep-alive') return undefined;
  return { endpoint: m[1] === '/v1/completions' ? 'completion' : 'chat', headers, length };
}

/**
 * The responses of a lean connection: hand-written head, chunked body. One per connection, reset
 * for each request (begin()): requests on a connection are answered one at a time, and the engine
 * keeps a response's sink until it ends, ~1 s for a stream (an object per request lived that
 * long, so young-generation GCs copied it: docs/performance-sim.md).
 */
class RawSink implements Sink {
  private pending: string | undefined;
  private ended = false;
  private corked = false;
  readonly chunked = true;
  constructor(
    private readonly sock: Socket,
    private readonly done: () => void,
  ) {}
  /** The next response on the connection (the previous one ended: done() ran). */
  begin(): this {
    this.pending = undefined;
    this.ended = false;
    this.corked = false;
    return this;
  }
  head(status: number, headers: Record<string, string>, flush = false): void {
    let h = statusLine(status);
    for (const k in headers) h += `${k}: ${headers[k]}\r\n`;
    this.pending = `${h}${date()}${KEEP_ALIVE}Transfer-Encoding: chunked\r\n\r\n`;
    if (flush) this.flushHead();
  }
  private flushHead(): void {
    const h = this.pending;
    if (h === undefined) return;
    this.pending = undefined;
    if (!this.sock.destroyed) this.sock.write(h, 'latin1');
  }
  writeBytes(b: Uint8Array, last = false): void {
    const sock = this.sock;
    if (sock.destroyed) return;
    // Headers not sent yet, or the last token: what follows leaves in the same segment.
    if (last || this.pending !== undefined) {
      if (!this.corked) sock.cork();
      this.corked = true;
    }
    this.flushHead();
    sock.write(b);
    if (this.corked && !last) {
      this.corked = false;
      sock.uncork();
    }
  }
  end(s?: string): void {
    if (this.ended) return;
    this.ended = true;
    const sock = this.sock;
    if (!sock.destroyed) {
      if (!this.corked) sock.cork();
      this.corked = false;
      this.flushHead();
      sock.write(s ? `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n${END_CHUNK}` : END_CHUNK);
      sock.uncork();
    }
    this.done();
  }
  get closed(): boolean {
    return this.ended || this.sock.destroyed;
  }
}

/** A request answered by the lean front (its body already read). */
class RawExchange implements Exchange {
  private answered = false;
  constructor(
    private readonly sock: Socket,
    private readonly h: Head,
    private readonly text: string,
    private readonly done: () => void,
    private readonly s: RawSink,
  ) {}
  get arrivalMs(): number {
    return this.h.arrivalMs;
  }
  header(name: string): string | undefined {
    return this.h.headers.get(name);
  }
  body(): Promise<string | undefined> {
    // The size limit was checked on Content-Length (larger bodies go to node:http).
    return Promise.resolve(this.text);
  }
  discard(): void {}
  sendJson(status: number, body: string): void {
    if (this.answered) return;
    this.answered = true;
    if (!this.sock.destroyed) {
      this.sock.write(`${statusLine(status)}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${date()}${KEEP_ALIVE}\r\n${body}`);
    }
    this.done();
  }
  sink(): Sink {
    // (engine.submit may still refuse the request: then sendJson answers and the sink is never used)
    return this.s.begin();
  }
}

/** Serves one connection with the lean front until it is closed or handed over. */
export function serveLean(sock: Socket, h: LeanHandlers): void {
  /** Bytes parsed from: `buf` plus the packets in `parts` (joined only when needed, so a large body is copied once). */
  let buf: Buffer = EMPTY;
  const parts: Buffer[] = [];
  let partsLen = 0;
  let busy = false;
  let gone = false;
  /** The client half-closed (sent FIN): end our side once every request read is answered, as node:http does. */
  let eof = false;
  let head: Head | undefined;
  const join = (): void => {
    if (parts.length === 0) return;
    buf = buf.length === 0 && parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat([buf, ...parts]);
    parts.length = 0;
    partsLen = 0;
  };
  const onData = (b: Buffer): void => {
    parts.push(b);
    partsLen += b.length;
    if (!busy) next();
  };
  const handOver = (): void => {
    gone = true;
    join();
    sock.off('data', onData);
    sock.off('end', onEnd);
    sock.off('timeout', onIdle);
    sock.setTimeout(0);
    // After the client's FIN the bytes cannot be put back into the socket: nothing more is answered.
    if (eof) sock.end();
    else h.handOver(sock, buf);
  };
  const finishIfEof = (): void => {
    if (eof && !busy && !gone && !sock.destroyed) sock.end();
  };
  const done = (): void => {
    busy = false;
    if (gone) return;
    if (buf.length + partsLen > 0) {
      setImmediate(() => {
        next();
        finishIfEof();
      });
    } else finishIfEof();
  };
  const next = (): void => {
    if (busy || gone || sock.destroyed) return;
    // A body still arriving: nothing to parse yet (no copy per packet).
    if (head && buf.length + partsLen < head.size + head.length) return;
    join();
    if (!head) {
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_HEAD) handOver();
        return;
      }
      const p = end <= MAX_HEAD ? parseHead(buf.toString('latin1', 0, end), h.maxBodyBytes()) : undefined;
      if (!p) return handOver();
      head = { ...p, size: end + 4, arrivalMs: h.arrival() };
    }
    if (buf.length < head.size + head.length) return;
    const cur = head;
    const text = buf.toString('utf8', cur.size, cur.size + cur.length);
    // Fully consumed (the usual case): drop the packet, so an idle connection does not hold it for the stream's ~1 s.
    buf = buf.length === cur.size + cur.length ? EMPTY : buf.subarray(cur.size + cur.length);
    head = undefined;
    busy = true;
    h.generate(cur.endpoint, new RawExchange(sock, cur, text, done, sink));
  };
  const sink = new RawSink(sock, done);
  const onEnd = (): void => {
    eof = true;
    if (busy) return;
    next();
    finishIfEof();
  };
  // node:http's keepAliveTimeout: an idle connection (no bytes either way) is closed after 65 s.
  const onIdle = (): void => {
    if (!busy) sock.end();
  };
  sock.setNoDelay(true);
  sock.setTimeout(65_000);
  sock.on('timeout', onIdle);
  sock.on('data', onData);
  sock.on('end', onEnd);
  sock.on('error', () => sock.destroy());
}
