import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDecoder } from 'node:util';
import { SseFramer } from '../../../../src/engine/client/sse.ts';

/** Feed bytes split at the given cut points through a streaming TextDecoder, as the client does. */
function frame(bytes: Buffer, cuts: number[]): { events: string[]; stray: number; reads: number[] } {
  const events: string[] = [];
  const reads: number[] = [];
  let read = 0;
  const f = new SseFramer((d) => {
    events.push(d);
    reads.push(read);
  });
  const dec = new TextDecoder();
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    read++;
    f.push(dec.decode(bytes.subarray(prev, c), { stream: true }));
    prev = c;
  }
  f.push(dec.decode());
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

test('SSE: whole stream in one read', () => {
  const r = frame(Buffer.from(STREAM), []);
  assert.deepEqual(r.events, EXPECTED);
  assert.equal(r.stray, 0);
});

test('SSE: split into two reads at every byte boundary (LF, CRLF, CR; multibyte UTF-8 split)', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const bytes = Buffer.from(STREAM.replace(/\n/g, eol));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = frame(bytes, [cut]);
      assert.deepEqual(r.events, EXPECTED, `eol ${JSON.stringify(eol)} cut ${cut}`);
      assert.equal(r.stray, 0);
    }
  }
});

test('SSE: one byte per read', () => {
  for (const eol of ['\n', '\r\n']) {
    const bytes = Buffer.from(STREAM.replace(/\n/g, eol));
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(frame(bytes, cuts).events, EXPECTED);
  }
});

test('SSE: an event is dispatched in the read that completes it (one timestamp per read)', () => {
  const bytes = Buffer.from('data: a\n\ndata: b\n\ndata: c\n');
  const cut = bytes.indexOf('data: c');
  const r = frame(bytes, [cut + 3, bytes.length - 1]);
  // a and b complete in read 1, c's blank line never comes: dispatched at end.
  assert.deepEqual(r.events, ['a', 'b', 'c']);
  assert.deepEqual(r.reads.slice(0, 2), [1, 1]);
});

test('SSE: no line-length limit (a 3 MiB data line in 64 KiB reads)', () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  const bytes = Buffer.from(`data: {"t":"${big}"}\n\ndata: [DONE]\n\n`);
  const cuts: number[] = [];
  for (let i = 65536; i < bytes.length; i += 65536) cuts.push(i);
  const r = frame(bytes, cuts);
  assert.equal(r.events.length, 2);
  assert.equal(r.events[0]!.length, big.length + 8);
  assert.equal(r.events[1], '[DONE]');
});

test('SSE: lines that are not fields are counted as stray; empty data line', () => {
  const r = frame(Buffer.from('hello there\n{"json": 1}\n\ndata\n\ndata:\n\n'), []);
  assert.equal(r.stray, 2);
  assert.deepEqual(r.events, ['', '']);
});

test('SSE: CR at the end of one read, LF at the start of the next, is one line end', () => {
  const r = frame(Buffer.from('data: a\r\n\r\ndata: b\r\n\r\n'), [8, 9, 10]);
  assert.deepEqual(r.events, ['a', 'b']);
});
