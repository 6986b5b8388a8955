import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rawBody, rawChunks } from '../../../../src/engine/client/raw.ts';
import { EngineClient } from '../../../../src/engine/client/http-client.ts';
import type { RequestSpec } from '../../../../src/engine/types.ts';
import { refusedUrl, startTruthServer, type Fault, type TruthServer } from '../../../helpers/truth-server.ts';

let server: TruthServer;
let client: EngineClient;
const meta = { id: 1, stage: 0, worker: 0, scheduledAtMs: 0 };

before(async () => {
  server = await startTruthServer({ ttftMs: 5, itlMs: 2, chunks: 4 });
  client = new EngineClient({ baseUrl: server.url, model: 'm', connections: 8, keepText: true, requestTimeoutMs: 400, apiKey: 'sk-test' });
});
after(async () => {
  await client.close();
  await server.close();
});

function spec(fault: Fault | undefined, over: Partial<RequestSpec> = {}, id = String(Math.random())): RequestSpec {
  const headers: Record<string, string> = { 'x-request-id': id };
  if (fault) headers['x-truth'] = JSON.stringify({ fault });
  return { api: 'completion', prompt: 'one two three', maxTokens: 16, stream: true, headers, ...over };
}

test('streamed completion: chunk times, tokens, usage, finish reason, text, auth header', { timeout: 20_000 }, async () => {
  const r = await client.sendAsync(spec(undefined, {}, 'ok1'), meta);
  assert.equal(r.error, undefined);
  assert.equal(r.httpStatus, 200);
  assert.equal(r.chunkTimesMs.length, 4);
  assert.deepEqual(r.chunkTokens, [1, 1, 1, 1]);
  assert.equal(r.promptTokensServer, 3);
  assert.equal(r.completionTokensServer, 4);
  assert.equal(r.finishReason, 'length');
  assert.equal(r.outputText, ' hé'.repeat(4));
  assert.equal(r.doneSeen, true);
  assert.ok(r.sentAtMs < r.headersAtMs! && r.chunkTimesMs[0]! <= r.endAtMs);
  const log = server.log.get('ok1')!;
  assert.equal(log.headers.authorization, 'Bearer sk-test');
  assert.deepEqual(log.body.stream_options, { include_usage: true });
  // Each chunk is seen after the server wrote it (same monotonic clock).
  for (let i = 0; i < 4; i++) assert.ok(r.chunkTimesMs[i]! >= log.chunkWriteMs[i]!);
});

test('chat: the role-only chunk is not a content chunk but is a choice chunk', { timeout: 20_000 }, async () => {
  const r = await client.sendAsync(spec(undefined, { api: 'chat', prompt: undefined, messages: [{ role: 'user', content: 'a b' }] }), meta);
  assert.equal(r.error, undefined);
  assert.equal(r.chunkTimesMs.length, 4);
  assert.equal(r.choiceEventCount, 5);
  assert.ok(r.firstChoiceAtMs! <= r.chunkTimesMs[0]!);
});

test('continuous usage: per-chunk token deltas from cumulative completion_tokens', { timeout: 20_000 }, async () => {
  const s: RequestSpec = spec(undefined, { extraBody: { stream_options: { include_usage: true, continuous_usage_stats: true } } });
  s.headers!['x-truth'] = JSON.stringify({ tokensPerChunk: 3, chunks: 3 });
  const r = await client.sendAsync(s, meta);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.chunkTokens, [3, 3, 3]);
  assert.equal(r.completionTokensServer, 9);
});

test('non-streamed response: usage, text, no chunk times', { timeout: 20_000 }, async () => {
  const r = await client.sendAsync(spec(undefined, { stream: false, api: 'chat', messages: [{ role: 'user', content: 'x' }] }), meta);
  assert.equal(r.error, undefined);
  assert.equal(r.completionTokensServer, 4);
  assert.equal(r.outputText, ' hé'.repeat(4));
  assert.deepEqual(r.chunkTimesMs, []);
});

const faults: [string, Fault, string][] = [
  ['HTTP 400', { kind: 'status', status: 400, body: '{"error":"context window exceeded"}' }, 'http_4xx'],
  ['HTTP 429', { kind: 'status', status: 429 }, 'http_429'],
  ['HTTP 503', { kind: 'status', status: 503 }, 'http_5xx'],
  ['reset mid-stream', { kind: 'reset', afterChunks: 2 }, 'connection_reset'],
  ['malformed SSE', { kind: 'malformed_sse' }, 'malformed_sse'],
  ['malformed JSON', { kind: 'malformed_json' }, 'malformed_json'],
  ['error event after 200', { kind: 'stream_error' }, 'http_5xx'],
  ['stall → request timeout', { kind: 'stall', afterChunks: 1 }, 'timeout'],
];
for (const [name, fault, label] of faults) {
  test(`fault is data: ${name} → ${label}`, async () => {
    const r = await client.sendAsync(spec(fault), meta);
    assert.equal(r.error?.label, label, JSON.stringify(r.error));
    assert.ok(r.endAtMs >= r.sentAtMs);
  });
}

test('HTTP error body is kept, truncated', { timeout: 20_000 }, async () => {
  const c = new EngineClient({ baseUrl: server.url, model: 'm', connections: 1, maxErrorBodyChars: 20 });
  const r = await c.sendAsync(spec({ kind: 'status', status: 500, body: 'E'.repeat(5000) }), meta);
  await c.close();
  assert.equal(r.error?.label, 'http_5xx');
  assert.ok(r.error!.message.startsWith('HTTP 500: EEEE'));
  assert.ok(r.error!.message.length < 40);
});

