import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { resolveIpConfig } from '../../../../src/harness/inference-perf/config-map.ts';
import { PER_REQUEST_JSON, PerRequestWriter, perRequestEntry, writeEntry } from '../../../../src/harness/inference-perf/per-request.ts';
import { JsonBytes } from '../../../../src/harness/inference-perf/json-bytes.ts';
import { pyFloat, pyJson } from '../../../../src/harness/inference-perf/py-json.ts';
import { Rng } from '../../../../src/util/rng.ts';

// Texts that exercise every escape: quotes, backslashes, control characters, DEL, non-ASCII,
// astral characters (surrogate pairs), a lone surrogate, U+2028, and plain text.
const TEXTS = [' tok', 'a"b\\c', 'line\nbreak\r\ttab\b\f', '\u0000\u001f\u007f', 'é ü ñ', '日本語', '😀 emoji', 'lone \ud800 surrogate', '\u2028\u2029', ''];

function record(rng: Rng, i: number): { rec: RequestRecord; body: unknown } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.float() * xs.length)]!;
  const n = Math.floor(rng.float() * 6);
  const sent = 1000 * rng.float() * 10 ** Math.floor(rng.float() * 8);
  const chunkTimesMs = Array.from({ length: n }, (_, k) => sent + k * 7.25 + rng.float());
  // Chunks of one read share its stamp (a repeat is written as a copy of the bytes before); ±0 must stay apart.
  if (i % 5 === 3) for (let k = 1; k < n; k++) if (rng.float() < 0.6) chunkTimesMs[k] = chunkTimesMs[k - 1]!;
  if (i % 50 === 7) chunkTimesMs.splice(0, chunkTimesMs.length, 0, -0, -0, 0, 0, 1e-9, 1e-9, Math.round(sent * 1e6) / 1e6, Math.round(sent * 1e6) / 1e6);
  const chunks = chunkTimesMs.map(() => JSON.stringify({ id: 'c', choices: [{ index: 0, text: pick(TEXTS), finish_reason: null }] }));
  const usage = pick([null, { prompt_tokens: 4, total_tokens: 9, completion_tokens: 5 }, { prompt_tokens: 4, completion_tokens: 2.5, prompt_tokens_details: { cached_tokens: 0 }, extra: [1, 'é', null, {}] }]);
  const rec: RequestRecord = {
    id: i,
    stage: 0,
    worker: 0,
    api: 'completion',
    scheduledAtMs: sent,
    sentAtMs: pick([sent, 0, 1e-9, 123456789012345680]),
    chunkTimesMs,
    chunkTokens: chunkTimesMs.map(() => pick([1, 2, 0])),
    endAtMs: sent + 99.5,
    httpStatus: 200,
  };
  const text = chunks.map((c) => `data: ${c}\n\n`).join('') + 'data: [DONE]\n\n';
  if (i % 3 === 0) rec.raw = { body: text, chunks, usage };
  else if (i % 3 === 1) rec.outputText = pick(TEXTS);
  else {
    // As the client keeps it: the bytes, each payload located in them or (sometimes) kept as text.
    const bytes = Buffer.from(`${i % 11 === 2 ? '\ufeff' : ''}${text}`);
    const chunkSpans: number[] = [];
    const chunkTexts: string[] = [];
    let from = 0;
    for (const c of chunks) {
      const b = Buffer.from(c);
      const at = bytes.indexOf(b, from);
      from = at + b.length;
      if (rng.float() < 0.2) {
        chunkSpans.push(-1 - chunkTexts.length, 0);
        chunkTexts.push(c);
      } else chunkSpans.push(at, at + b.length);
    }
    rec.raw = { bytes, chunkSpans, chunkTexts, usage };
    // Raw control bytes and every escape in a body (an error body, a server's odd stream).
    if (i % 13 === 5) rec.raw = { bytes: Buffer.from('odd \t\u0001\u001f\u007f\r\n\b\f"\\ body'), chunkSpans: [], chunkTexts: [], usage };
  }
  if (i % 4 === 0) rec.promptTokensServer = 7;
  if (i % 5 === 0) rec.promptTokensClient = 6;
  if (i % 6 === 0) rec.completionTokensServer = n;
  if (i % 7 === 0) rec.cachedPromptTokensServer = 2;
  if (i % 8 === 0) rec.stream = false;
  if (i % 9 === 0) {
    rec.error = { label: pick(['timeout', 'http_5xx', 'malformed_json', 'other'] as const), message: `boom ${pick(TEXTS)}` };
    if (rec.error.label === 'http_5xx') rec.httpStatus = 503;
  }
  const body = pick<unknown>([{ model: 'm', prompt: pick(TEXTS), max_tokens: 3 }, 'already text é', null, undefined]);
  return { rec, body };
}

