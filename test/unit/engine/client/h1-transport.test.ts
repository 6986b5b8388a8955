/** The lean h1 transport against real loopback servers: reuse, pool limit, timeouts, closed idle connections. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineClient } from '../../../../src/engine/client/http-client.ts';
import type { RequestSpec } from '../../../../src/engine/types.ts';
import { startTruthServer } from '../../../helpers/truth-server.ts';

const meta = { id: 1, stage: 0, worker: 0, scheduledAtMs: 0 };
const spec = (headers: Record<string, string> = {}): RequestSpec => ({ api: 'completion', prompt: 'a b', maxTokens: 3, stream: true, headers });

test('h1: sequential requests reuse one kept-alive connection; a pool of 2 opens 2 for 4 concurrent', { timeout: 20_000 }, async () => {
  const server = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 });
  const c = new EngineClient({ baseUrl: server.url, model: 'm', connections: 2 });
  assert.equal(c.transport, 'h1');
  try {
    for (let i = 0; i < 3; i++) {
      const r = await c.sendAsync(spec({ 'x-request-id': `s${i}` }), meta);
      assert.equal(r.error, undefined);
      assert.equal(r.chunkTimesMs.length, 3);
    }
    const four = await Promise.all([0, 1, 2, 3].map((i) => c.sendAsync(spec({ 'x-request-id': `p${i}` }), meta)));
    assert.ok(four.every((r) => r.error === undefined));
    assert.ok(server.maxActive() <= 2);
    // user headers pass through; framing headers are the transport's own
    const h = server.log.get('s0')!.headers;
    assert.equal(h['content-length'], String(Buffer.byteLength(JSON.stringify(server.log.get('s0')!.body))));
    assert.equal(h.host, new URL(server.url).host);
  } finally {
    await c.close();
    await server.close();
  }
});

test('h1: headers timeout and body timeout are labelled timeout; the pool keeps working', { timeout: 20_000 }, async () => {
  const server = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 });
  const c = new EngineClient({ baseUrl: server.url, model: 'm', connections: 1, headersTimeoutMs: 150, bodyTimeoutMs: 150 });
  try {
    const slowHead = await c.sendAsync(spec({ 'x-truth': JSON.stringify({ ttftMs: 2000 }) }), meta);
    assert.equal(slowHead.error?.label, 'timeout');
    assert.match(slowHead.error!.message, /headers timeout/);
    const stall = await c.sendAsync(spec({ 'x-truth': JSON.stringify({ fault: { kind: 'stall', afterChunks: 1 } }) }), meta);
    assert.equal(stall.error?.label, 'timeout');
    assert.equal(stall.chunkTimesMs.length, 1);
    const ok = await c.sendAsync(spec(), meta);
    assert.equal(ok.error, undefined);
  } finally {
    await c.close();
    await server.close();
  }
});

test('h1: an idle connection the server closed is not reused; a header with a line break fails that request only', { timeout: 20_000 }, async () => {
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"choices":[{"text":"x"}]}\n\ndata: [DONE]\n\n'));
  });
  srv.keepAliveTimeout = 50;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const c = new EngineClient({ baseUrl: url, model: 'm', connections: 1 });
  try {
    assert.equal((await c.sendAsync(spec(), meta)).error, undefined);
    await new Promise((r) => setTimeout(r, 300));
    const again = await c.sendAsync(spec(), meta);
    assert.equal(again.error, undefined, again.error?.message);
    const bad = await c.sendAsync(spec({ 'x-evil': 'a\r\nx-injected: 1' }), meta);
    assert.equal(bad.error?.label, 'other');
    assert.equal((await c.sendAsync(spec(), meta)).error, undefined);
  } finally {
    await c.close();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

test('h1: a request sent from the previous one\'s completion callback reuses its connection', { timeout: 20_000 }, async () => {
  let connections = 0;
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"choices":[{"text":"x"}]}\n\ndata: [DONE]\n\n'));
  });
  srv.on('connection', () => connections++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const c = new EngineClient({ baseUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, model: 'm', connections: 4 });
  try {
    const errors = await new Promise<(string | undefined)[]>((resolve) => {
      const out: (string | undefined)[] = [];
      const next = (): void =>
        c.send(c.prepare(spec()), meta, (r) => {
          out.push(r.error?.message);
          if (out.length < 5) next();
          else resolve(out);
        });
      next();
    });
    assert.deepEqual(errors, [undefined, undefined, undefined, undefined, undefined]);
    assert.equal(connections, 1);
  } finally {
    await c.close();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
