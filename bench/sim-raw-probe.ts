/**
 * CEILING PROBE, not the product: how much simulator CPU per streamed token a
 * raw `node:net` HTTP/1.1 front would save over node:http, with the real
 * engine (engine.ts, frames.ts, ticker.ts) behind it. It parses only what the
 * bench's stream client sends (one request at a time per connection,
 * Content-Length bodies) and answers only POST /v1/completions and
 * /v1/chat/completions — no pipelining, no expect-continue, no chunked request
 * bodies, no error paths of server.ts. Run it in place of the simulator
 * (bench/sim-ab.sh) to A/B the CPU µs per token.
 *
 *   SIM_PROBE_CONFIG='{"time-to-first-token":"100ms",...}' node --import tsx bench/sim-raw-probe.ts
 * prints "llmdbench sim listening on <url>".
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildSimConfig } from '../src/sim/run.ts';
import { SimEngine } from '../src/sim/engine.ts';
import type { Sink } from '../src/sim/sink.ts';
import { parseRequest, isApiError } from '../src/sim/request.ts';
import { monoMs } from '../src/util/clock.ts';

const CRLF2 = Buffer.from('\r\n\r\n');
const END_CHUNK = Buffer.from('0\r\n\r\n');
const REASON: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' };

let dateStr = new Date().toUTCString();
setInterval(() => (dateStr = new Date().toUTCString()), 1000).unref();

/** One response on a raw socket: status line + headers written by hand, chunked body. */
class RawSink implements Sink {
  private headBytes: string | undefined;
  private ended = false;
  readonly chunked = true;
  constructor(
    private readonly sock: Socket,
    private readonly done: () => void,
  ) {}
  head(status: number, headers: Record<string, string>, flush = false): void {
    let h = `HTTP/1.1 ${status} ${REASON[status] ?? 'Unknown'}\r\n`;
    for (const k in headers) h += `${k}: ${headers[k]}\r\n`;
    h += `Date: ${dateStr}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\nTransfer-Encoding: chunked\r\n\r\n`;
    this.headBytes = h;
    if (flush) this.flushHead();
  }
  private flushHead(): void {
    if (this.headBytes === undefined) return;
    this.sock.write(this.headBytes, 'latin1');
    this.headBytes = undefined;
  }
  writeBytes(b: Uint8Array, last = false): void {
    if (this.sock.destroyed) return;
    if (this.headBytes !== undefined) {
      this.sock.cork();
      this.flushHead();
      this.sock.write(b);
      if (!last) this.sock.uncork();
      return;
    }
    if (last) this.sock.cork();
    this.sock.write(b);
  }
  end(s?: string): void {
    this.ended = true;
    if (!this.sock.destroyed) {
      if (this.headBytes !== undefined) {
        this.sock.cork();
        this.flushHead();
      }
      if (s) this.sock.write(`${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`);
      this.sock.write(END_CHUNK);
      this.sock.uncork();
      // cork() may have been called more than once (writeBytes last + end): drain every level.
      while (this.sock.writableCorked > 0) this.sock.uncork();
    }
    this.done();
  }
  get closed(): boolean {
    return this.ended || this.sock.destroyed;
  }
}

const config = buildSimConfig({ preset: 'instant', overrides: { model: 'bench', host: '127.0.0.1', port: 0, ...(JSON.parse(process.env['SIM_PROBE_CONFIG'] ?? '{}') as object) } });
const engine = new SimEngine(config);

function onConnection(sock: Socket): void {
  sock.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  let busy = false;
  const next = (): void => {
    if (busy) return;
    const he = buf.indexOf(CRLF2);
    if (he < 0) return;
    const head = buf.toString('latin1', 0, he);
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (buf.length < he + 4 + len) return;
    const arrival = monoMs();
    const body = buf.toString('utf8', he + 4, he + 4 + len);
    buf = buf.subarray(he + 4 + len);
    const sp1 = head.indexOf(' ');
    const path = head.slice(sp1 + 1, head.indexOf(' ', sp1 + 1));
    const rid = /\r\nx-request-id:\s*([^\r]*)/i.exec(head)?.[1];
    busy = true;
    const sink = new RawSink(sock, () => {
      busy = false;
      queueMicrotask(next);
    });
    const parsed = parseRequest(path === '/v1/chat/completions' ? 'chat' : 'completion', JSON.parse(body));
    if (isApiError(parsed)) {
      sink.head(parsed.status, { 'content-type': 'application/json' });
      sink.end(JSON.stringify({ error: parsed }));
      return;
    }
    const err = engine.submit(parsed, sink, config.enableRequestIdHeaders ? rid : undefined, arrival);
    if (err) {
      sink.head(err.status, { 'content-type': 'application/json' });
      sink.end(JSON.stringify({ error: err }));
    }
  };
  sock.on('data', (b: Buffer) => {
    buf = buf.length === 0 ? b : Buffer.concat([buf, b]);
    next();
  });
  sock.on('error', () => sock.destroy());
}

const server = createServer({ noDelay: true }, onConnection);
server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, () => {
  process.stdout.write(`llmdbench sim listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  void engine.stop().then(() => process.exit(0));
});
