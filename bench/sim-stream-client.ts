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
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
  /** [startMono, endMono] of the measurement window. */
  window: [number, number];
}

export async function streamClient(o: StreamClientOptions): Promise<StreamClientResult> {
  const pool = h1Transport.create({ origin: o.url, connections: o.concurrency, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000, connectTimeoutMs: 30_000 });
  const body = JSON.stringify({ model: 'bench', prompt: 'The quick brown fox jumps over the lazy dog.', max_tokens: o.tokens, ignore_eos: true, stream: true });
  const t0 = monoMs();
  const wStart = t0 + o.warmupS * 1000;
  const wEnd = wStart + o.measureS * 1000;
  const ttft = new F64Buffer(1 << 12);
  const itl = new F64Buffer(1 << 16);
  const r: StreamClientResult = { concurrency: o.concurrency, requests: 0, errors: 0, errorSamples: [], tokens: 0, windowS: o.measureS, ttftErrMs: [], itlErrMs: [], clientCpuPct: 0, clientLoopDelayP99Ms: 0, window: [wStart, wEnd] };
  const kept: Array<[string, Float64Array]> = [];
  const error = (why: string): void => {
    r.errors++;
    if (r.errorSamples.length < 5) r.errorSamples.push(why);
  };
  let seq = 0;

  /** One request; resolves when it ended (or failed). */
  const one = (): Promise<void> =>
    new Promise<void>((done) => {
      const id = `b${seq++}`;
      let sent = 0;
      let status = 0;
      let n = 0;
      let last = 0;
      let nl = false;
      let measured = false;
      const recv = o.recvFile ? new Float64Array(o.tokens) : undefined;
      const event = (at: number): void => {
        n++;
        if (n > o.tokens) return; // [DONE]
        if (recv) recv[n - 1] = at;
        if (at >= wStart && at < wEnd) r.tokens++;
        if (measured && at < wEnd) {
          if (n === 1) ttft.push(at - sent - o.ttftMs);
          else itl.push(at - last - o.itlMs);
        }
        last = at;
      };
      const sink: ResponseSink = {
        onSent(at) {
          sent = at;
          measured = at >= wStart;
        },
        onHeaders(st) {
          status = st;
        },
        onData(buf, start, end, at) {
          if (status !== 200) return;
          for (let i = start; i < end; i++) {
            if (buf[i] !== 10) nl = false;
            else if (nl) {
              nl = false;
              event(at);
            } else nl = true;
          }
        },
        onEnd() {
          if (status !== 200) error(`status ${status}`);
          else if (n !== o.tokens + 1) error(`got ${n} events, expected ${o.tokens} tokens + [DONE]`);
          else if (measured && last < wEnd) {
            r.requests++;
            if (recv) kept.push([id, recv]);
          }
          done();
        },
        onError(e) {
          error(String(e));
          done();
        },
      };
      pool.dispatch({ path: '/v1/completions', headers: { 'content-type': 'application/json', 'x-request-id': id }, body }, sink);
    });

  const h = monitorEventLoopDelay({ resolution: 1 });
  let cpu0: NodeJS.CpuUsage | undefined;
  const workers = Array.from({ length: o.concurrency }, async (_, k) => {
    // Spread the first requests over one ITL so streams do not tick in lockstep.
    await new Promise((res) => setTimeout(res, (k / o.concurrency) * o.itlMs));
    while (monoMs() < wEnd) await one();
  });
  setTimeout(() => {
    cpu0 = process.cpuUsage();
    h.enable();
    process.stdout.write('MARK start\n');
  }, o.warmupS * 1000);
  await new Promise((res) => setTimeout(res, (o.warmupS + o.measureS) * 1000));
  process.stdout.write('MARK end\n');
  const cpu = process.cpuUsage(cpu0);
  h.disable();
  r.clientCpuPct = ((cpu.user + cpu.system) / 1000 / (o.measureS * 1000)) * 100;
  r.clientLoopDelayP99Ms = h.percentile(99) / 1e6;
  await Promise.all(workers);
  await pool.close();
  r.ttftErrMs = Array.from(ttft.view());
  r.itlErrMs = Array.from(itl.view());
  if (o.recvFile) writeFileSync(o.recvFile, kept.map(([id, t]) => JSON.stringify({ id, recv: Array.from(t) })).join('\n'));
  return r;
}
