/** The same-shape fast path must give exactly what JSON.parse gives, or decline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SameShape } from '../../../../src/engine/client/same-shape.ts';
import { completionClient, chatClient, type ApiClient, type ChunkView } from '../../../../src/engine/client/api.ts';

function parsed(api: ApiClient, s: string): ChunkView {
  const v: ChunkView = { text: '', hasChoices: false, finishReason: undefined };
  api.readChunk(JSON.parse(s) as Record<string, unknown>, v);
  return v;
}

/** Learn from `first`, then try `next`: the fast result (or null when declined). */
function fast(api: ApiClient, first: string, next: string): { text: string; finishReason: string | undefined } | null {
  const sh = new SameShape(api.contentKey);
  const a = Buffer.from(first);
  const v = parsed(api, first);
  sh.learn(a, 0, a.length, v.hasChoices && v.text.length > 0, v.finishReason);
  const b = Buffer.from(`xx${next}yy`);
  const vs = sh.match(b, 2, b.length - 2);
  return vs < 0 ? null : { text: b.toString('utf8', vs, sh.valueEnd), finishReason: sh.finishReason };
}

const tok = (t: string, fin = 'null'): string => `{"id":"cmpl-1","object":"text_completion","created":7,"model":"m","choices":[{"index":0,"text":${JSON.stringify(t)},"logprobs":null,"finish_reason":${fin}}],"usage":null}`;

test('same shape: a token chunk after a token chunk is read without JSON.parse, exactly', () => {
  for (const t of ['x', ' héllo', '🙂', ' a b ', '']) {
    const r = fast(completionClient, tok(' tok'), tok(t));
    assert.ok(r, t);
    assert.equal(r.text, parsed(completionClient, tok(t)).text);
    assert.equal(r.finishReason, undefined);
  }
  const chat = (t: string): string => `{"id":"c","choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}},"finish_reason":null}]}`;
  assert.deepEqual(fast(chatClient, chat('a'), chat('bé')), { text: 'bé', finishReason: undefined });
});

test('same shape: declines whatever JSON.parse would read differently', () => {
  const first = tok(' tok');
  // finish reason, usage, another id, escapes in the value, malformed JSON, two choices
  for (const next of [
    tok('x', '"length"'),
    first.replace('"usage":null', '"usage":{"completion_tokens":2}'),
    first.replace('cmpl-1', 'cmpl-2'),
    tok('a"b'),
    tok('line\nbreak'),
    tok('back\\slash'),
    first.replace('" tok"', '" tok'),
    '{"choices":[{"text":" tok"},{"text":"b"}]}',
  ]) {
    assert.equal(fast(completionClient, first, next), null, next);
  }
  // Templates are refused when the key is not provably the content key.
  const twice = '{"choices":[{"index":0,"text":"a","finish_reason":null}],"x":{"text":"b"}}';
  assert.equal(fast(completionClient, twice, twice.replace('"a"', '"c"')), null);
  const escapedKey = '{"choices":[{"index":0,"text":"a","finish_reason":null}],"n":"q\\"u"}';
  assert.equal(fast(completionClient, escapedKey, escapedKey.replace('"a"', '"c"')), null);
  const spaced = '{"choices":[{"index":0,"text": "a","finish_reason":null}]}';
  assert.equal(fast(completionClient, spaced, spaced.replace('"a"', '"c"')), null);
  const usage = '{"choices":[],"usage":{"completion_tokens":1}}';
  assert.equal(fast(completionClient, usage, usage), null);
});

test('same shape: matchEvent reads one whole `data:` line and its blank line, never past the end', () => {
  const sh = new SameShape('text');
  const first = Buffer.from(tok(' tok'));
  sh.learn(first, 0, first.length, true, undefined);
  assert.ok(sh.canMatchEvents);
  const ev = `data: ${tok('ab')}\n\n`;
  const b = Buffer.from(`${ev}data:${tok('c')}\n\n${ev}`);
  assert.equal(sh.matchEvent(b, 0, b.length), ev.length);
  assert.equal(b.toString('utf8', sh.valueStart, sh.valueEnd), 'ab');
  assert.equal(b.toString('utf8', sh.dataStart, sh.dataEnd), tok('ab'));
  // `data:` without its space, as the framer reads it.
  const q = sh.matchEvent(b, ev.length, b.length);
  assert.equal(b.toString('utf8', sh.valueStart, sh.valueEnd), 'c');
  assert.equal(sh.matchEvent(b, q, b.length), b.length);
  // Every proper prefix of an event is declined, whatever bytes follow the end.
  for (let end = 0; end < ev.length; end++) assert.equal(sh.matchEvent(b, 0, end), -1, String(end));
  // CRLF, a second data line, no blank line, another field, an escaped value: left to the framer.
  for (const s of [`data: ${tok('a')}\r\n\r\n`, `data: ${tok('a')}\ndata: x\n\n`, `data: ${tok('a')}\nid: 1\n\n`, `event: x\n${ev}`, `data: ${tok('a"b')}\n\n`, `data: ${tok('a', '"stop"')}\n\n`]) {
    const x = Buffer.from(s);
    assert.equal(sh.matchEvent(x, 0, x.length), -1, s);
  }
  // A template joined from two data lines holds a LF: no whole-line matching.
  const joined = Buffer.from(tok(' tok').replace('"model":', '\n"model":'));
  const sh2 = new SameShape('text');
  sh2.learn(joined, 0, joined.length, true, undefined);
  assert.equal(sh2.canMatchEvents, false);
  assert.ok(sh2.match(joined, 0, joined.length) >= 0);
});

