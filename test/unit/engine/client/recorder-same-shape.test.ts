/**
 * The recorder frames and matches whole same-shape events in one pass (SameShape.matchEvent) when
 * its framer is between events. That must never change a record: here random SSE bodies (token
 * chunks of several shapes, escapes, CR / CRLF line ends, `data:` with and without its space, data
 * split over two lines, comments and id lines, a BOM) cut at random points are fed to a Recorder
 * and compared with the plain reading — SseByteFramer, JSON.parse and the API's readChunk on every
 * event, each event stamped with the read that completed it. The bytes after each read's end are
 * the rest of the body, so a read past the end would show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionClient, chatClient, type ApiClient, type ChunkView } from '../../../../src/engine/client/api.ts';
import { rawBody, rawChunks } from '../../../../src/engine/client/raw.ts';
import { Recorder } from '../../../../src/engine/client/recorder.ts';
import { SseByteFramer } from '../../../../src/engine/client/sse-bytes.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [' tok', ' tok', ' tok', 'a', '', 'é', 'a"b', 'x\ny', '🙂', 'back\\slash', ' \t'];

function payload(api: ApiClient, text: string, id: string, fin: string | null, r: () => number): string {
  const t = JSON.stringify(text);
  const f = fin === null ? 'null' : JSON.stringify(fin);
  const body =
    api === chatClient
      ? `{"id":"${id}","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${t}},"finish_reason":${f}}]}`
      : `{"id":"${id}","object":"text_completion","model":"m","choices":[{"index":0,"text":${t},"finish_reason":${f}}]}`;
  // Now and then a payload with whitespace JSON.parse accepts (a template the fast path must refuse or match exactly).
  return r() < 0.05 ? body.replace('"model":', '"model": ') : body;
}

/** One SSE body as bytes: token events of varying shape, a finish event, usage, [DONE]. */
function body(api: ApiClient, r: () => number): Buffer {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  // One line end per event: a CR line end followed by an LF one would be one CRLF line end.
  let end = '\n';
  const nl = (): string => end;
  const sp = (): string => (r() < 0.85 ? ' ' : '');
  let s = r() < 0.05 ? '\ufeff' : '';
  const n = 5 + Math.floor(r() * 40);
  let id = 'x';
  for (let i = 0; i < n; i++) {
    end = r() < 0.9 ? '\n' : pick(['\r\n', '\r']);
    if (r() < 0.03) id = pick(['x', 'y', 'cmpl-7']);
    if (r() < 0.04) s += `: ping${nl()}`;
    if (r() < 0.03) s += `id: ${i}${nl()}`;
    const p = payload(api, pick(TEXTS), id, null, r);
    if (r() < 0.04) {
      const cut = p.indexOf('"choices"');
      s += `data:${sp()}${p.slice(0, cut)}${nl()}data:${sp()}${p.slice(cut)}${nl()}${nl()}`;
    } else s += `data:${sp()}${p}${nl()}${nl()}`;
  }
  s += `data: ${payload(api, '', id, 'length', r)}${nl()}${nl()}`;
  s += `data: {"id":"${id}","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":${n}}}${nl()}${nl()}`;
  s += `data: [DONE]${nl()}${nl()}`;
  return Buffer.from(s);
}

/** Read boundaries: mostly whole events (as a server writes them), sometimes anywhere. */
function cuts(b: Buffer, r: () => number): number[] {
  const out: number[] = [];
  let p = 0;
  while (p < b.length) {
    let q: number;
    const u = r();
    if (u < 0.5) {
      // Up to the end of a blank line (one or a few events), as one HTTP chunk per event gives.
      q = p;
      const k = 1 + Math.floor(r() * 3);
      for (let j = 0; j < k && q < b.length; j++) {
        const e = b.indexOf('\n\n', q);
        q = e < 0 ? b.length : e + 2;
      }
    } else if (u < 0.8) q = p + 1 + Math.floor(r() * 12);
    else q = p + 1 + Math.floor(r() * 300);
    q = Math.min(q, b.length);
    out.push(q);
    p = q;
  }
  return out;
}

interface Read {
  times: number[];
  texts: string[];
  payloads: string[];
  choiceEvents: number;
  finish: string | undefined;
  done: boolean;
}

/** The plain reading: every event framed by SseByteFramer and JSON.parse'd, stamped with its read. */
function plain(api: ApiClient, b: Buffer, ends: number[]): Read {
  const out: Read = { times: [], texts: [], payloads: [], choiceEvents: 0, finish: undefined, done: false };
  let t = 0;
  const f = new SseByteFramer((buf, s, e) => {
    const d = buf.toString('utf8', s, e);
    if (d === '[DONE]') {
      out.done = true;
      return;
    }
    const v: ChunkView = { text: '', hasChoices: false, finishReason: undefined };
    api.readChunk(JSON.parse(d) as Record<string, unknown>, v);
    if (!v.hasChoices) return;
    out.choiceEvents++;
    if (v.finishReason !== undefined) out.finish = v.finishReason;
    if (v.text.length > 0) {
      out.times.push(t);
      out.texts.push(v.text);
      out.payloads.push(d);
    }
  });
  let p = 0;
  ends.forEach((q, i) => {
    t = 100 + i;
    f.push(b, p, q);
    p = q;
  });
  t = 100 + ends.length;
  f.end();
  return out;
}

