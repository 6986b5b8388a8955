/**
 * A ground-truth streaming server for engine tests and benchmarks: serves
 * OpenAI completions / chat SSE (and whole JSON) with configured TTFT, ITL,
 * chunk count and tokens per chunk, and records monoMs() right before each
 * chunk write, per request, so the engine's measurements can be checked
 * against what was actually sent. Fault modes: HTTP status, reset mid-stream,
 * malformed SSE, malformed JSON, in-stream error, stall (for timeouts).
 * Per-request behaviour: the `x-truth` header (JSON, partial TruthBehaviour), or
 * `faultFor(n)` for the n-th benchmark request (POST, 0-based) when the client cannot
 * set headers per request (the CLI); request id: the `x-request-id` header, else a counter.
 * GET /v1/models answers with `models` (a run checks the served model).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monoMs } from '../../src/util/clock.ts';

export type Fault =
  | { kind: 'none' }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'reset'; afterChunks: number }
  | { kind: 'malformed_sse' }
  | { kind: 'malformed_json' }
  | { kind: 'stream_error' }
  | { kind: 'stall'; afterChunks: number };

export interface TruthBehaviour {
  ttftMs: number;
  itlMs: number;
  /** Content chunks per response (the response may stop early at max_tokens / tokensPerChunk). */
  chunks: number;
  tokensPerChunk: number;
  /** Token text; multibyte by default so UTF-8 splitting is exercised. */
  tokenText: string;
  fault: Fault;
}

export interface TruthRequestLog {
  id: string;
  api: 'completion' | 'chat';
  stream: boolean;
  receivedAtMs: number;
  /** monoMs() just before each content chunk was written. */
  chunkWriteMs: number[];
  tokensPerChunk: number[];
  promptTokens: number;
  completionTokens: number;
  /** Just before res.end(). */
  endWriteMs?: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface TruthServer {
  url: string;
  port: number;
  log: Map<string, TruthRequestLog>;
  /** Requests currently being served (open responses). */
  active(): number;
  maxActive(): number;
  close(): Promise<void>;
}

const DEFAULTS: TruthBehaviour = {
  ttftMs: 20,
  itlMs: 5,
  chunks: 8,
  tokensPerChunk: 1,
  tokenText: ' hé',
  fault: { kind: 'none' },
};

/** Prompt token count as the server sees it: whitespace-separated words. */
export function countWords(s: string): number {
  const t = s.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

export interface TruthServerOptions {
  /** The fault for the n-th POST (0-based), when no x-truth header says otherwise. */
  faultFor?: (n: number) => Fault;
  /** Served model ids for GET /v1/models. Default ['truth-model']. */
  models?: string[];
}

export async function startTruthServer(defaults: Partial<TruthBehaviour> = {}, opts: TruthServerOptions = {}): Promise<TruthServer> {
  const base = { ...DEFAULTS, ...defaults };
  let posts = 0;
  const log = new Map<string, TruthRequestLog>();
  let counter = 0;
  let active = 0;
  let maxActive = 0;
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: (opts.models ?? ['truth-model']).map((id) => ({ id, object: 'model' })) }));
        return;
      }
      const nth = posts++;
      active++;
      if (active > maxActive) maxActive = active;
      res.on('close', () => active--);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end('bad json');
        return;
      }
      const hdr = req.headers['x-truth'];
      const b: TruthBehaviour =
        typeof hdr === 'string' ? { ...base, ...(JSON.parse(hdr) as Partial<TruthBehaviour>) } : opts.faultFor ? { ...base, fault: opts.faultFor(nth) } : base;
      const idh = req.headers['x-request-id'];
      const id = typeof idh === 'string' ? idh : String(counter++);
      serve(id, req, res, body, b, log);
    });
  });
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    active: () => active,
    maxActive: () => maxActive,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A loopback URL nothing listens on (a port we bound and released). */
export async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

