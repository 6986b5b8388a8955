/**
 * The lean HTTP/1.1 transport for plain http: keep-alive connections over
 * node:net, at most `connections` of them, one request per connection at a
 * time (no pipelining), FIFO wait when all are busy. Why: per streamed event,
 * undici's generic machinery (llhttp, handler wrapping, header objects, one
 * Buffer per read) costs more than the whole SSE path. Here every socket reads
 * into ONE shared buffer (`onread`, no allocation per read), each read is
 * stamped once with monoMs() and parsed in place (h1-parser.ts), and the
 * request (head + body, one write) is stamped just before it is written to the
 * connected socket. Timeouts (connect, headers, between body reads) are
 * checked by one unref'd sweep timer, not a timer per request.
 */
import { connect, type Socket } from 'node:net';
import { monoMs } from '../../util/clock.ts';
import { LabelledAbort } from './errors.ts';
import { H1Parser } from './h1-parser.ts';
import type { AbortFn, ResponseSink, Transport, TransportOptions, TransportPool, WireRequest } from './transport.ts';

interface Job {
  req: WireRequest;
  sink: ResponseSink;
  conn: H1Conn | undefined;
  ended: boolean;
}

/** Shared by every socket: a read is fully parsed before the callback returns. */
const READ_BUF = Buffer.allocUnsafe(64 * 1024);
const DEFAULT_IDLE_MS = 60_000;

class H1Conn {
  readonly socket: Socket;
  readonly parser = new H1Parser();
  job: Job | undefined;
  connected = false;
  /** Last activity (connect start, request written, read), for the timeout sweep. */
  lastMs: number;
  idleUntilMs = 0;
  closed = false;

