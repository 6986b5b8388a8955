import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FALLBACK, parseRecordLine, parseRecordLineInto, recordSlot, type RecordSlot } from '../../../../src/engine/record/line-parser.ts';

/**
 * The reader's byte-level parser must give exactly JSON.parse's records (values, -0, key order)
 * for every line it takes, and take no line JSON.parse refuses (the reader then reports it).
 */

const base = { id: 7, stage: 2, worker: 0, api: 'completion', stream: true, scheduledAtMs: 1000010.4047441451, sentAtMs: 1000010.4080537148, dispatchedAtMs: 1000010.3080537148, headersAtMs: 1000011.4080537148 };
const ok = { ...base, chunkTimesMs: [1000103.695483, 1000129.896073, 1000140.145306], chunkTokens: [1, 2, 1], endAtMs: 1000140.645306, httpStatus: 200, finishReason: 'length', promptTokensServer: 113, completionTokensServer: 4, maxTokens: 4, firstChoiceAtMs: 1000103.695483, lastChoiceAtMs: 1000140.145306, choiceEventCount: 3, doneSeen: true, requestBytes: 2000, sameReadChunks: 0 };
const failed = { ...base, chunkTimesMs: [], chunkTokens: [], endAtMs: 1000015.5, httpStatus: 500, error: { label: 'http_5xx', message: 'HTTP 500: Internal Server Error' } };

/** Lines the writer can write (JSON.stringify of records), with awkward values. */
const LINES: string[] = [
  JSON.stringify(ok),
  JSON.stringify(failed),
  JSON.stringify({ ...ok, stream: false, chunkTimesMs: [], chunkTokens: [], outputText: 'plain text' }),
  JSON.stringify({ ...ok, tags: { phase: 'warmup', group: 3, session: 's-1' }, promptTokensClient: 12, completionTokensClient: 5, cachedPromptTokensServer: 0 }),
  JSON.stringify({ ...ok, outputText: 'héllo wörld — 日本語 🎉' }), // non-ASCII: UTF-8 decoded
  JSON.stringify({ ...ok, outputText: 'line\nbreak "quoted" \\ tab\t \u0001' }), // escapes: fallback
  JSON.stringify({ ...failed, error: { label: 'other', message: 'a "quoted" message\nsecond line' } }),
  JSON.stringify({ ...ok, sentAtMs: -0, endAtMs: -12.5, scheduledAtMs: 0, headersAtMs: 1e21, dispatchedAtMs: 1.5e-7 }),
  JSON.stringify({ ...ok, chunkTimesMs: [0, -0, 1e-7, 5e-324, 1.7976931348623157e308, 123456789012345680000, 0.1, 0.30000000000000004, 2 ** 53 + 2, 2 ** 52 + 0.5, 1e22, 1e23] }),
  JSON.stringify({ ...ok, chunkTimesMs: [NaN, Infinity, 1] }), // nulls in an array
  JSON.stringify({ ...ok, httpStatus: undefined, finishReason: null, maxTokens: NaN }),
  JSON.stringify({ id: 1, stage: 0, worker: 0, api: 'chat', scheduledAtMs: 0, sentAtMs: 0, chunkTimesMs: [], chunkTokens: [], endAtMs: 1 }), // minimal
  JSON.stringify({ chunkTokens: [3], endAtMs: 9, id: 4, chunkTimesMs: [8], stage: 1, worker: 2, api: 'chat', scheduledAtMs: 1, sentAtMs: 2 }), // another key order
  JSON.stringify({ ...ok, tags: {} }),
  '{"id":1,"tags":{"__proto__":"x"},"chunkTimesMs":[],"chunkTokens":[],"endAtMs":1}', // JSON.parse makes an own __proto__ key: fallback
  '{"id":1,"id":2,"stage":0,"worker":0,"api":"chat","scheduledAtMs":0,"sentAtMs":0,"chunkTimesMs":[1],"chunkTimesMs":[2,3],"chunkTokens":[1,1],"endAtMs":4}', // duplicate keys: last wins
  '{"id":1,"stage":0,"unknownKey":{"a":[1,{"b":null}]},"chunkTimesMs":[],"chunkTokens":[],"endAtMs":1}', // unknown key: fallback
  '{"id":1.0,"stage":1E2,"worker":2e+1,"api":"chat","scheduledAtMs":-1.25e-3,"sentAtMs":123.4560,"chunkTimesMs":[0.000001,100000000000000000000000],"chunkTokens":[1e0],"endAtMs":00.5}', // not what JSON.stringify writes (00.5 is not JSON)
  '{"id":1,"stage":0,"worker":0,"api":"chat","scheduledAtMs":0,"sentAtMs":1.0e400,"chunkTimesMs":[],"chunkTokens":[],"endAtMs":-1e-400}',
  '{"id":1.5e-5,"stage":0.1e1,"worker":0,"api":"","scheduledAtMs":12345678901234567890123,"sentAtMs":0.12345678901234567890,"chunkTimesMs":[],"chunkTokens":[],"endAtMs":1}',
  '{}',
  '{"id":1}',
  ' {"id":1}',
  '{"id":1} ',
  '{"id" : 1}',
  '{"id":1,}',
  '{"id":01}',
  '{"id":1.}',
  '{"id":.5}',
  '{"id":-}',
  '{"id":1e}',
  '{"id":+1}',
  '{"id":0x10}',
  '{"id":tru}',
  '{"id":truex}',
  '{"id":nul}',
  '{"id":fals}',
  '{"id":"unterminated}',
  '{"id":[1,2}',
  '{"id":[1,,2]}',
  '{"id":[1 ,2]}',
  '{"id":{"a":1}}x',
  '{"i\\u0064":1}',
  '{"id":"\u0007"}',
  '{"id":1,"stage":0,"chunkTimesMs":[1000103.695483,1000129.8960',
  '{"id":1,"stage":0,"chunkTimesMs":[1000103.695483,1000129.8960]',
  '{"id":1,"stage":0,"error":{"label":"x","message":"y"}',
  '{"a":{"b":{"c":{"d":1}}}}',
  '[1,2,3]',
  '"string"',
  '12',
  '',
  'not json',
];

