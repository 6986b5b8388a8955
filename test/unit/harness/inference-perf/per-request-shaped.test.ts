/**
 * writeEntry escapes a same-shape template once per response and copies its values unescaped
 * (RawBytes.shapeOf). The bytes must stay the reference serializer's: here streamed responses are
 * read by the client's real Recorder (keepRaw) from random reads of bodies mixing token chunks
 * that match a template, template changes, finish and usage chunks, texts with escapes, data split
 * over two lines, CR / CRLF line ends, `data:` without its space and non-ASCII text, and each
 * entry is compared with pyJson(perRequestEntry(...)) — and with the entry written without the
 * template notes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatClient, completionClient, type ApiClient } from '../../../../src/engine/client/api.ts';
import { Recorder } from '../../../../src/engine/client/recorder.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { JsonBytes } from '../../../../src/harness/inference-perf/json-bytes.ts';
import { PER_REQUEST_JSON, perRequestEntry, writeEntry } from '../../../../src/harness/inference-perf/per-request.ts';
import { pyJson } from '../../../../src/harness/inference-perf/py-json.ts';
import { Rng } from '../../../../src/util/rng.ts';

// Mostly plain tokens (they match), some with a byte JSON escapes (they do not), a long one (a native copy), DEL.
const TEXTS = [' tok', ' tok', ' the', 'x', ' '.repeat(3) + 'y', 'a"b', 'back\\slash', 'tab\there', 'x\ny', 'ctl\u0001', '\u007f', 'L'.repeat(200)];

function payload(api: ApiClient, text: string, id: string, fin: string | null): string {
  const t = JSON.stringify(text);
  const f = fin === null ? 'null' : JSON.stringify(fin);
  return api === chatClient
    ? `{"id":"${id}","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${t}},"finish_reason":${f}}]}`
    : `{"id":"${id}","object":"text_completion","model":"m","choices":[{"index":0,"text":${t},"finish_reason":${f}}]}`;
}

function sseBody(api: ApiClient, rng: Rng): Buffer {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng.float() * a.length)]!;
  const n = 3 + Math.floor(rng.float() * 40);
  const ascii = rng.float() < 0.9;
  let s = '';
  let id = 'x';
  for (let i = 0; i < n; i++) {
    const nl = rng.float() < 0.93 ? '\n' : pick(['\r\n', '\r']);
    const sp = rng.float() < 0.9 ? ' ' : '';
    // A new template (another id) now and then.
    if (rng.float() < 0.05) id = pick(['x', 'y', 'cmpl-7"q']);
    const p = payload(api, ascii || rng.float() < 0.8 ? pick(TEXTS) : 'é', id, null);
    if (rng.float() < 0.04) {
      const cut = p.indexOf('"choices"');
      s += `data:${sp}${p.slice(0, cut)}${nl}data:${sp}${p.slice(cut)}${nl}${nl}`;
    } else s += `data:${sp}${p}${nl}${nl}`;
  }
  s += `data: ${payload(api, '', id, 'length')}\n\n`;
  s += `data: {"id":"${id}","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":${n}}}\n\n`;
  s += 'data: [DONE]\n\n';
  return Buffer.from(s);
}

/** The body through a Recorder (keepRaw) in reads of whole events or random cuts. */
function recorded(api: ApiClient, b: Buffer, rng: Rng, id: number): RequestRecord {
  const rec: RequestRecord = { id, stage: 0, worker: 0, api: api.kind, stream: true, scheduledAtMs: 0, sentAtMs: 0.5, chunkTimesMs: [], chunkTokens: [], endAtMs: 0 };
  let got: RequestRecord | undefined;
  const r = new Recorder(rec, api, { keepText: false, keepRaw: true, maxErrorBodyChars: 1024 }, false, (x) => (got = x));
  r.onHeaders(200, 'text/event-stream', 1);
  let p = 0;
  let t = 100;
  while (p < b.length) {
    let q = rng.float() < 0.6 ? b.indexOf('\n\n', p) + 2 : p + 1 + Math.floor(rng.float() * 200);
    if (q <= p || q > b.length) q = b.length;
    r.onData(b, p, q, (t += 0.25));
    p = q;
  }
  r.onEnd(t + 1);
  assert.ok(got);
  return got;
}

test('writeEntry: responses whose events match a template (some, none, several templates) give the reference bytes', () => {
  const rng = new Rng(2027);
  let shaped = 0;
  let unshaped = 0;
  for (let i = 0; i < 1500; i++) {
    const api = i % 3 === 0 ? chatClient : completionClient;
    const rec = recorded(api, sseBody(api, rng), rng, i);
    const raw = rec.raw;
    assert.ok(raw && 'bytes' in raw && raw.shapeOf);
    const n = raw.shapeOf.filter((j) => j >= 0).length;
    shaped += n;
    unshaped += raw.shapeOf.length - n;
    const want = pyJson(perRequestEntry(rec, { prompt: 'p' }, true), PER_REQUEST_JSON, '  ');
    const out = new JsonBytes(16);
    writeEntry(out, rec, { prompt: 'p' }, true);
    assert.equal(out.take(0).toString('latin1'), want, `record ${i}`);
    // Posted from a worker thread (structured clone), and without the template notes: the same bytes.
    writeEntry(out, structuredClone(rec), { prompt: 'p' }, true);
    assert.equal(out.take(0).toString('latin1'), want, `record ${i}, cloned`);
    writeEntry(out, { ...rec, raw: { ...raw, shapeOf: undefined, shapeLens: undefined } }, { prompt: 'p' }, true);
    assert.equal(out.take(0).toString('latin1'), want, `record ${i}, no template notes`);
  }
  assert.ok(shaped > 5000 && unshaped > 5000, `${shaped} matched, ${unshaped} not`);
});
