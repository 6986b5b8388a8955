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
import type { ResponseSink } from '../src/engine/client/transport.ts';
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

interface StreamCtx {
  o: StreamClientOptions;
  r: StreamClientResult;
  wStart: number;
  wEnd: number;
  ttft: F64Buffer;
  itl: F64Buffer;
  kept: Array<[string, Float64Array]>;
  error(why: string): void;
}

/**
 * One request's state and its ResponseSink, as one object with prototype methods (closures per
 * request were ~1 KB that lived as long as the request: the client's own scavenges copied them).
 */
class StreamSink implements ResponseSink {
  private sent = 0;
  private status = 0;
  private n = 0;
  private last = 0;
  private nl = false;
  private measured = false;
  constructor(
    private readonly c: StreamCtx,
    private readonly id: string,
    private readonly recv: Float64Array | undefined,
    private readonly done: () => void,
  ) {}
  private event(at: number): void {
    const c = this.c;
    const n = ++this.n;
    if (n > c.o.tokens) return; // [DONE]
    if (this.recv) this.recv[n - 1] = at;
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
      if (this.recv) c.kept.push([this.id, this.recv]);
    }
    this.done();
  }
  onError(e: unknown): void {
    this.c.error(String(e));
    this.done();
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
  const kept: Array<[string, Float64Array]> = [];
  const error = (why: string): void => {
    r.errors++;
    if (r.errorSamples.length < 5) r.errorSamples.push(why);
  };
  let seq = 0;
  /** Receive stamps of every request come from shared slabs (subarrays): no ArrayBuffer per request for V8 to sweep. */
  const SLAB = 1 << 16;
  let slab = new Float64Array(0);
  let slabUsed = 0;
  const stamps = (n: number): Float64Array => {
    if (slabUsed + n > slab.length) {
      slab = new Float64Array(Math.max(SLAB, n));
      slabUsed = 0;
    }
    const out = slab.subarray(slabUsed, slabUsed + n);
    slabUsed += n;
    return out;
  };
  const ctx: StreamCtx = { o, r, wStart, wEnd, ttft, itl, kept, error };

  /** One request; resolves when it ended (or failed). */
  const one = (): Promise<void> =>
    new Promise<void>((done) => {
      const id = `b${seq++}`;
      const sink = new StreamSink(ctx, id, o.recvFile ? stamps(o.tokens) : undefined, done);
      pool.dispatch({ path: '/v1/completions', headers: { 'content-type': 'application/json', 'x-request-id': id }, body }, sink);
    });

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
  const workers = Array.from({ length: o.concurrency }, async (_, k) => {
    // Spread the first requests over one ITL so streams do not tick in lockstep.
    await new Promise((res) => setTimeout(res, (k / o.concurrency) * o.itlMs));
    while (monoMs() < wEnd) await one();
  });
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
  if (o.recvFile) writeFileSync(o.recvFile, kept.map(([id, t]) => JSON.stringify({ id, recv: Array.from(t) })).join('\n'));
  return r;
}
