// The lean raw-socket front (src/sim/rawhttp.ts) against a real loopback simulator, byte level:
// split packets, keep-alive sequences and pipelining, large bodies, malformed heads (handed to
// node:http), client aborts mid-stream, and the same head bytes as node:http's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { SimServer } from '../../../src/sim/server.ts';
import { parseHead } from '../../../src/sim/rawhttp.ts';
import { startSim, MODEL } from './helpers.ts';

const port = (sim: SimServer): number => sim.port;

function open(sim: SimServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port(sim), '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Collects what a socket receives until `done(text)` is true or the socket closes. */
function readUntil(s: Socket, done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`timeout; got ${JSON.stringify(out)}`)), timeoutMs);
    const finish = (): void => {
      clearTimeout(t);
      s.off('data', onData);
      resolve(out);
    };
    const onData = (b: Buffer): void => {
      out += b.toString('latin1');
      if (done(out)) finish();
    };
    s.on('data', onData);
    s.once('close', finish);
  });
}

const post = (path: string, body: string, extra = ''): string => `POST ${path} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const streamBody = (n: number): string => JSON.stringify({ model: MODEL, prompt: 'hello', max_tokens: n, ignore_eos: true, stream: true });
/** Number of complete responses in `text` (chunked ones end with 0 CRLF CRLF; content-length ones counted by their length). */
function responses(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const he = rest.indexOf('\r\n\r\n');
    if (he < 0) break;
    const head = rest.slice(0, he);
    const cl = /content-length: (\d+)/i.exec(head);
    let end: number;
    if (cl) end = he + 4 + Number(cl[1]);
    else {
      const z = rest.indexOf('\r\n0\r\n\r\n', he);
      if (z < 0) break;
      end = z + 7;
    }
    if (rest.length < end) break;
    out.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return out;
}

describe('sim lean HTTP front (raw sockets)', () => {
  let sim: SimServer;
  before(async () => {
    sim = await startSim({ 'time-to-first-token': '5ms', 'inter-token-latency': '2ms', 'max-model-len': 100000 });
  });
  after(async () => {
    await sim.close();
  });

  it('parses only the common case; the rest is left to node:http', () => {
    const ok = 'POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 12';
    assert.equal(parseHead(ok, 100)?.endpoint, 'completion');
    assert.equal(parseHead(ok, 100)?.length, 12);
    assert.equal(parseHead('POST /v1/chat/completions?x=1 HTTP/1.1\r\ncontent-length: 0', 100)?.endpoint, 'chat');
    for (const bad of [
      'POST /v1/completions HTTP/1.0\r\ncontent-length: 1',
      'GET /v1/completions HTTP/1.1\r\ncontent-length: 1',
      'POST /v1/models HTTP/1.1\r\ncontent-length: 1',
      'POST /v1/completions HTTP/1.1',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: -1',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1x',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 1',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 101',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1\r\nexpect: 100-continue',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1\r\nconnection: close',
      'POST /v1/completions HTTP/1.1\r\ncontent-length: 1\r\n folded',
      'POST /v1/completions HTTP/1.1\r\ncontent length: 1',
    ]) {
      assert.equal(parseHead(bad, 100), undefined, bad);
    }
  });

  it('streams with node:http’s head bytes and the engine’s chunks, request split byte by byte', async () => {
    const s = await open(sim);
    try {
      const req = Buffer.from(post('/v1/completions', streamBody(3)));
      const got = readUntil(s, (t) => t.endsWith('\r\n0\r\n\r\n'));
      for (let i = 0; i < req.length; i++) {
        s.write(req.subarray(i, i + 1));
        if (i % 16 === 0) await new Promise((r) => setImmediate(r));
      }
      const text = await got;
      assert.match(text, /^HTTP\/1\.1 200 OK\r\ncontent-type: text\/event-stream\r\ncache-control: no-cache\r\nDate: [^\r]+ GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\nTransfer-Encoding: chunked\r\n\r\n/);
      const events = text.split('\r\n').filter((l) => l.startsWith('data: '));
      assert.equal(text.match(/"finish_reason":"length"/g)?.length, 1);
      assert.ok(text.includes('data: [DONE]\n\n\r\n0\r\n\r\n'));
      assert.ok(events.length >= 1);
    } finally {
      s.destroy();
    }
  });

  it('answers a keep-alive sequence and pipelined requests in order, mixed with node:http routes', async () => {
    const s = await open(sim);
    try {
      const bad = '{bad';
      const nonStream = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
      // One write: stream, bad JSON, GET (hands the connection to node:http), stream again.
      const all = post('/v1/completions', streamBody(4)) + post('/v1/completions', bad) + 'GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n' + post('/v1/chat/completions', nonStream);
      const got = readUntil(s, (t) => responses(t).length === 4);
      s.write(all);
      const rs = responses(await got);
      assert.equal(rs.length, 4);
      assert.match(rs[0] as string, /text\/event-stream[\s\S]*data: \[DONE\]/);
      assert.match(rs[1] as string, /^HTTP\/1\.1 400 Bad Request\r\ncontent-type: application\/json\r\ncontent-length: \d+\r\nDate: [^\r]+\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n\{"error":\{"message":"Failed to read and parse request body/);
      assert.match(rs[2] as string, /"object":"list"/);
      assert.match(rs[3] as string, /"object":"chat.completion"/);
      // A later request on the same (now node:http) connection.
      const more = readUntil(s, (t) => responses(t).length === 1);
      s.write(post('/v1/completions', streamBody(2)));
      assert.match(await more, /data: \[DONE\]/);
    } finally {
      s.destroy();
    }
  });

  it('reads a large body split across packets (and a body over the limit gets node:http’s 413)', async () => {
    const prompt = 'word '.repeat(40000);
    const body = JSON.stringify({ model: MODEL, prompt, max_tokens: 1 });
    const s = await open(sim);
    try {
      const got = readUntil(s, (t) => responses(t).length === 1, 15000);
      const req = Buffer.from(post('/v1/completions', body));
      for (let o = 0; o < req.length; o += 7000) {
        s.write(req.subarray(o, o + 7000));
        await new Promise((r) => setTimeout(r, 1));
      }
      const r = responses(await got)[0] as string;
      assert.match(r, /^HTTP\/1\.1 200 OK/);
      assert.match(r, /"prompt_tokens":\d{5}/);
    } finally {
      s.destroy();
    }
    const small = await startSim({ 'max-request-body-size-mb': 1 });
    const s2 = await open(small);
    try {
      const got = readUntil(s2, (t) => t.includes('\r\n\r\n{'));
      s2.write(post('/v1/completions', JSON.stringify({ model: MODEL, prompt: 'word '.repeat(250000), max_tokens: 1 })));
      assert.match(await got, /^HTTP\/1\.1 413 /);
    } finally {
      s2.destroy();
      await small.close();
    }
  });

  it('malformed request line or Content-Length: node:http’s 400 and the connection closes', async () => {
    for (const raw of ['POST /v1/completions HTTX/1.1\r\nHost: x\r\n\r\n', 'POST /v1/completions HTTP/1.1\r\nHost: x\r\ncontent-length: 1x\r\n\r\n{}']) {
      const s = await open(sim);
      try {
        const got = readUntil(s, () => false);
        s.write(raw);
        assert.match(await got, /^HTTP\/1\.1 400 Bad Request\r\n/);
      } finally {
        s.destroy();
      }
    }
  });

  it('a client that half-closes after its requests gets every answer, then the connection ends', async () => {
    const s = await open(sim);
    try {
      const got = readUntil(s, () => false);
      s.end(post('/v1/completions', streamBody(5)) + post('/v1/completions', streamBody(3)));
      const rs = responses(await got);
      assert.equal(rs.length, 2);
      for (const r of rs) assert.match(r, /data: \[DONE\]\n\n\r\n0\r\n\r\n$/);
    } finally {
      s.destroy();
    }
  });

  it('a client that closes mid-stream does not disturb the others', async () => {
    const a = await open(sim);
    const b = await open(sim);
    try {
      const firstA = readUntil(a, (t) => t.includes('data: '));
      a.write(post('/v1/completions', streamBody(200)));
      await firstA;
      a.destroy();
      const gotB = readUntil(b, (t) => t.endsWith('\r\n0\r\n\r\n'));
      b.write(post('/v1/completions', streamBody(20)));
      const text = await gotB;
      assert.equal(text.match(/"text":/g)?.length, 20);
      // The server still answers on a new connection once a's stream has run out.
      const c = await open(sim);
      const gotC = readUntil(c, (t) => responses(t).length === 1);
      c.write(post('/v1/completions', JSON.stringify({ model: MODEL, prompt: 'x', max_tokens: 1 })));
      assert.match(await gotC, /^HTTP\/1\.1 200 OK/);
      c.destroy();
    } finally {
      b.destroy();
    }
  });
});
