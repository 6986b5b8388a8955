import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFrames, WINDOW, type StreamShape } from '../../../src/sim/frames.ts';
import { piece } from '../../../src/sim/text.ts';

const pieces = Array.from({ length: 2 * WINDOW + 7 }, (_, i) => {
  const text = i % 5 === 0 ? ` é"${i}` : ` w${i}`; // multi-byte and escaped text: byte lengths differ from string lengths
  return piece(text);
});

function shape(chunked: boolean, continuous: boolean, n = pieces.length): StreamShape {
  return {
    pieces: pieces.slice(0, n),
    pre: 'data: {"choices":[{"text":"',
    post: '","finish_reason":null}]',
    postLast: '","finish_reason":"length"}]',
    first: 'data: {"role":1}\n\n',
    usage: continuous ? (k) => `,"usage":{"completion_tokens":${k}}` : undefined,
    tail: 'data: {"usage":{}}\n\ndata: [DONE]\n\n',
    chunked,
  };
}

/** The expected wire bytes, event by event, written independently of frames.ts. */
function expected(s: StreamShape): string {
  const n = s.pieces.length;
  return s.pieces
    .map((p, k) => {
      const ev = `${k === 0 ? s.first : ''}${s.pre}${p.json}${k === n - 1 ? s.postLast : s.post}${s.usage ? s.usage(k + 1) : ''}}\n\n${k === n - 1 ? s.tail : ''}`;
      return s.chunked ? `${Buffer.byteLength(ev).toString(16)}\r\n${ev}\r\n` : ev;
    })
    .join('');
}

for (const chunked of [true, false]) {
  for (const continuous of [false, true]) {
    test(`frames: any sequence of takes yields exactly the stream's bytes (chunked ${chunked}, continuous usage ${continuous})`, () => {
      const s = shape(chunked, continuous);
      const n = s.pieces.length;
      // one token at a time; catch-up jumps across window boundaries; everything at once
      for (const steps of [[...Array(n).keys()].map((i) => i + 1), [1, 3, WINDOW - 1, WINDOW + 2, 2 * WINDOW + 1, n], [n]]) {
        const f = new StreamFrames(s);
        const parts: Buffer[] = [];
        for (const upTo of steps) parts.push(Buffer.from(f.take(upTo)));
        assert.equal(Buffer.concat(parts).toString('utf8'), expected(s));
        assert.equal(f.take(n).length, 0, 'nothing left after the last token');
      }
    });
  }
}

test('frames: each take ends on an event boundary (a chunked frame per token)', () => {
  const s = shape(true, false, 5);
  const f = new StreamFrames(s);
  const one = Buffer.from(f.take(1)).toString('utf8');
  const ev = `${s.first}${s.pre}${pieces[0]!.json}${s.post}}\n\n`;
  assert.equal(one, `${Buffer.byteLength(ev).toString(16)}\r\n${ev}\r\n`);
});

test('frames: a lazy tail is rendered only when the last token is taken, with the same bytes', () => {
  for (const n of [1, 5, WINDOW, WINDOW + 1, 2 * WINDOW + 7]) {
    const eager = shape(true, false, n);
    let calls = 0;
    const lazy: StreamShape = { ...eager, tail: () => (calls++, eager.tail as string) };
    const f = new StreamFrames(lazy);
    const parts: Buffer[] = [];
    for (let k = 1; k < n; k++) parts.push(Buffer.from(f.take(k)));
    assert.equal(calls, 0, `tail not rendered before the last token (n=${n})`);
    parts.push(Buffer.from(f.take(n)));
    assert.equal(calls, 1);
    assert.equal(Buffer.concat(parts).toString('utf8'), expected(eager));
  }
});
