/**
 * One generation request as the handler sees it, whatever the transport: the
 * lean raw-socket front (rawhttp.ts) or node:http (the fallback for whatever
 * the lean front does not cover). Both give the same bytes on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Sink } from './sink.ts';

export interface Exchange {
  /** When the request reached the server (see server.ts arrivalStamp). */
  readonly arrivalMs: number;
  /** A request header (lower-case name), if present once. */
  header(name: string): string | undefined;
  /** The body as text, or undefined when larger than `limit` bytes. */
  body(limit: number): Promise<string | undefined>;
  /** Drops the body unread (an answer that does not need it). */
  discard(): void;
  /** Answers with a JSON body (content-length). */
  sendJson(status: number, body: string): void;
  /** The sink the engine streams into (once). */
  sink(): Sink;
}

/**
 * Adapts a node:http response. node writes the status line and headers
 * (flushHeaders: at once when the engine asks, else corked together with the
 * first bytes so they leave in one segment) and, in end(), the terminating chunk, so keep-alive and its response
 * bookkeeping stay intact. Stream bytes in between are pre-framed by the engine
 * (frames.ts) and go straight to the socket: node's per-write chunked-encoding
 * path costs ~40 % more CPU per token.
 */
export class HttpSink implements Sink {
  private flushed = false;
  /** end() was called (the engine's own record: cheaper than node's getters on every tick). */
  private ended = false;
  /** writeBytes(…, last) corked the socket; end() uncorks it. */
  private corked = false;
  /** The response's socket, once it has one (a pipelined request's response gets it when its turn comes). */
  private s: Socket | null = null;
  constructor(private readonly res: ServerResponse) {}
  private get sock(): Socket | null {
    return this.s ?? (this.s = this.res.socket);
  }
  head(status: number, headers: Record<string, string>, flush = false): void {
    this.res.writeHead(status, headers);
    if (flush) {
      this.res.flushHeaders();
      this.flushed = true;
    }
  }
  get chunked(): boolean {
    // set by writeHead: HTTP/1.1 without content-length (HTTP/1.0 clients get a close-delimited body)
    return (this.res as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true;
  }
  writeBytes(b: Uint8Array, last = false): void {
    const sock = this.sock;
    if (!sock) return;
    if (this.flushed) {
      // The last token's bytes and node's terminating chunk (end(), right after) leave in one segment.
      if (last) {
        sock.cork();
        this.corked = true;
      }
      sock.write(b);
      return;
    }
    this.flushed = true;
    sock.cork();
    this.res.flushHeaders();
    sock.write(b);
    sock.uncork();
  }
  end(s?: string): void {
    this.ended = true;
    const sock = this.sock;
    if (!this.flushed || !s) this.res.end(s);
    else {
      if (sock) sock.write(this.chunked ? `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n` : s);
      this.res.end();
    }
    if (this.corked) {
      this.corked = false;
      sock?.uncork();
    }
  }
  get closed(): boolean {
    // A response with a socket is destroyed only with it; it ends only through end().
    if (this.ended) return true;
    const sock = this.sock;
    return sock ? sock.destroyed : this.res.destroyed;
  }
}

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** A request through node:http. */
export class HttpExchange implements Exchange {
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly arrivalMs: number,
  ) {}
  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return typeof v === 'string' ? v : undefined;
  }
  body(limit: number): Promise<string | undefined> {
    return readBody(this.req, limit);
  }
  discard(): void {
    this.req.resume();
  }
  sendJson(status: number, body: string): void {
    sendJson(this.res, status, body);
  }
  sink(): Sink {
    return new HttpSink(this.res);
  }
}
