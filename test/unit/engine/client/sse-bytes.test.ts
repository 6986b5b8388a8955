/** The byte-level SSE framer against the same cases as the text framer (sse.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseByteFramer } from '../../../../src/engine/client/sse-bytes.ts';

/**
 * Feed bytes split at the given cut points, each read through one reused buffer that is
 * scribbled over after every push (as the h1 transport's shared read buffer is).
 */
function frame(bytes: Buffer, cuts: number[]): { events: string[]; stray: number; reads: number[] } {
  const events: string[] = [];
  const reads: number[] = [];
  let read = 0;
  const f = new SseByteFramer((b, s, e) => {
    events.push(b.toString('utf8', s, e));
    reads.push(read);
  });
  const shared = Buffer.alloc(bytes.length + 16);
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    read++;
    bytes.copy(shared, 5, prev, c);
    f.push(shared, 5, 5 + c - prev);
    shared.fill(0x41);
    prev = c;
  }
  f.end();
  return { events, stray: f.strayLines, reads };
}

const STREAM =
  ': keep-alive ping\n\n' +
  'data: {"choices":[{"text":"héllo wörld ✓ 🙂"}]}\n\n' +
  'event: message\nid: 7\nretry: 100\ndata:{"choices":[{"text":"x"}]}\n\n' +
  'data: line1\ndata: line2\n\n' +
  'data: [DONE]\n\n';
const EXPECTED = ['{"choices":[{"text":"héllo wörld ✓ 🙂"}]}', '{"choices":[{"text":"x"}]}', 'line1\nline2', '[DONE]'];

test('SSE bytes: whole stream in one read', () => {
  const r = frame(Buffer.from(STREAM), []);
  assert.deepEqual(r.events, EXPECTED);
  assert.equal(r.stray, 0);
});

test('SSE bytes: split into two reads at every byte boundary (LF, CRLF, CR; multibyte UTF-8 split)', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const bytes = Buffer.from(STREAM.replace(/\n/g, eol));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = frame(bytes, [cut]);
      assert.deepEqual(r.events, EXPECTED, `eol ${JSON.stringify(eol)} cut ${cut}`);
      assert.equal(r.stray, 0);
    }
  }
});

test('SSE bytes: one byte per read', () => {
  for (const eol of ['\n', '\r\n']) {
    const bytes = Buffer.from(STREAM.replace(/\n/g, eol));
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(frame(bytes, cuts).events, EXPECTED);
  }
});

test('SSE bytes: an event is dispatched in the read that completes it (one timestamp per read)', () => {
  const bytes = Buffer.from('data: a\n\ndata: b\n\ndata: c\n');
  const cut = bytes.indexOf('data: c');
  const r = frame(bytes, [cut + 3, bytes.length - 1]);
  // a and b complete in read 1, c's blank line never comes: dispatched at end.
  assert.deepEqual(r.events, ['a', 'b', 'c']);
  assert.deepEqual(r.reads.slice(0, 2), [1, 1]);
});

test('SSE bytes: no line-length limit (a 3 MiB data line in 64 KiB reads)', () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  const bytes = Buffer.from(`data: {"t":"${big}"}\n\ndata: [DONE]\n\n`);
  const cuts: number[] = [];
  for (let i = 65536; i < bytes.length; i += 65536) cuts.push(i);
  const r = frame(bytes, cuts);
  assert.equal(r.events.length, 2);
  assert.equal(r.events[0]!.length, big.length + 8);
  assert.equal(r.events[1], '[DONE]');
});

test('SSE bytes: lines that are not fields are counted as stray; empty data line', () => {
  const r = frame(Buffer.from('hello there\n{"json": 1}\n\ndata\n\ndata:\n\n'), []);
  assert.equal(r.stray, 2);
  assert.deepEqual(r.events, ['', '']);
});

test('SSE bytes: CR at the end of one read, LF at the start of the next, is one line end', () => {
  const r = frame(Buffer.from('data: a\r\n\r\ndata: b\r\n\r\n'), [8, 9, 10]);
  assert.deepEqual(r.events, ['a', 'b']);
});

test('SSE bytes: a leading UTF-8 BOM is dropped (as TextDecoder does), also when split', () => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: a\n\n')]);
  for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(frame(bytes, [cut]).events, ['a'], `cut ${cut}`);
  assert.deepEqual(frame(Buffer.from('da'), []).events, []);
  assert.deepEqual(frame(Buffer.from('data: x'), [1]).events, ['x']);
});