function recorded(api: ApiClient, b: Buffer, ends: number[]): RequestRecord {
  const rec: RequestRecord = { id: 0, stage: 0, worker: 0, api: api.kind, stream: true, scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [], chunkTokens: [], endAtMs: 0 };
  let got: RequestRecord | undefined;
  const r = new Recorder(rec, api, { keepText: true, keepRaw: true, maxErrorBodyChars: 1024 }, true, (x) => (got = x));
  r.onHeaders(200, 'text/event-stream', 1);
  let p = 0;
  ends.forEach((q, i) => {
    // The read's bytes at an offset in a larger buffer whose bytes after the read are the body's next ones.
    const buf = Buffer.concat([Buffer.from('zzzz'), b]);
    r.onData(buf, p + 4, q + 4, 100 + i);
    buf.fill(0x7a);
    p = q;
  });
  r.onEnd(100 + ends.length);
  assert.ok(got);
  return got;
}

test('recorder: the one-pass same-shape reading gives the plain reading, for any cut of any body', () => {
  let fastEligible = 0;
  for (let seed = 1; seed <= 1500; seed++) {
    const r = rng(seed);
    const api = seed % 3 === 0 ? chatClient : completionClient;
    const b = body(api, r);
    const ends = cuts(b, r);
    const want = plain(api, b, ends);
    const got = recorded(api, b, ends);
    const where = `seed ${seed}`;
    assert.equal(got.error, undefined, where);
    assert.deepEqual(got.chunkTimesMs, want.times, where);
    assert.equal(got.outputText, want.texts.join(''), where);
    assert.equal(got.choiceEventCount, want.choiceEvents, where);
    assert.equal(got.finishReason, want.finish, where);
    assert.equal(got.doneSeen, want.done || undefined, where);
    assert.equal(got.completionTokensServer, Number(/"completion_tokens":(\d+)/.exec(b.toString())![1]), where);
    assert.ok(got.raw && 'bytes' in got.raw, where);
    assert.equal(rawBody(got.raw), new TextDecoder().decode(b), where);
    assert.deepEqual(rawChunks(got.raw), want.payloads, where);
    let same = 0;
    for (let i = 1; i < want.times.length; i++) if (want.times[i] === want.times[i - 1]) same++;
    assert.equal(got.sameReadChunks, same, where);
    fastEligible += want.times.length;
  }
  assert.ok(fastEligible > 10_000);
});

test('recorder: a kept payload noted as matching template j is its prefix + a value JSON does not escape + its suffix', () => {
  let matched = 0;
  let changes = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const r = rng(seed);
    const api = seed % 3 === 0 ? chatClient : completionClient;
    const b = body(api, r);
    const got = recorded(api, b, cuts(b, r));
    const raw = got.raw;
    assert.ok(raw && 'bytes' in raw && raw.shapeOf && raw.shapeLens, `seed ${seed}`);
    const { bytes, chunkSpans: sp, shapeOf, shapeLens: lens } = raw;
    assert.equal(shapeOf.length * 2, sp.length);
    const pre = new Map<number, string>();
    const suf = new Map<number, string>();
    const latin1 = (a: number, z: number): string => Buffer.from(bytes.buffer, bytes.byteOffset + a, z - a).toString('latin1');
    for (let i = 0; i < shapeOf.length; i++) {
      const j = shapeOf[i]!;
      if (j < 0) continue;
      const a = sp[2 * i]!;
      const z = sp[2 * i + 1]!;
      const where = `seed ${seed} event ${i}`;
      assert.ok(a >= 0 && j < lens.length / 2, where);
      const vs = a + lens[2 * j]!;
      const ve = z - lens[2 * j + 1]!;
      assert.ok(vs <= ve, where);
      for (let p = vs; p < ve; p++) assert.ok(bytes[p]! >= 32 && bytes[p] !== 34 && bytes[p] !== 92, where);
      // The prefix ends at the value's opening quote, the suffix starts at its closing one.
      assert.equal(bytes[vs - 1], 34, where);
      assert.equal(bytes[ve], 34, where);
      assert.equal(pre.get(j) ?? latin1(a, vs), latin1(a, vs), where);
      assert.equal(suf.get(j) ?? latin1(ve, z), latin1(ve, z), where);
      pre.set(j, latin1(a, vs));
      suf.set(j, latin1(ve, z));
      // What the payload says, JSON.parse'd: the value is its text.
      const text = latin1(vs, ve);
      const o = JSON.parse(Buffer.from(latin1(a, z), 'latin1').toString('utf8')) as { choices: [{ text?: string; delta?: { content: string } }] };
      assert.equal(Buffer.from(o.choices[0].text ?? o.choices[0].delta!.content).toString('latin1'), text, where);
      matched++;
    }
    // Templates noted in order of first use, each used.
    assert.deepEqual([...new Set(shapeOf.filter((j) => j >= 0))], Array.from({ length: lens.length / 2 }, (_, k) => k), `seed ${seed}`);
    if (lens.length > 2) changes++;
  }
  assert.ok(matched > 3000, `${matched} matched`);
  assert.ok(changes > 20, `${changes} responses with a template change`);
});