test('writeEntry gives pyJson(perRequestEntry(...)) byte for byte on varied records (text and byte responses)', () => {
  const rng = new Rng(13);
  for (let i = 0; i < 3000; i++) {
    const { rec, body } = record(rng, i);
    for (const perToken of [true, false]) {
      const want = pyJson(perRequestEntry(rec, body, perToken), PER_REQUEST_JSON, '  ');
      const out = new JsonBytes(16);
      writeEntry(out, rec, body, perToken);
      assert.equal(out.take(0).toString('latin1'), want, `record ${i} perToken ${perToken}`);
      // A record posted from a worker thread (structured clone: the bytes arrive as a Uint8Array).
      writeEntry(out, structuredClone(rec), body, perToken);
      assert.equal(out.take(0).toString('latin1'), want, `record ${i} perToken ${perToken}, cloned`);
    }
  }
});

test('pyFloat: the plain-decimal fast path gives what the exponent rule gives', () => {
  const slow = (x: number): string => {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const exp = Number(e);
    if (exp >= -4 && exp < 16) return Number.isInteger(x) ? `${x}.0` : String(x);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  };
  const xs = [1e-4, 9.999999999999999e-5, 1.0000000000000002e-4, 1e16, 9999999999999998, 1e16 + 2, 0.5, 123.456, 1789.123456789, 1e15, 12345678901234.5];
  const rng = new Rng(7);
  for (let i = 0; i < 5000; i++) xs.push((rng.float() - 0.5) * 10 ** Math.floor(rng.float() * 40 - 20));
  for (const x of xs) {
    assert.equal(pyFloat(x), slow(x), String(x));
    assert.equal(pyFloat(-x), slow(-x), String(-x));
  }
});

test('PerRequestWriter: the file from addRecord (batched, ASCII-escaped per batch) equals the one from add(perRequestEntry)', async () => {
  const cfg = resolveIpConfig({ api: { streaming: true }, report: { request_lifecycle: { per_request: true } } }, { cpuCount: 2 });
  const rng = new Rng(99);
  const recs = Array.from({ length: 3000 }, (_, i) => record(rng, i));
  // Big responses so the entries span several batches.
  for (const [k, { rec }] of recs.entries()) if (k % 10 === 0) rec.outputText = `${'x'.repeat(4000)}${k % 20 === 0 ? 'é' : ''}`;
  const files: string[] = [];
  for (const how of ['entry', 'record', 'none'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'ip-per-request-'));
    const w = new PerRequestWriter(dir, cfg);
    if (how !== 'none') {
      for (const { rec, body } of recs) {
        if (how === 'entry') w.add(perRequestEntry(rec, body, true));
        else w.addRecord(rec, body, true);
      }
    }
    await w.close();
    files.push(readFileSync(join(dir, w.name), 'utf8'));
  }
  assert.ok(files[0]!.length > 3 << 20, 'several batches');
  assert.equal(files[1], files[0]);
  assert.equal(files[2], '[]');
  assert.equal(JSON.parse(files[0]!).length, 3000);
  assert.match(files[0]!, /\\u00e9/);
  assert.equal(Buffer.byteLength(files[0]!), files[0]!.length, 'ASCII only');
});