test('same shape: templates of every length mod 8, at every alignment, declined at any one changed byte', () => {
  // The prefix and suffix are compared eight, then four bytes at a time: check every byte position is seen.
  for (const id of ['c', 'cm', 'cmp', 'cmpl', 'cmpl-', 'cmpl-7', 'cmpl-7f', 'cmpl-7f3']) {
    const t = (x: string): string => `{"id":"${id}","choices":[{"index":0,"text":${JSON.stringify(x)},"finish_reason":null}]}`;
    const sh = new SameShape('text');
    const first = Buffer.from(t(' tok'));
    sh.learn(first, 0, first.length, true, undefined);
    const ev = `data: ${t('ab')}\n\n`;
    for (let off = 0; off < 8; off++) {
      // Inside a larger buffer, at an offset of its ArrayBuffer, stale bytes after the end.
      const b = Buffer.from(`${'z'.repeat(off)}${ev}${'stale"text":\\'.repeat(3)}`);
      assert.equal(sh.matchEvent(b, off, off + ev.length), off + ev.length, `${id} ${off}`);
      assert.ok(sh.match(b, off + 6, off + ev.length - 2) >= 0);
      for (let i = off; i < off + ev.length; i++) {
        const inValue = i >= off + 6 + ev.indexOf('ab') - 6 && i < off + ev.indexOf('ab') + 2;
        if (inValue) continue;
        // Another letter, and the same byte with its top bit set (a double's sign, when it is a word's last byte).
        for (const change of [(x: number): number => (x === 0x41 ? 0x42 : 0x41), (x: number): number => x ^ 0x80]) {
          const c = Buffer.from(b);
          c[i] = change(c[i]!);
          assert.equal(sh.matchEvent(c, off, off + ev.length), -1, `${id} ${off} byte ${i}`);
        }
      }
    }
  }
});

test('same shape: a template is learned from its own bytes only (a backslash or key after its end does not matter)', () => {
  const sh = new SameShape('text');
  const ev = tok(' tok');
  const b = Buffer.from(`${ev}"text":"x\\"`);
  sh.learn(b, 0, ev.length, true, undefined);
  assert.ok(sh.canMatchEvents);
  const next = Buffer.from(`data: ${tok('q')}\n\n`);
  assert.equal(sh.matchEvent(next, 0, next.length), next.length);
});

test('same shape: a released template matches nothing, and its storage serves the next response with that response\'s template only', () => {
  const a = new SameShape('text');
  const ea = Buffer.from(tok(' tok'));
  a.learn(ea, 0, ea.length, true, undefined);
  const nextA = Buffer.from(`data: ${tok('q')}\n\n`);
  assert.equal(a.matchEvent(nextA, 0, nextA.length), nextA.length);
  a.release();
  assert.equal(a.matchEvent(nextA, 0, nextA.length), -1, 'released: no match');
  assert.equal(a.match(nextA, 6, nextA.length - 2), -1);
  // The next response (another id) learns into the released storage: its template, not the old one.
  const other = (t: string): string => tok(t).replace('cmpl-1', 'cmpl-2');
  const b = new SameShape('text');
  const eb = Buffer.from(other(' tok'));
  b.learn(eb, 0, eb.length, true, undefined);
  const nextB = Buffer.from(`data: ${other('z')}\n\n`);
  assert.equal(b.matchEvent(nextB, 0, nextB.length), nextB.length);
  assert.equal(b.matchEvent(nextA, 0, nextA.length), -1, 'the old template is gone');
  assert.equal(a.matchEvent(nextB, 0, nextB.length), -1, 'the released shape does not see the new template');
  // A released shape that learns again gets storage of its own.
  a.learn(ea, 0, ea.length, true, undefined);
  assert.equal(a.matchEvent(nextA, 0, nextA.length), nextA.length);
  assert.equal(b.matchEvent(nextB, 0, nextB.length), nextB.length, 'b keeps its template');
});
