/**
 * Load-engine benchmarks (`npm run bench -- engine`); results in docs/performance-engine.md.
 * The server always runs in a child process (this file with `--server`), so the
 * engine's numbers are its own. Both sides share CLOCK_MONOTONIC (monoMs), so
 * the engine's chunk times can be compared with the server's write times.
 *   1. capacity: events/s and requests/s of one engine thread against a minimal fast server
 *   2. concurrent open streams one process holds, and its RSS
 *   3. dispatch lateness at 500 req/s open loop
 *   4. TTFT/ITL measured by the engine minus the ground-truth server's send times, 1,000 streams
 *   5. client phases of issue 13: cpu (engine-cpu.ts: CPU µs/event, ours vs bare undici, same
 *      run, immediate and paced servers); gaps (client-added chunk-gap error, 256 streams × 20 ms)
 *      and curl (TTFT/E2E vs curl), both in engine-client.ts
 * Bounded: about 3–4 minutes in total. BENCH_QUICK=1 shortens every phase;
 * BENCH_PHASES=streams,transport,capacity,lateness,accuracy,cpu,gaps,curl picks phases.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { monoMs } from '../src/util/clock.ts';
import { runLoad, type LoadResult } from '../src/engine/loadgen/index.ts';
import type { RequestSpec, StagePlan } from '../src/engine/types.ts';
import { percentile } from '../src/metrics/stats.ts';
import { curlVsOurs, gapError } from './engine-client.ts';
import { cpuPerEvent } from './engine-cpu.ts';

const QUICK = process.env.BENCH_QUICK === '1';

// ---------------------------------------------------------------- server side
async function serverMain(): Promise<void> {
  const { startTruthServer } = await import('../test/helpers/truth-server.ts');
  const truth = await startTruthServer({ ttftMs: 50, itlMs: 20, chunks: 20, tokenText: ' tok' });
  // The minimal fast server: a prebuilt chunk, one write per event; `x-bench` = chunks,itlMs (0: setImmediate).
  const chunk = `data: ${JSON.stringify({ id: 'x', object: 'text_completion', choices: [{ index: 0, text: ' tok', finish_reason: null }] })}\n\n`;
  const tail = `data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 } })}\n\ndata: [DONE]\n\n`;
  const fast = createServer((req, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const [chunks = 64, itl = 0] = String(req.headers['x-bench'] ?? '64,0').split(',').map(Number);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const step = (): void => {
        if (res.destroyed) return;
        if (n++ >= chunks) {
          res.end(tail);
          return;
        }
        res.write(chunk);
        if (itl > 0) setTimeout(step, itl);
        else setImmediate(step);
      };
      step();
    });
  });
  fast.keepAliveTimeout = 60_000;
  fast.on('connection', (s) => s.setNoDelay(true));
  // A deep accept queue: 10,000 connections arrive within a second or two (capped by somaxconn).
  await new Promise<void>((r) => fast.listen({ port: 0, host: '127.0.0.1', backlog: 16384 }, r));
  process.send!({ fast: (fast.address() as AddressInfo).port, truth: truth.port });
  process.on('message', (m: { t: string }) => {
    if (m.t === 'dump') {
      const out: Record<string, number[]> = {};
      for (const [id, e] of truth.log) out[id] = e.chunkWriteMs;
      truth.log.clear();
      process.send!({ t: 'dump', log: out });
    } else if (m.t === 'exit') process.exit(0);
  });
}

// ---------------------------------------------------------------- engine side
interface Srv {
  child: ChildProcess;
  fast: string;
  truth: string;
}

async function startServer(): Promise<Srv> {
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<{ fast: number; truth: number }>((r) => child.once('message', (m) => r(m as { fast: number; truth: number })));
  return { child, fast: `http://127.0.0.1:${ports.fast}`, truth: `http://127.0.0.1:${ports.truth}` };
}

function dump(s: Srv): Promise<Record<string, number[]>> {
  return new Promise((r) => {
    const on = (m: { t: string; log: Record<string, number[]> }): void => {
      if (m.t !== 'dump') return;
      s.child.off('message', on);
      r(m.log);
    };
    s.child.on('message', on);
    s.child.send({ t: 'dump' });
  });
}

const f = (x: number, d = 2): string => x.toFixed(d);
const spec = (xb: string, i = 0): RequestSpec => ({ api: 'completion', prompt: 'a b c d', maxTokens: 1000, stream: true, headers: { 'x-bench': xb, 'x-request-id': String(i) } });

/** Error labels and counts, e.g. ` errors {"timeout":3}`, or '' when none. */
function errs(r: LoadResult): string {
  const m: Record<string, number> = {};
  for (const x of r.records) if (x.error) m[x.error.label] = (m[x.error.label] ?? 0) + 1;
  return Object.keys(m).length ? `, errors ${JSON.stringify(m)}` : '';
}

