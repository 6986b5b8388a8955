/** HTTP/1.1 response parsing on bytes, split at every boundary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H1Parser } from '../../../../src/engine/client/h1-parser.ts';
import type { ResponseSink } from '../../../../src/engine/client/transport.ts';

interface Seen {
  status?: number;
  contentType?: string | undefined;
  body: string;
  ended: boolean;
  stamps: number[];
}

/** Feed `raw` in reads cut at `cuts` (each read stamped with its index); returns what the sink saw and where the response ended. */
function parse(raw: string, cuts: number[]): Seen & { used: number; keepAlive: boolean } {
  const seen: Seen = { body: '', ended: false, stamps: [] };
  const sink: ResponseSink = {
    onSent: () => undefined,
    onHeaders: (s, ct) => {
      seen.status = s;
      seen.contentType = ct;
    },
    onData: (b, s, e, at) => {
      seen.body += b.toString('latin1', s, e);
      seen.stamps.push(at);
    },
    onEnd: () => assert.fail('the parser never ends the sink itself'),
    onError: (e) => assert.fail(String(e)),
  };
  const p = new H1Parser();
  p.reset(sink);
  const bytes = Buffer.from(raw, 'latin1');
  let prev = 0;
  let used = bytes.length;
  let read = 0;
  for (const c of [...cuts, bytes.length]) {
    const u = p.feed(bytes, prev, c, read++);
    if (p.done) {
      used = u;
      seen.ended = true;
      break;
    }
    prev = c;
  }
  return { ...seen, used, keepAlive: p.keepAlive };
}

const CHUNKED =
  'HTTP/1.1 100 Continue\r\n\r\n' +
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5\r\n\r\n' +
  '9\r\ndata: a\n\n\r\n' +
  'A;ext=1\r\ndata: bc\n\n\r\n' +
  '0\r\nX-Trailer: 1\r\n\r\n';

test('h1 parser: chunked body (interim 100, extensions, trailers) at every split', () => {
  for (let cut = 0; cut <= CHUNKED.length; cut++) {
    const r = parse(CHUNKED + 'EXTRA', [cut]);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/event-stream');
    assert.equal(r.body, 'data: a\n\ndata: bc\n\n', `cut ${cut}`);
    assert.ok(r.ended);
    assert.equal(r.used, CHUNKED.length, 'stops at the end of the response');
    assert.equal(r.keepAlive, true);
  }
});

test('h1 parser: every body slice of one read carries that read stamp', () => {
  const r = parse(CHUNKED, []);
  assert.deepEqual(r.stamps, [0, 0]);
  const cut = CHUNKED.indexOf('A;ext');
  assert.deepEqual(parse(CHUNKED, [cut]).stamps, [0, 1]);
});

test('h1 parser: content-length, connection close, HTTP/1.0, 204', () => {
  const cl = 'HTTP/1.1 404 Not Found\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello';
  for (let cut = 0; cut <= cl.length; cut++) {
    const r = parse(cl, [cut]);
    assert.equal(r.status, 404);
    assert.equal(r.body, 'hello');
    assert.equal(r.keepAlive, false);
    assert.ok(r.ended);
  }
  assert.equal(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', []).keepAlive, false);
  const nc = parse('HTTP/1.1 204 No Content\r\n\r\n', []);
  assert.ok(nc.ended);
  assert.equal(nc.body, '');
});

test('h1 parser: a body without length runs until EOF', () => {
  const p = new H1Parser();
  let body = '';
  let ended = false;
  p.reset({ onSent: () => undefined, onHeaders: () => undefined, onData: (b, s, e) => (body += b.toString('latin1', s, e)), onEnd: () => (ended = true), onError: () => undefined });
  const b = Buffer.from('HTTP/1.1 200 OK\r\n\r\nabc');
  p.feed(b, 0, b.length, 0);
  assert.equal(p.done, false);
  assert.equal(p.eof(1), true);
  assert.equal(body, 'abc');
  assert.ok(p.done);
  assert.equal(p.endAtMs, 1);
  assert.equal(ended, false);
  assert.equal(p.keepAlive, false);
});

test('h1 parser: malformed status line or chunk size throws', () => {
  assert.throws(() => parse('HTTP/2 200\r\n\r\n', []), /bad status line/);
  assert.throws(() => parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', []), /bad chunk size/);
});

test('heads read one after another (the last reading reused for the same text) each give their own status, framing and keep-alive', () => {
  const a = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nKeep-Alive: timeout=7\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const b = 'HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}';
  const c = 'HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nxyz';
  for (const raw of [a, a, b, b, a, c, c, b]) {
    const r = parse(raw, []);
    if (raw === a) assert.deepEqual([r.status, r.contentType, r.body, r.keepAlive, r.ended], [200, 'text/event-stream', 'abc', true, true]);
    if (raw === b) assert.deepEqual([r.status, r.contentType, r.body, r.keepAlive, r.ended], [429, 'application/json', '{}', false, true]);
    if (raw === c) assert.deepEqual([r.status, r.contentType, r.body, r.keepAlive, r.ended], [200, 'text/plain', 'xyz', false, false]);
  }
  const p = new H1Parser();
  p.reset({ onSent: () => undefined, onHeaders: () => undefined, onData: () => undefined, onEnd: () => undefined, onError: () => undefined });
  p.feed(Buffer.from(a, 'latin1'), 0, a.length, 0);
  assert.equal(p.keepAliveHintMs, 7000);
  p.reset({ onSent: () => undefined, onHeaders: () => undefined, onData: () => undefined, onEnd: () => undefined, onError: () => undefined });
  p.feed(Buffer.from(b, 'latin1'), 0, b.length, 0);
  assert.equal(p.keepAliveHintMs, -1);
});