test('connection refused → connection_refused, and the client keeps working after faults', { timeout: 20_000 }, async () => {
  const c = new EngineClient({ baseUrl: await refusedUrl(), model: 'm', connections: 1 });
  const r = await c.sendAsync(spec(undefined), meta);
  await c.close();
  assert.equal(r.error?.label, 'connection_refused');
  const ok = await client.sendAsync(spec(undefined), meta);
  assert.equal(ok.error, undefined);
});

test('abortAll records in-flight requests as aborted', { timeout: 20_000 }, async () => {
  const c = new EngineClient({ baseUrl: server.url, model: 'm', connections: 4 });
  const p = Promise.all([0, 1, 2].map(() => c.sendAsync(spec({ kind: 'stall', afterChunks: 1 }), meta)));
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(c.inFlightCount, 3);
  c.abortAll();
  const recs = await p;
  await c.close();
  assert.deepEqual(recs.map((r) => r.error?.label), ['aborted', 'aborted', 'aborted']);
  assert.ok(recs.every((r) => r.chunkTimesMs.length === 1));
});

for (const transport of ['h1', 'undici'] as const) {
  test(`${transport}: a pool smaller than the load makes the wait visible: sent − dispatched`, { timeout: 20_000 }, async () => {
    const c = new EngineClient({ baseUrl: server.url, model: 'm', connections: 1, transport });
    assert.equal(c.transport, transport);
    const [a, b] = await Promise.all([c.sendAsync(spec(undefined), meta), c.sendAsync(spec(undefined), meta)]);
    await c.close();
    assert.ok(a.sentAtMs >= a.dispatchedAtMs! && a.sentAtMs <= a.headersAtMs!);
    // The second request waited for the only connection until the first finished.
    assert.ok(b.sentAtMs >= a.endAtMs - 0.5, `${b.sentAtMs} vs ${a.endAtMs}`);
    assert.ok(b.sentAtMs - b.dispatchedAtMs! > 5);
  });
}

test('a server that ignores stream:true and sends one JSON body is read as a whole response', { timeout: 20_000 }, async () => {
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ text: 'whole', finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1 } })));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  const c = new EngineClient({ baseUrl: `http://127.0.0.1:${port}`, model: 'm', connections: 1, keepText: true });
  const r = await c.sendAsync(spec(undefined), meta);
  await c.close();
  await new Promise<void>((res) => srv.close(() => res()));
  assert.equal(r.error, undefined);
  assert.equal(r.outputText, 'whole');
  assert.equal(r.completionTokensServer, 1);
  assert.equal(r.finishReason, 'stop');
});

test('events delivered in one read share its stamp and are counted as same-read; keepRaw keeps body, content payloads, usage; request bytes', { timeout: 20_000 }, async () => {
  const { createServer } = await import('node:http');
  const ev = (t: string): string => JSON.stringify({ choices: [{ index: 0, text: t, finish_reason: null }] });
  const usage = { prompt_tokens: 3, total_tokens: 8, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 1 } };
  // Two writes 40 ms apart: three content events (and a role-less empty one) in the first, two plus usage in the second.
  const first = `data: ${ev(' a')}\n\ndata: ${ev('')}\n\ndata: ${ev(' b')}\n\ndata: ${ev(' c')}\n\n`;
  const second = `data: ${ev(' d')}\n\ndata: ${ev(' é')}\n\ndata: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`;
  const received: Buffer[] = [];
  const srv = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(parts));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(first);
      setTimeout(() => res.end(second), 40);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  const c = new EngineClient({ baseUrl: `http://127.0.0.1:${port}`, model: 'm', connections: 1, keepRaw: true });
  const r = await c.sendAsync(spec(undefined, { prompt: 'ünïcode prompt' }), meta);
  const plain = new EngineClient({ baseUrl: `http://127.0.0.1:${port}`, model: 'm', connections: 1 });
  const r2 = await plain.sendAsync(spec(undefined), meta);
  await c.close();
  await plain.close();
  await new Promise<void>((res) => srv.close(() => res()));
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  const t = r.chunkTimesMs;
  assert.equal(t.length, 5);
  assert.ok(t[0] === t[1] && t[1] === t[2] && t[3] === t[4], `stamps ${t.join(', ')}`);
  assert.ok(t[3]! - t[2]! > 20, 'the second write is a later read');
  // Gaps b−a, c−b (first read) and é−d (second read) are same-read.
  assert.equal(r.sameReadChunks, 3);
  assert.equal(r.requestBytes, received[0]!.length);
  assert.ok(r.requestBytes! > received[0]!.toString('utf8').length, 'bytes, not characters');
  assert.ok(r.raw && 'bytes' in r.raw, 'the client keeps bytes');
  assert.equal(rawBody(r.raw), first + second);
  assert.deepEqual(rawChunks(r.raw), [ev(' a'), ev(' b'), ev(' c'), ev(' d'), ev(' é')]);
  assert.deepEqual(r.raw?.usage, usage);
  // Without keepRaw nothing verbatim is kept; the same-read count is always there for streams.
  assert.equal(r2.raw, undefined);
  assert.equal(r2.sameReadChunks, 3);
});