/** Largest share of its run a client thread waited for a CPU (starvation by other processes). */
function starved(r: LoadResult): string {
  const fr = r.health.threads.filter((t) => t.runQueueWaitMs !== undefined && t.wallMs > 0).map((t) => t.runQueueWaitMs! / t.wallMs);
  return fr.length ? `, run-queue wait ${f(Math.max(...fr) * 100, 0)}% of wall` : '';
}

function cpuOf(r: LoadResult): number {
  return (r.health.cpu.userMs + r.health.cpu.systemMs) / r.health.cpu.wallMs;
}

async function capacity(s: Srv): Promise<void> {
  const durationMs = QUICK ? 3000 : 8000;
  for (const [label, xb, conc] of [
    ['events/s: 64-chunk streams back-to-back, C=256', '64,0', 256],
    ['requests/s: 4-chunk streams, C=64', '4,0', 64],
  ] as const) {
    const t0 = monoMs();
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.fast, model: 'm' },
      stages: [{ kind: 'closed', stage: 0, concurrency: conc, durationMs }],
      leadMs: 200,
      source: { next: () => spec(xb) },
    });
    const wall = (monoMs() - t0 - 200) / 1000;
    const ok = r.records.filter((x) => !x.error);
    const events = ok.reduce((a, x) => a + x.chunkTimesMs.length, 0);
    const cpu = cpuOf(r);
    const evs = events / wall;
    const rqs = ok.length / wall;
    process.stdout.write(
      `capacity ${label}: ${f(evs, 0)} events/s, ${f(rqs, 0)} req/s, engine CPU ${f(cpu * 100, 0)}% of a core ` +
        `(${f((cpu * 1e6) / evs, 1)} µs/event, ${f((cpu * 1e3) / rqs, 3)} ms/request)${errs(r)}, ` +
        `loop p99 ${f(r.health.threads[0]!.eventLoopDelayMs.p99)} ms, GC max ${f(r.health.threads[0]!.gc.maxMs)} ms${starved(r)}\n`,
    );
  }
}

/** undici request() + for-await vs EngineClient on undici dispatch() and on the lean h1 transport, same load. */
async function transport(s: Srv): Promise<void> {
  const { Pool } = await import('undici');
  const { TextDecoder } = await import('node:util');
  const { SseFramer } = await import('../src/engine/client/sse.ts');
  const { EngineClient } = await import('../src/engine/client/http-client.ts');
  const C = 256;
  const ms = QUICK ? 2000 : 4000;
  const body = JSON.stringify({ model: 'm', prompt: 'a b c d', stream: true });
  const headers = { 'content-type': 'application/json', 'x-bench': '64,0' };
  const measure = async (name: string, loop: (until: number, count: (n: number) => void) => Promise<void>): Promise<void> => {
    let events = 0;
    const c0 = process.cpuUsage();
    const t0 = monoMs();
    const until = t0 + ms;
    await Promise.all(Array.from({ length: C }, () => loop(until, (n) => (events += n))));
    const wall = monoMs() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    process.stdout.write(`transport ${name}, C=${C}, 64-chunk streams: ${f((events * 1000) / wall, 0)} events/s, ${f((cpuMs * 1000) / events, 1)} µs CPU/event\n`);
  };
  const pool = new Pool(s.fast, { connections: C });
  await measure('undici Pool.request() + for-await', async (until, count) => {
    while (monoMs() < until) {
      const res = await pool.request({ path: '/v1/completions', method: 'POST', headers, body });
      const dec = new TextDecoder();
      let n = 0;
      const fr = new SseFramer((d) => {
        if (d !== '[DONE]' && (JSON.parse(d) as { choices: unknown[] }).choices.length > 0) n++;
      });
      for await (const chunk of res.body) fr.push(dec.decode(chunk as Buffer, { stream: true }));
      fr.end();
      count(n);
    }
  });
  await pool.close();
  for (const kind of ['undici', 'h1'] as const) {
    const client = new EngineClient({ baseUrl: s.fast, model: 'm', connections: C, transport: kind });
    await measure(kind === 'undici' ? 'undici Pool.dispatch() (EngineClient, transport undici)' : 'node:net lean HTTP/1.1 (EngineClient, transport h1, the default for http)', async (until, count) => {
      while (monoMs() < until) {
        const r = await client.sendAsync({ api: 'completion', prompt: 'a b c d', stream: true, headers: { 'x-bench': '64,0' } }, { id: 0, stage: 0, worker: 0, scheduledAtMs: 0 });
        count(r.chunkTimesMs.length);
      }
    });
    await client.close();
  }
}

