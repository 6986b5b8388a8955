/**
 * The burst part of `npm run bench -- sim`: 200 requests arriving at once.
 * The client holds 200 warm keep-alive connections (plain node:net, so its own
 * cost per request is a pre-built write and a string search, not an HTTP
 * library's), stamps each request right before its write and each first token
 * when its bytes are read, and fires BURSTS bursts (the first one warms up and
 * is not counted). TTFT error = first token − send − configured TTFT.
 * Each request carries an x-request-id (`k<burst>-<connection>`), so the
 * orchestrator can pair it with the simulator's trace (arrival stamp, first
 * chunk's due and send times) and split the error into where it was spent.
 */
import { connect, type Socket } from 'node:net';
import { monoMs } from '../src/util/clock.ts';

export const BURST = Number(process.env['SIM_BENCH_BURST'] ?? 200);
export const BURSTS = Number(process.env['SIM_BENCH_BURSTS'] ?? 11);
const GAP_MS = 300;

export interface BurstResult {
  ttftErrMs: number[];
  /** Per counted request, parallel to ttftErrMs: its x-request-id, send stamp and first-token read stamp (monoMs). */
  ids: string[];
  sentMs: number[];
  firstMs: number[];
  errors: number;
  errorSamples: string[];
}

/** One keep-alive connection: a request, its first token's arrival, the response's end. */
class Conn {
  private buf = '';
  private firstAt = 0;
  private done: ((r: { firstAt: number; ok: boolean; why: string }) => void) | undefined;
  constructor(readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.setEncoding('latin1');
    sock.on('data', (s: string) => {
      const at = monoMs();
      this.buf += s;
      // The first event carrying a token (completions: no role chunk before it).
      if (this.firstAt === 0 && this.buf.includes('"choices":[{')) this.firstAt = at;
      if (this.buf.endsWith('0\r\n\r\n')) this.finish(this.buf.startsWith('HTTP/1.1 200'), this.buf.slice(0, 200));
    });
    sock.on('error', (e) => this.finish(false, String(e)));
    sock.on('close', () => this.finish(false, 'connection closed'));
  }
  private finish(ok: boolean, why: string): void {
    const d = this.done;
    this.done = undefined;
    const firstAt = this.firstAt;
    this.buf = '';
    this.firstAt = 0;
    d?.({ firstAt, ok: ok && firstAt > 0, why });
  }
  /** Writes the request; resolves when the response ended, with the first token's arrival. */
  send(req: string): { sent: number; end: Promise<{ firstAt: number; ok: boolean; why: string }> } {
    const end = new Promise<{ firstAt: number; ok: boolean; why: string }>((r) => (this.done = r));
    const sent = monoMs();
    this.sock.write(req, 'latin1');
    return { sent, end };
  }
}

export async function burstClient(url: string, ttftMs: number, prompt: string, model: string): Promise<BurstResult> {
  const u = new URL(url);
  const body = JSON.stringify({ model, prompt, max_tokens: 4, ignore_eos: true, stream: true });
  const head = `POST /v1/completions HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
  const req = (b: number, i: number): string => `${head}x-request-id: k${b}-${i}\r\n\r\n${body}`;
  const conns = await Promise.all(
    Array.from({ length: BURST }, () => new Promise<Conn>((res, rej) => {
      const s = connect({ host: u.hostname, port: Number(u.port) }, () => res(new Conn(s)));
      s.once('error', rej);
    })),
  );
  const r: BurstResult = { ttftErrMs: [], ids: [], sentMs: [], firstMs: [], errors: 0, errorSamples: [] };
  for (let b = 0; b < BURSTS; b++) {
    // The orchestrator samples the simulator's CPU time between the marks (the counted bursts).
    if (b === 1) process.stdout.write('MARK start\n');
    // Built before the sends, so each stamp is right before its write.
    const reqs = conns.map((_, i) => req(b, i));
    const inflight = conns.map((c, i) => c.send(reqs[i] as string));
    const ends = await Promise.all(inflight.map((x) => x.end));
    ends.forEach((e, i) => {
      if (!e.ok) {
        r.errors++;
        if (r.errorSamples.length < 3) r.errorSamples.push(e.why);
      } else if (b > 0) {
        const sent = (inflight[i] as { sent: number }).sent;
        r.ttftErrMs.push(e.firstAt - sent - ttftMs);
        r.ids.push(`k${b}-${i}`);
        r.sentMs.push(sent);
        r.firstMs.push(e.firstAt);
      }
    });
    if (b === BURSTS - 1) process.stdout.write('MARK end\n');
    await new Promise((res) => setTimeout(res, GAP_MS));
  }
  for (const c of conns) c.sock.destroy();
  return r;
}
