/**
 * The streams part of `npm run bench -- sim`: the measuring client. It must
 * add as little lag of its own as it can, because at 1,000–2,000 streams on
 * one core the client's own event-loop delay is part of every observed ITL.
 * So it is our lean h1 transport (src/engine/client/h1-transport.ts: one
 * shared read buffer, ONE monotonic stamp per socket read, chunked framing
 * parsed in place) with a sink that only counts SSE event ends (`\n\n`) in
 * the body bytes and keeps the read's stamp for each: no string decoding, no
 * JSON, no request records. The bench's requests (completions, ignore_eos,
 * no usage chunk) have exactly `tokens` token events and then `[DONE]`, so
 * event k ≤ tokens is token k. Each request carries an x-request-id, and the
 * per-token receive stamps of measured requests are written to a file after
 * the window, so the orchestrator can pair them with the simulator's trace
 * (send time per token): receive − send = loopback + client lag.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { h1Transport } from '../src/engine/client/h1-transport.ts';
import type { ResponseSink, TransportPool } from '../src/engine/client/transport.ts';
import { monoMs } from '../src/util/clock.ts';
import { F64Buffer } from '../src/util/f64-buffer.ts';

export interface StreamClientOptions {
  url: string;
  concurrency: number;
  tokens: number;
  ttftMs: number;
  itlMs: number;
  warmupS: number;
  measureS: number;
  /** Where to write `{"id":…,"recv":[…]}` lines of measured requests (after the window). */
  recvFile: string | undefined;
}

export interface StreamClientResult {
  concurrency: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  tokens: number;
  windowS: number;
  ttftErrMs: number[];
  itlErrMs: number[];
  clientCpuPct: number;
  clientLoopDelayP99Ms: number;
  /** The client's GC pauses in the window: total and longest, ms (each pause delays every read behind it). */
  clientGcMs: number;
  clientGcMaxMs: number;
  /** [startMono, endMono] of the measurement window. */
  window: [number, number];
}

/** Receive stamps of every request go into shared slabs, at an offset: no object per request. */
const STAMP_SLAB = 1 << 16;

interface StreamCtx {
  o: StreamClientOptions;
  r: StreamClientResult;
  wStart: number;
  wEnd: number;
  ttft: F64Buffer;
  itl: F64Buffer;
  pool: TransportPool;
  body: string;
  /** Requests sent so far (the next request's id is `b${seq}`). */
  seq: number;
  /** Stamp slabs (only with recvFile) and the measured requests' [seq, slab index, offset] triples. */
  slabs: Float64Array[];
  slabUsed: number;
  kept: number[];
  error(why: string): void;
}

/**
 * One closed-loop stream: its ResponseSink, reused for each of its requests (a sink per request
 * was an object that lived as long as the request, ~1 s: the client's own scavenges copied it),
 * and the loop itself: onEnd sends the next request, until the window is over.
 */
class StreamSink implements ResponseSink {
  private seq = 0;
  private sent = 0;
  private status = 0;
  private n = 0;
  private last = 0;
  private nl = false;
  private measured = false;
  /** Where this request's receive stamps go (slab index, offset), or -1. */
  private slab = -1;
  private off = 0;
  private readonly sendNext = (): void => this.send();
  constructor(
    private readonly c: StreamCtx,
    private readonly finished: () => void,
  ) {}
  /** Sends the next request, or ends the stream when the window is over. */
  send(): void {
    const c = this.c;
    if (monoMs() >= c.wEnd) {
      this.finished();
      return;
    }
    this.seq = c.seq++;
    this.sent = 0;
    this.status = 0;
    this.n = 0;
    this.last = 0;
    this.nl = false;
    this.measured = false;
    this.slab = -1;
    if (c.o.recvFile) {
      const t = c.o.tokens;
      if (c.slabs.length === 0 || c.slabUsed + t > STAMP_SLAB) {
        c.slabs.push(new Float64Array(Math.max(STAMP_SLAB, t)));
        c.slabUsed = 0;
      }
      this.slab = c.slabs.length - 1;
      this.off = c.slabUsed;
      c.slabUsed += t;
    }
    c.pool.dispatch({ path: '/v1/completions', headers: { 'content-type': 'application/json', 'x-request-id': `b${this.seq}` }, body: c.body }, this);
  }
  private event(at: number): void {
    const c = this.c;
    const n = ++this.n;
    if (n > c.o.tokens) return; // [DONE]
    if (this.slab >= 0) (c.slabs[this.slab] as Float64Array)[this.off + n - 1] = at;
    if (at >= c.wStart && at < c.wEnd) c.r.tokens++;
    if (this.measured && at < c.wEnd) {
      if (n === 1) c.ttft.push(at - this.sent - c.o.ttftMs);
      else c.itl.push(at - this.last - c.o.itlMs);
    }
    this.last = at;
  }
  onSent(at: number): void {
    this.sent = at;
    this.measured = at >= this.c.wStart;
  }
  onHeaders(st: number): void {
    this.status = st;
  }
  onData(buf: Buffer, start: number, end: number, at: number): void {
    if (this.status !== 200) return;
    for (let i = start; i < end; i++) {
      if (buf[i] !== 10) this.nl = false;
      else if (this.nl) {
        this.nl = false;
        this.event(at);
      } else this.nl = true;
    }
  }
  onEnd(): void {
    const c = this.c;
    if (this.status !== 200) c.error(`status ${this.status}`);
    else if (this.n !== c.o.tokens + 1) c.error(`got ${this.n} events, expected ${c.o.tokens} tokens + [DONE]`);
    else if (this.measured && this.last < c.wEnd) {
      c.r.requests++;
      if (this.slab >= 0) c.kept.push(this.seq, this.slab, this.off);
    }
    queueMicrotask(this.sendNext);
  }
  onError(e: unknown): void {
    this.c.error(String(e));
    queueMicrotask(this.sendNext);
  }
}

