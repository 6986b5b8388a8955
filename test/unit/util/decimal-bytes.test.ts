import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ByteBuffer } from '../../../src/util/byte-buffer.ts';
import { writeDigits, writeScaled, writeUint, writeUint53 } from '../../../src/util/decimal-bytes.ts';

/** The exact decimal of n / 10^digits from BigInt arithmetic: the reference, independent of doubles. */
function exact(n: number, digits: number, pointZero: boolean): string {
  const b = BigInt(n);
  const scale = 10n ** BigInt(digits);
  const whole = (b / scale).toString();
  const frac = (b % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (frac === '') return pointZero ? `${whole}.0` : whole;
  return `${whole}.${frac}`;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('writeUint writes every magnitude of a non-negative int32 as String() does', () => {
  const out = new Uint8Array(16);
  const rnd = seeded(7);
  const values = [0, 1, 9, 10, 99, 100, 2 ** 31 - 1];
  for (let i = 0; i < 5000; i++) values.push(Math.floor(rnd() * 2 ** (1 + Math.floor(rnd() * 30))));
  for (const v of values) {
    const end = writeUint(out, 3, v);
    assert.equal(Buffer.from(out.subarray(3, end)).toString('latin1'), String(v), `v=${v}`);
  }
});

test('writeUint53 and writeDigits: every integer below 2^53 as String() does; zero-padded digits', () => {
  const out = new Uint8Array(24);
  const rnd = seeded(9);
  const values = [0, 9, 2 ** 31 - 1, 2 ** 31, 1e9, 1e9 - 1, 1e10, 999_999_999_999, 2 ** 53 - 1];
  for (let i = 0; i < 20000; i++) values.push(Math.floor(rnd() * 2 ** 21) * 2 ** 32 + Math.floor(rnd() * 2 ** 32), Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 15))));
  for (const v of values) {
    const end = writeUint53(out, 2, v);
    assert.equal(Buffer.from(out.subarray(2, end)).toString('latin1'), String(v), `v=${v}`);
  }
  for (const [v, n, s] of [[0, 3, '000'], [7, 1, '7'], [42, 9, '000000042'], [999_999_999, 9, '999999999']] as const) {
    const end = writeDigits(out, 0, v, n);
    assert.equal(Buffer.from(out.subarray(0, end)).toString('latin1'), s);
  }
});

test('writeScaled writes the exact decimal of n / 1e6 and n / 1e9 at every magnitude, trailing zeros dropped', () => {
  const out = new Uint8Array(40);
  const rnd = seeded(11);
  const ns = [0, 1, 999_999, 1_000_000, 1_000_001, 1e15 - 1, 123_000_000, 5e14, 2 ** 31 * 1e6, 2 ** 33 * 1e6 - 1, 2 ** 53 - 1];
  for (let i = 0; i < 20000; i++) ns.push(Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 15))), Math.floor(rnd() * 2 ** 53));
  for (const n of ns) {
    for (const [scale, digits] of [
      [1e6, 6],
      [1e9, 9],
    ] as const) {
      for (const pointZero of [false, true]) {
        const end = writeScaled(out, 1, n, scale, pointZero);
        const got = Buffer.from(out.subarray(1, end)).toString('latin1');
        assert.equal(got, exact(n, digits, pointZero), `n=${n} scale=${scale} pointZero=${pointZero}`);
      }
    }
  }
});

test('ByteBuffer grows without losing what was written, and copies bytes and ASCII text exactly', () => {
  const b = new ByteBuffer(2);
  b.bytes(Buffer.from('"key":'));
  b.ascii('1.5e-7');
  b.byte(44);
  b.bytes(Buffer.alloc(100, 97));
  assert.equal(b.buf.subarray(0, b.pos).toString('latin1'), `"key":1.5e-7,${'a'.repeat(100)}`);
});
