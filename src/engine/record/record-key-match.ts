/**
 * Which of RequestRecord's keys (record-keys.ts) a records.jsonl line's key is, from its bytes and
 * without a string per key: records repeat their keys in one order, so the key that followed the
 * previous one last time is tried first; any other key is found by a perfect hash of the table's
 * keys (built at load: the first multiplier that gives every key its own slot).
 */
import { input, lineEnd, pos, seek } from './json-scan.ts';
import { N_KEYS, RECORD_KEYS, type KeyIdx } from './record-keys.ts';

/** The index in RECORD_KEYS of the key at the position (moved past its closing quote), or -1. */
export function recordKey(prev: number): KeyIdx | -1 {
  // Records repeat their keys in one order: try the key that followed `prev` last time first.
  const b = input();
  const end = lineEnd();
  const s = pos() + 1;
  const guess = NEXT_KEY[prev + 1]!;
  if (guess >= 0) {
    const known = KEY_BYTES[guess]!;
    const n = known.length;
    if (s + n < end && b[s + n] === 0x22) {
      let j = 0;
      while (j < n && known[j] === b[s + j]) j++;
      if (j === n) {
        seek(s + n + 1);
        return guess as KeyIdx;
      }
    }
  }
  const k = lookupKey(b, s, end);
  if (k >= 0) NEXT_KEY[prev + 1] = k;
  return k;
}

/** The key starting at s by its perfect hash (moves past its closing quote when it ends in the line). */
function lookupKey(b: Uint8Array, s: number, end: number): KeyIdx | -1 {
  let i = s;
  let h = 0;
  for (;;) {
    if (i >= end) {
      seek(i);
      return -1;
    }
    const c = b[i]!;
    if (c === 0x22) break;
    if (c === 0x5c || c < 0x20 || c >= 0x80) {
      seek(i);
      return -1;
    }
    h = (Math.imul(h, 31) + c) | 0;
    i++;
  }
  const n = i - s;
  seek(i + 1);
  const k = KEY_SLOT[Math.imul(h ^ n, KEY_MUL) >>> 23]!;
  if (k < 0) return -1;
  const known = KEY_BYTES[k]!;
  if (known.length !== n) return -1;
  for (let j = 0; j < n; j++) if (known[j] !== b[s + j]) return -1;
  return k as KeyIdx;
}

const KEY_SLOTS = 512;
const KEY_BYTES = RECORD_KEYS.map((k) => new Uint8Array(Buffer.from(k, 'latin1')));
/** The key that followed key i − 1 (index 0: the first key) in the last record, −1 before any. */
const NEXT_KEY = new Int8Array(N_KEYS + 1).fill(-1);
const keyHash = (k: Uint8Array): number => {
  let h = 0;
  for (const c of k) h = (Math.imul(h, 31) + c) | 0;
  return h;
};
/** Hash slot -> index in RECORD_KEYS (-1: none): the first multiplier that puts every key in its own slot. */
const KEY_SLOT = new Int16Array(KEY_SLOTS);
let KEY_MUL = 0x9e3779b1;
for (;; KEY_MUL += 2) {
  KEY_SLOT.fill(-1);
  if (
    KEY_BYTES.every((k, i) => {
      const slot = Math.imul(keyHash(k) ^ k.length, KEY_MUL) >>> 23;
      if (KEY_SLOT[slot] !== -1) return false;
      KEY_SLOT[slot] = i;
      return true;
    })
  )
    break;
}
