/** Shared helpers for the simulator tests: a real server on loopback and a timestamping SSE client. */
import { request } from 'undici';
import { monoMs } from '../../../src/util/clock.ts';
import { resolveConfig } from '../../../src/sim/config.ts';
import { startSimServer, type SimServer } from '../../../src/sim/server.ts';
import { createLogger } from '../../../src/util/logger.ts';

export const MODEL = 'sim-model';

export async function startSim(overrides: Record<string, unknown> = {}): Promise<SimServer> {
  const config = resolveConfig({ overrides: { model: MODEL, port: 0, seed: 42, ...overrides } });
  return startSimServer(config, { log: createLogger('error') });
}

export interface SseEvent {
  data: string;
  /** monoMs() when the read that completed this event arrived. */
  atMs: number;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  events: SseEvent[];
  sentMs: number;
}

/** POSTs JSON and reads the body, timestamping every SSE event on arrival. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const sentMs = monoMs();
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const dec = new TextDecoder();
  let text = '';
  let pending = '';
  const events: SseEvent[] = [];
  for await (const chunk of res.body) {
    const at = monoMs();
    const s = dec.decode(chunk as Buffer, { stream: true });
    text += s;
    pending += s;
    let i: number;
    while ((i = pending.indexOf('\n\n')) >= 0) {
      const ev = pending.slice(0, i);
      pending = pending.slice(i + 2);
      if (ev.startsWith('data: ')) events.push({ data: ev.slice(6), atMs: at });
    }
  }
  return { status: res.statusCode, headers: res.headers, body: text, events, sentMs };
}

export async function get(url: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const res = await request(url, { method: 'GET' });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

/** Parses Prometheus text exposition; throws on any malformed line. Returns `name{labels}` → value. */
export function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (!name || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? '')) throw new Error(`bad TYPE line: ${line}`);
      types.set(name, type as string);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const base = (m[1] as string).replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1] as string) && !types.has(base)) throw new Error(`sample without TYPE: ${line}`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

export const chatBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: MODEL,
  messages: [{ role: 'user', content: 'Hello there, how are you?' }],
  max_tokens: 5,
  ignore_eos: true,
  ...extra,
});

export const completionBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: MODEL,
  prompt: 'The quick brown fox jumps over the lazy dog.',
  max_tokens: 5,
  ignore_eos: true,
  ...extra,
});