/** JSON.parse's answer, or undefined when it throws. */
function reference(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** Same values with -0 kept apart from 0, and the same keys in the same order. */
function assertSame(got: unknown, want: unknown, line: string): void {
  assert.deepStrictEqual(got, want, line);
  assert.equal(JSON.stringify(got, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v)), JSON.stringify(want, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v)), line);
}

function checkFresh(line: string): 'fast' | 'fallback' {
  const bytes = Buffer.from(`x${line}\n`, 'utf8'); // not at offset 0, terminator after it
  const got = parseRecordLine(bytes, 1, bytes.length - 1);
  const want = reference(line);
  if (got === FALLBACK) return 'fallback';
  assert.notEqual(want, undefined, `took a line JSON.parse refuses: ${line}`);
  assertSame(got, want, line);
  return 'fast';
}

const KEYS = Object.keys(recordSlot().record);

function checkInto(line: string, into: RecordSlot): 'fast' | 'fallback' {
  const bytes = Buffer.from(`${line}\r\n`, 'utf8');
  if (!parseRecordLineInto(bytes, 0, bytes.length - 2, into)) return 'fallback';
  const want = reference(line) as Record<string, unknown> | undefined;
  assert.notEqual(want, undefined, `took a line JSON.parse refuses: ${line}`);
  for (const k of Object.keys(want!)) assert.ok(KEYS.includes(k), `took a line with key ${k}`);
  const got = into.record as unknown as Record<string, unknown>;
  for (const k of KEYS) assertSame(got[k], want![k], `${line} [${k}]`);
  return 'fast';
}

test('parseRecordLine: exactly JSON.parse on every line it takes; falls back on escapes, whitespace, unknown shapes and every invalid line', () => {
  const fast = LINES.filter((l) => checkFresh(l) === 'fast');
  // The writer's usual lines take the fast path (failures and awkward numbers included).
  for (const i of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 19]) assert.ok(fast.includes(LINES[i]!), `expected the fast path: ${LINES[i]}`);
  for (const i of [5, 6, 14]) assert.ok(!fast.includes(LINES[i]!), `expected a fallback: ${LINES[i]}`);
});

test('parseRecordLineInto: the reused record holds JSON.parse\'s values (undefined for absent keys), line after line', () => {
  const into = recordSlot();
  let fast = 0;
  // Twice over, in both orders: nothing of one line may leak into the next.
  for (const l of [...LINES, ...[...LINES].reverse()]) if (checkInto(l, into) === 'fast') fast++;
  assert.ok(fast >= 20, `fast path taken ${fast} times`);
  assert.equal(checkInto('{"id":1,"stage":0,"chunkTimesMs":[1,null],"chunkTokens":[],"endAtMs":1}', into), 'fallback'); // a null in an array
  assert.equal(checkInto('{"id":1,"stage":0,"chunkTokens":[],"endAtMs":1}', into), 'fallback'); // no chunkTimesMs
});

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('numbers: random doubles of every magnitude and digit count parse exactly as JSON.parse', () => {
  const rnd = rng(42);
  const into = recordSlot();
  for (let round = 0; round < 150; round++) {
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const kind = Math.floor(rnd() * 6);
      const v =
        kind === 0
          ? rnd() * 10 ** Math.floor(rnd() * 40 - 20) // any magnitude, 16–17 digits
          : kind === 1
            ? Math.round(rnd() * 1e9) / 10 ** Math.floor(rnd() * 9) // short decimals (the clock's)
            : kind === 2
              ? new Float64Array(new BigUint64Array([BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32))]).buffer)[0]! // any bit pattern
              : kind === 3
                ? Math.floor(rnd() * 2 ** 53) // integers up to 2^53
                : kind === 4
                  ? 1e6 + rnd() * 1e6 // monotonic-clock-like
                  : -rnd() * 1e-5;
      times.push(v);
    }
    const line = JSON.stringify({ ...ok, chunkTimesMs: times, chunkTokens: times.map(() => 1), sentAtMs: times[0], endAtMs: times[1] });
    assert.equal(checkFresh(line), 'fast');
    assert.equal(checkInto(line, into), 'fast');
  }
});

test('random byte damage: a damaged line is never taken unless JSON.parse takes it, and then equals it', () => {
  const rnd = rng(7);
  const sources = LINES.slice(0, 13);
  const alphabet = '{}[]":,.-+eE0123456789 \\tnulfase\u00e9x';
  let taken = 0;
  for (let i = 0; i < 6000; i++) {
    const src = sources[i % sources.length]!;
    const chars = [...src];
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * chars.length);
      const op = rnd();
      const c = alphabet[Math.floor(rnd() * alphabet.length)]!;
      if (op < 0.4) chars[at] = c;
      else if (op < 0.7) chars.splice(at, 1);
      else chars.splice(at, 0, c);
    }
    const line = chars.join('');
    if (checkFresh(line) === 'fast') taken++;
    checkInto(line, recordSlot());
  }
  assert.ok(taken > 300, `damaged lines still valid and taken: ${taken}`);
});