function serve(
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  b: TruthBehaviour,
  log: Map<string, TruthRequestLog>,
): void {
  const api = req.url?.includes('/chat/') ? 'chat' : 'completion';
  const stream = body.stream === true;
  const prompt =
    api === 'chat'
      ? ((body.messages as { content: string }[] | undefined) ?? []).map((m) => m.content).join(' ')
      : String(body.prompt ?? '');
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
  const nChunks = Math.max(0, Math.min(b.chunks, Math.ceil(maxTokens / b.tokensPerChunk)));
  const so = (body.stream_options ?? {}) as { include_usage?: boolean; continuous_usage_stats?: boolean };
  const entry: TruthRequestLog = {
    id,
    api,
    stream,
    receivedAtMs: monoMs(),
    chunkWriteMs: [],
    tokensPerChunk: [],
    promptTokens: countWords(prompt),
    completionTokens: 0,
    body,
    headers: req.headers,
  };
  log.set(id, entry);
  const f = b.fault;
  if (f.kind === 'status') {
    setTimeout(() => res.writeHead(f.status, { 'content-type': 'application/json' }).end(f.body ?? `{"error":"status ${f.status}"}`), b.ttftMs);
    return;
  }
  const tokText = (n: number): string => b.tokenText.repeat(n);
  if (!stream) {
    setTimeout(() => {
      const n = nChunks * b.tokensPerChunk;
      entry.completionTokens = n;
      const text = tokText(n);
      const choice = api === 'chat' ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' } : { index: 0, text, finish_reason: 'length' };
      entry.endWriteMs = monoMs();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        f.kind === 'malformed_json' ? '{"choices": [' : JSON.stringify({ id, choices: [choice], usage: { prompt_tokens: entry.promptTokens, completion_tokens: n, total_tokens: entry.promptTokens + n } }),
      );
    }, b.ttftMs + Math.max(0, nChunks - 1) * b.itlMs);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (f.kind === 'malformed_sse') {
    setTimeout(() => res.end('this is not server-sent events\n{"choices":[]}\n'), b.ttftMs);
    return;
  }
  let sent = 0;
  let cum = 0;
  const usage = (): Record<string, number> => ({ prompt_tokens: entry.promptTokens, completion_tokens: cum, total_tokens: entry.promptTokens + cum });
  const write = (o: unknown): void => {
    res.write(`data: ${JSON.stringify(o)}\n\n`);
  };
  const step = (): void => {
    if (res.destroyed) return;
    if ((f.kind === 'reset' || f.kind === 'stall') && sent === f.afterChunks) {
      if (f.kind === 'reset') res.socket?.destroy();
      return; // stall: never write again
    }
    if (f.kind === 'stream_error' && sent === 1) {
      write({ error: { object: 'error', message: 'injected engine failure', type: 'InternalServerError', code: 500 } });
      res.end('data: [DONE]\n\n');
      entry.endWriteMs = monoMs();
      return;
    }
    if (sent === 0 && api === 'chat') {
      const roleChunk: Record<string, unknown> = { id, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
      if (so.continuous_usage_stats) roleChunk.usage = usage();
      write(roleChunk);
    }
    cum += b.tokensPerChunk;
    const last = sent === nChunks - 1;
    const text = tokText(b.tokensPerChunk);
    const choice = api === 'chat' ? { index: 0, delta: { content: text }, finish_reason: last ? 'length' : null } : { index: 0, text, finish_reason: last ? 'length' : null };
    const chunk: Record<string, unknown> = { id, choices: [choice] };
    if (so.include_usage && so.continuous_usage_stats) chunk.usage = usage();
    const payload = f.kind === 'malformed_json' && sent === 1 ? `data: {"choices": [{"text": "x"\n\n` : `data: ${JSON.stringify(chunk)}\n\n`;
    entry.chunkWriteMs.push(monoMs());
    res.write(payload);
    entry.tokensPerChunk.push(b.tokensPerChunk);
    entry.completionTokens = cum;
    sent++;
    if (!last) {
      setTimeout(step, b.itlMs);
      return;
    }
    let tail = '';
    if (so.include_usage) tail += `data: ${JSON.stringify({ id, choices: [], usage: usage() })}\n\n`;
    tail += 'data: [DONE]\n\n';
    entry.endWriteMs = monoMs();
    res.end(tail);
  };
  if (nChunks === 0) {
    res.end('data: [DONE]\n\n');
    return;
  }
  setTimeout(step, b.ttftMs);
}