  constructor(
    private readonly pool: H1Pool,
    first: Job,
  ) {
    this.job = first;
    first.conn = this;
    this.lastMs = monoMs();
    this.socket = connect({
      host: pool.host,
      port: pool.port,
      noDelay: true,
      keepAlive: true,
      onread: { buffer: READ_BUF, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf as Buffer) },
    });
    this.socket.on('connect', () => {
      this.connected = true;
      if (this.job) this.write(this.job);
    });
    this.socket.on('end', () => this.onEof());
    this.socket.on('error', (err) => this.drop(err));
    this.socket.on('close', () => this.drop(sockErr('socket closed')));
  }

  start(job: Job): void {
    this.job = job;
    job.conn = this;
    this.write(job);
  }

  private write(job: Job): void {
    let bytes: string;
    try {
      bytes = this.pool.head(job.req) + job.req.body;
    } catch (err) {
      this.drop(err);
      return;
    }
    this.parser.reset(job.sink);
    const now = monoMs();
    this.lastMs = now;
    job.sink.onSent(now);
    this.socket.write(bytes);
  }

  private onRead(n: number, buf: Buffer): boolean {
    const at = monoMs();
    this.lastMs = at;
    const job = this.job;
    if (!job) {
      this.drop(sockErr('data on an idle connection'));
      return false;
    }
    try {
      const used = this.parser.feed(buf, 0, n, at);
      if (this.parser.done) {
        job.ended = true;
        this.job = undefined;
        // Free the connection first, so a request sent from the completion callback can reuse it.
        if (used < n || !this.parser.keepAlive) this.drop(undefined);
        else this.pool.release(this, this.parser.keepAliveHintMs);
        job.sink.onEnd(at);
      }
    } catch (err) {
      this.drop(err);
    }
    return true;
  }

  private onEof(): void {
    const job = this.job;
    if (job && this.parser.eof(monoMs())) {
      job.ended = true;
      this.job = undefined;
      this.drop(undefined);
      job.sink.onEnd(this.parser.endAtMs);
      return;
    }
    this.drop(sockErr('other side closed'));
  }

  /** Close the connection; a request still on it fails with `err`. */
  drop(err: unknown): void {
    const job = this.job;
    this.job = undefined;
    if (job && !job.ended) {
      job.ended = true;
      job.sink.onError(err ?? sockErr('connection closed'));
    }
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.pool.closed(this);
    }
  }

  /** Called by the sweep: fail the request if a timeout has passed. */
  check(now: number, o: TransportOptions): void {
    if (!this.job) return;
    const idle = now - this.lastMs;
    if (!this.connected) {
      if (idle > o.connectTimeoutMs) this.drop(Object.assign(new Error(`connect timeout after ${o.connectTimeoutMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
    } else if (this.parser.waitingForHead) {
      if (o.headersTimeoutMs > 0 && idle > o.headersTimeoutMs) this.drop(new LabelledAbort('timeout', `headers timeout after ${o.headersTimeoutMs} ms`));
    } else if (o.bodyTimeoutMs > 0 && idle > o.bodyTimeoutMs) this.drop(new LabelledAbort('timeout', `body timeout after ${o.bodyTimeoutMs} ms`));
  }
}

function sockErr(message: string): Error {
  return Object.assign(new Error(message), { code: 'UND_ERR_SOCKET' });
}

class H1Pool implements TransportPool {
  readonly host: string;
  readonly port: number;
  private readonly hostHeader: string;
  private readonly conns = new Set<H1Conn>();
  private idle: H1Conn[] = [];
  private queue: Job[] = [];
  private qHead = 0;
  private sweep: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly headCache = new WeakMap<Record<string, string>, string>();

  constructor(private readonly o: TransportOptions) {
    const u = new URL(o.origin);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    this.hostHeader = u.host;
  }

  dispatch(req: WireRequest, sink: ResponseSink): AbortFn {
    const job: Job = { req, sink, conn: undefined, ended: false };
    if (this.closing) {
      queueMicrotask(() => this.fail(job, sockErr('transport closed')));
      return () => undefined;
    }
    const c = this.takeIdle();
    if (c) c.start(job);
    else if (this.conns.size < this.o.connections) this.open(job);
    else this.queue.push(job);
    return (reason) => {
      if (job.ended) return;
      if (job.conn) job.conn.drop(reason);
      else this.fail(job, reason);
    };
  }

  /** Request line and headers for one request (header block cached per headers object). */
  head(req: WireRequest): string {
    let h = this.headCache.get(req.headers);
    if (h === undefined) {
      let host = this.hostHeader;
      h = '';
      for (const [k, v] of Object.entries(req.headers)) {
        if (/[\r\n:]/.test(k) || /[\r\n]/.test(v)) throw new Error(`header ${JSON.stringify(k)} contains a line break or colon`);
        const lk = k.toLowerCase();
        if (lk === 'host') host = v;
        // Framing and connection headers are ours to write (one request per connection, exact length).
        else if (lk !== 'content-length' && lk !== 'transfer-encoding' && lk !== 'connection') h += `${k}: ${v}\r\n`;
      }
      h = `host: ${host}\r\nconnection: keep-alive\r\n${h}`;
      this.headCache.set(req.headers, h);
    }
    return `POST ${req.path} HTTP/1.1\r\n${h}content-length: ${Buffer.byteLength(req.body)}\r\n\r\n`;
  }

  release(c: H1Conn, hintMs: number): void {
    if (this.closing) {
      c.drop(undefined);
      return;
    }
    const next = this.nextQueued();
    if (next) {
      c.start(next);
      return;
    }
    // Reuse only well inside the server's advertised keep-alive (1 s margin, as undici).
    c.idleUntilMs = monoMs() + (hintMs >= 0 ? Math.max(0, hintMs - 1000) : DEFAULT_IDLE_MS);
    this.idle.push(c);
  }

  closed(c: H1Conn): void {
    this.conns.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closing) return;
    const next = this.nextQueued();
    if (next) this.open(next);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (let j = this.nextQueued(); j; j = this.nextQueued()) this.fail(j, sockErr('transport closed'));
    for (const c of [...this.conns]) c.drop(sockErr('transport closed'));
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = undefined;
  }

  private open(job: Job): void {
    try {
      const c = new H1Conn(this, job);
      this.conns.add(c);
      this.armSweep();
    } catch (err) {
      this.fail(job, err);
    }
  }

  private takeIdle(): H1Conn | undefined {
    const now = monoMs();
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (now < c.idleUntilMs && !c.closed) return c;
      c.drop(undefined);
    }
    return undefined;
  }

  private nextQueued(): Job | undefined {
    while (this.qHead < this.queue.length) {
      const j = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined as unknown as Job;
      if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.qHead);
        this.qHead = 0;
      }
      if (!j.ended) return j;
    }
    return undefined;
  }

  private fail(job: Job, err: unknown): void {
    if (job.ended) return;
    job.ended = true;
    job.sink.onError(err);
  }

  private armSweep(): void {
    if (this.sweep) return;
    const smallest = Math.min(...[this.o.headersTimeoutMs, this.o.bodyTimeoutMs, this.o.connectTimeoutMs].filter((x) => x > 0));
    const every = Math.max(10, Math.min(1000, Math.floor(smallest / 10)));
    this.sweep = setInterval(() => {
      const now = monoMs();
      for (const c of [...this.conns]) c.check(now, this.o);
    }, every);
    this.sweep.unref();
  }
}

export const h1Transport: Transport = {
  kind: 'h1',
  accepts: (url) => url.protocol === 'http:',
  create: (o) => new H1Pool(o),
};