async function openStreams(s: Srv): Promise<void> {
  const n = QUICK ? 2000 : 10_000;
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  let heldAt = 0;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const t0 = monoMs();
  // Streams of 12 chunks, one per second: all n are open together for several seconds.
  const r = await runLoad({
    keepRecords: true,
    client: { baseUrl: s.fast, model: 'm', headersTimeoutMs: 60_000 },
    stages: [{ kind: 'closed', stage: 0, concurrency: n, maxRequests: n }],
    leadMs: 100,
    source: { next: () => spec('12,1000') },
    healthSampleMs: 250,
    onProgress: (p) => {
      if (p.inFlight >= n && !heldAt) heldAt = monoMs() - t0;
    },
    progressIntervalMs: 200,
  });
  clearInterval(timer);
  const ok = r.records.filter((x) => !x.error).length;
  const lateChunks: number[] = [];
  for (const x of r.records) for (let i = 1; i < x.chunkTimesMs.length; i++) lateChunks.push(x.chunkTimesMs[i]! - x.chunkTimesMs[i - 1]! - 1000);
  process.stdout.write(
    `open streams: ${n} requested, max in flight ${r.health.maxInFlight}, ${ok} completed, ${r.records.length - ok} failed, ` +
      `all open after ${f(heldAt / 1000, 1)} s, peak RSS ${f(peakRss / 2 ** 20, 0)} MiB (start ${f(rss0 / 2 ** 20, 0)} MiB), ` +
      `engine CPU ${f(cpuOf(r) * 100, 0)}%${starved(r)}, chunk-gap jitter p50 ${f(percentile(lateChunks, 50))} ms p99 ${f(percentile(lateChunks, 99))} ms\n`,
  );
  const errs = new Map<string, number>();
  for (const x of r.records) if (x.error) errs.set(x.error.label, (errs.get(x.error.label) ?? 0) + 1);
  if (errs.size) process.stdout.write(`  errors: ${JSON.stringify(Object.fromEntries(errs))}\n`);
}

async function lateness(s: Srv): Promise<void> {
  const rate = 500;
  const n = QUICK ? 1000 : 5000;
  for (const workers of [0, 1]) {
    const plan: StagePlan = { kind: 'open', stage: 0, offsetsMs: Float64Array.from({ length: n }, (_, i) => (i * 1000) / rate), requestedRate: rate, durationMs: (n * 1000) / rate };
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.fast, model: 'm' },
      stages: [plan],
      leadMs: 500,
      workers,
      source: { next: () => spec('8,10') },
    });
    const lag = r.records.map((x) => x.sentAtMs - x.scheduledAtMs);
    process.stdout.write(
      `dispatch lateness, open loop ${rate} req/s × ${n} (8 chunks × 10 ms each, workers=${workers}): p50 ${f(percentile(lag, 50), 3)} ms, ` +
        `p99 ${f(percentile(lag, 99), 3)} ms, max ${f(Math.max(...lag), 3)} ms, engine CPU ${f(cpuOf(r) * 100, 0)}%, ` +
        `loop p99 ${f(Math.max(...r.health.threads.map((t) => t.eventLoopDelayMs.p99)))} ms${starved(r)}${errs(r)}\n`,
    );
  }
}

