/**
 * The keys of a record on disk and what kind of value each holds: the one table the records.jsonl
 * line parser (line-parser.ts) and the column sidecar (sidecar-*.ts) are driven by. Adding a field
 * to RequestRecord (engine/types.ts) means adding it here; the type checker then refuses to build
 * until it is here with a kind that fits its type, and until the per-key stores and loads of
 * record-fields.ts handle it (their switches are checked to cover every index of this table).
 *
 * The order is part of the sidecar's format (bit k of a row's `present` is RECORD_KEYS[k]; a row's
 * scalars follow it): append new keys at the end and bump the sidecar's VERSION (sidecar-format.ts).
 * At most 32 keys (the bits of one u32 / int32).
 */
import type { RequestRecord } from '../types.ts';

/**
 * num: a number (JSON.stringify writes NaN / Infinity as null: the sidecar keeps such a record as its line);
 * str, bool: a string, a boolean; error: `{ label, message }` (two strings in a sidecar row);
 * tags: an object (a sidecar row holds its JSON text);
 * numbers: an array of numbers (the chunk arrays: every record has both).
 */
export type KeyKind = 'num' | 'str' | 'bool' | 'error' | 'tags' | 'numbers';

/** The keys a record line can hold (`raw` is never written: RecordWriter drops it). */
export type StoredKey = Exclude<keyof RequestRecord, 'raw'>;

/** The kind a field's type allows (checked against the table below). */
type KindOf<V> = [V] extends [number] ? 'num' : [V] extends [boolean] ? 'bool' : [V] extends [string] ? 'str' : [V] extends [number[]] ? 'numbers' : [V] extends [{ label: string; message: string }] ? 'error' : 'tags';

/** The table: RequestRecord's keys in the sidecar's bit order, each with its kind. */
export const RECORD_KEY_TABLE = [
  ['id', 'num'],
  ['stage', 'num'],
  ['worker', 'num'],
  ['api', 'str'],
  ['stream', 'bool'],
  ['scheduledAtMs', 'num'],
  ['dispatchedAtMs', 'num'],
  ['sentAtMs', 'num'],
  ['headersAtMs', 'num'],
  ['chunkTimesMs', 'numbers'],
  ['chunkTokens', 'numbers'],
  ['endAtMs', 'num'],
  ['httpStatus', 'num'],
  ['finishReason', 'str'],
  ['promptTokensServer', 'num'],
  ['completionTokensServer', 'num'],
  ['promptTokensClient', 'num'],
  ['completionTokensClient', 'num'],
  ['maxTokens', 'num'],
  ['outputText', 'str'],
  ['error', 'error'],
  ['tags', 'tags'],
  ['firstChoiceAtMs', 'num'],
  ['lastChoiceAtMs', 'num'],
  ['choiceEventCount', 'num'],
  ['cachedPromptTokensServer', 'num'],
  ['doneSeen', 'bool'],
  ['requestBytes', 'num'],
  ['sameReadChunks', 'num'],
] as const satisfies readonly { [K in StoredKey]: readonly [K, KindOf<NonNullable<RequestRecord[K]>>] }[StoredKey][];

type Table = typeof RECORD_KEY_TABLE;
type Names<T extends readonly (readonly [string, KeyKind])[]> = { [I in keyof T]: T[I][0] };

/** RequestRecord's stored keys in table order. */
export const RECORD_KEYS = RECORD_KEY_TABLE.map(([k]) => k) as unknown as Names<Table>;
/** Each key's kind, by index. */
export const KEY_KINDS: readonly KeyKind[] = RECORD_KEY_TABLE.map(([, kind]) => kind);
export const N_KEYS = RECORD_KEYS.length;

/** The index of a key in the table (`KeyIndex<'id'>` is 0): used to check the per-key switches. */
export type KeyIndex<K extends StoredKey, T extends readonly unknown[] = Table, Acc extends unknown[] = []> = T extends readonly [infer H, ...infer R] ? (H extends readonly [K, KeyKind] ? Acc['length'] : KeyIndex<K, R, [...Acc, unknown]>) : never;
/** Any index of the table (0 | 1 | … | N_KEYS − 1): a switch over it can be checked to have every case. */
export type KeyIdx = { [K in StoredKey]: KeyIndex<K> }[StoredKey];

export const KEY_INDEX: ReadonlyMap<string, KeyIdx> = new Map(RECORD_KEYS.map((k, i) => [k, i as KeyIdx]));
export const CHUNK_TIMES = 9 satisfies KeyIndex<'chunkTimesMs'>;
export const CHUNK_TOKENS = 10 satisfies KeyIndex<'chunkTokens'>;

/** Sidecar row flags: bit BOOL_FLAG_SHIFT + i holds the i-th 'bool' key's value (stream: 4, doneSeen: 8). */
export const BOOL_FLAG_SHIFT = 2;
/** The flag bit of each 'bool' key by index (0 for the other kinds). */
export const BOOL_FLAG: readonly number[] = (() => {
  let n = 0;
  return KEY_KINDS.map((kind) => (kind === 'bool' ? 1 << (BOOL_FLAG_SHIFT + n++) : 0));
})();

// Compile-time checks: every stored key of RequestRecord is in the table (a missing one is named
// in the error), no key twice, at most 32 keys.
type Missing = Exclude<StoredKey, Names<Table>[number]>;
const everyKey: [Missing] extends [never] ? true : { missing: Missing } = true;
type Dup<T extends readonly unknown[], Seen = never> = T extends readonly [readonly [infer K, KeyKind], ...infer R] ? (K extends Seen ? K : Dup<R, Seen | K>) : never;
const noDuplicate: [Dup<Table>] extends [never] ? true : { duplicate: Dup<Table> } = true;
const atMost32: Table['length'] extends 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32 ? true : false = true;
void everyKey;
void noDuplicate;
void atMost32;