export async function streamClient(o: StreamClientOptions): Promise<StreamClientResult> {
  const pool = h1Transport.create({ origin: o.url, connections: o.concurrency, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000, connectTimeoutMs: 30_000 });
  const body = JSON.stringify({ model: 'bench', prompt: 'The quick brown fox jumps over the lazy dog.', max_tokens: o.tokens, ignore_eos: true, stream: true });
  const t0 = monoMs();
  const wStart = t0 + o.warmupS * 1000;
  const wEnd = wStart + o.measureS * 1000;
  const ttft = new F64Buffer(1 << 12);
  const itl = new F64Buffer(1 << 16);
  const r: StreamClientResult = { concurrency: o.concurrency, requests: 0, errors: 0, errorSamples: [], tokens: 0, windowS: o.measureS, ttftErrMs: [], itlErrMs: [], clientCpuPct: 0, clientLoopDelayP99Ms: 0, clientGcMs: 0, clientGcMaxMs: 0, window: [wStart, wEnd] };
  const error = (why: string): void => {
    r.errors++;
    if (r.errorSamples.length < 5) r.errorSamples.push(why);
  };
  const ctx: StreamCtx = { o, r, wStart, wEnd, ttft, itl, pool, body, seq: 0, slabs: [], slabUsed: 0, kept: [], error };

  const h = monitorEventLoopDelay({ resolution: 1 });
  let cpu0: NodeJS.CpuUsage | undefined;
  // GC pauses (performance timeline clock), counted by start time in the window.
  let gcFrom = Infinity;
  let gcTo = Infinity;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.startTime < gcFrom || e.startTime >= gcTo) continue;
      r.clientGcMs += e.duration;
      if (e.duration > r.clientGcMaxMs) r.clientGcMaxMs = e.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const workers = Array.from(
    { length: o.concurrency },
    (_, k) =>
      new Promise<void>((finished) => {
        // Spread the first requests over one ITL so streams do not tick in lockstep.
        setTimeout(() => new StreamSink(ctx, finished).send(), (k / o.concurrency) * o.itlMs);
      }),
  );
  setTimeout(() => {
    cpu0 = process.cpuUsage();
    gcFrom = performance.now();
    h.enable();
    process.stdout.write('MARK start\n');
  }, o.warmupS * 1000);
  await new Promise((res) => setTimeout(res, (o.warmupS + o.measureS) * 1000));
  process.stdout.write('MARK end\n');
  const cpu = process.cpuUsage(cpu0);
  gcTo = performance.now();
  h.disable();
  r.clientCpuPct = ((cpu.user + cpu.system) / 1000 / (o.measureS * 1000)) * 100;
  r.clientLoopDelayP99Ms = h.percentile(99) / 1e6;
  await Promise.all(workers);
  await pool.close();
  gc.disconnect();
  r.ttftErrMs = Array.from(ttft.view());
  r.itlErrMs = Array.from(itl.view());
  if (o.recvFile) {
    const lines: string[] = [];
    const k = ctx.kept;
    for (let i = 0; i < k.length; i += 3) {
      const at = (ctx.slabs[k[i + 1] as number] as Float64Array).subarray(k[i + 2] as number, (k[i + 2] as number) + o.tokens);
      lines.push(JSON.stringify({ id: `b${k[i] as number}`, recv: Array.from(at) }));
    }
    writeFileSync(o.recvFile, lines.join('\n'));
  }
  return r;
}