async function accuracy(s: Srv): Promise<void> {
  // 1,000 streams ramped in over 1 s (open loop), each long enough that all 1,000 are open together.
  const n = QUICK ? 500 : 1000;
  for (const [itl, workers] of [[200, 0], [50, 0], [50, 1]] as const) {
    const chunks = Math.ceil((QUICK ? 1500 : 3000) / itl);
    const truth = JSON.stringify({ ttftMs: 50, itlMs: itl, chunks });
    const r = await runLoad({
      keepRecords: true,
      client: { baseUrl: s.truth, model: 'm' },
      stages: [{ kind: 'open', stage: 0, offsetsMs: Float64Array.from({ length: n }, (_, i) => i), requestedRate: 1000, durationMs: n }],
      leadMs: 300,
      workers,
      source: { next: (i) => ({ ...spec('', i), headers: { 'x-request-id': String(i), 'x-truth': truth } }) },
    });
    const log = await dump(s);
    const dTtft: number[] = [];
    const dItl: number[] = [];
    const delay: number[] = [];
    for (const x of r.records) {
      const w = log[String(x.id)];
      if (x.error || !w || w.length !== x.chunkTimesMs.length) continue;
      dTtft.push(x.chunkTimesMs[0]! - w[0]!);
      for (let i = 0; i < w.length; i++) delay.push(x.chunkTimesMs[i]! - w[i]!);
      for (let i = 1; i < w.length; i++) dItl.push(x.chunkTimesMs[i]! - x.chunkTimesMs[i - 1]! - (w[i]! - w[i - 1]!));
    }
    const abs = dItl.map(Math.abs);
    process.stdout.write(
      `accuracy, ${n} streams (max in flight ${r.health.maxInFlight}), ITL ${itl} ms (${f(n / itl, 1)}k events/s offered), workers=${workers}: ` +
        `TTFT client−server p50 ${f(percentile(dTtft, 50), 3)} ms p99 ${f(percentile(dTtft, 99), 3)} ms; ` +
        `ITL |client−server| p50 ${f(percentile(abs, 50), 3)} ms p99 ${f(percentile(abs, 99), 3)} ms; ` +
        `chunk arrival delay p50 ${f(percentile(delay, 50), 3)} p99 ${f(percentile(delay, 99), 3)} ms; ` +
        `${dTtft.length}/${n} compared, engine CPU ${f(cpuOf(r) * 100, 0)}%, loop p99 ${f(Math.max(...r.health.threads.map((t) => t.eventLoopDelayMs.p99)))} ms, ` +
        `GC max ${f(Math.max(...r.health.threads.map((t) => t.gc.maxMs)))} ms${starved(r)}${errs(r)}\n`,
    );
  }
}

async function main(): Promise<void> {
  const t0 = monoMs();
  const os = await import('node:os');
  process.stdout.write(`node ${process.version}, ${os.availableParallelism()} cores, load average before ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${QUICK ? ', QUICK' : ''}\n`);
  const s = await startServer();
  try {
    // Open streams first, so its RSS is not inflated by the other phases' heaps.
    const phases: [string, (s: Srv) => Promise<void>][] = [
      ['streams', openStreams],
      ['transport', transport],
      ['capacity', capacity],
      ['lateness', lateness],
      ['accuracy', accuracy],
      ['curl', curlVsOurs],
      ['gaps', gapError],
      ['cpu', cpuPerEvent],
    ];
    const only = process.env.BENCH_PHASES?.split(',');
    for (const [name, fn] of phases) if (!only || only.includes(name)) await fn(s);
  } finally {
    s.child.send({ t: 'exit' });
  }
  process.stdout.write(`total ${f((monoMs() - t0) / 1000, 1)} s, load average after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}

if (process.argv[2] === '--server') await serverMain();
else await main();
