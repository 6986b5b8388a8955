/**
 * The column sidecar of records.jsonl (`records.jsonl.cols`): the same records in a fixed-width
 * binary form, written by RecordWriter next to the JSONL so the analysis of a 1M-record run does
 * not parse ~1 GB of JSON text (the parse was most of its CPU). records.jsonl stays the single
 * source of truth: the reader uses the sidecar only when its trailer says it is complete and
 * describes exactly the JSONL beside it (size, record count, a hash of its first and last 64 KiB);
 * anything else (no sidecar, a crash before close, another version, a JSONL edited or written by
 * something else) and the JSONL is parsed as before, with the same records.
 *
 * Layout (little-endian; rows and batches 8-byte aligned so numbers are read as Float64Array):
 *   header  16 B: "LLMDCOLS", u32 version, u32 0x01020304 (byte order)
 *   batch   16 B: u32 BATCH_TAG, u32 rows, u32 stringsBytes (padded to 8), u32 rowsBytes;
 *           then the batch's strings as one JSON array (UTF-8, space-padded), then the rows
 *   row     u32 present (bit k: RECORD_KEYS[k] has a value), u32 flags, u32 nTimes, u32 nTokens;
 *           then one f64 per present scalar key in RECORD_KEYS order (record-keys.ts; strings: their
 *           index in the batch's strings; error: two, label and message; tags: the index of their JSON
 *           text; booleans live in flags), then the
 *           nTimes chunk times, then the nTokens chunk tokens (none when TOKENS_ONES: all 1)
 *           LINE rows (a record the row form does not hold exactly: unknown keys, a value of
 *           another type, NaN): nTimes = the JSONL line's byte length, the line's bytes follow
 *   trailer 32 B (written by close(), after the JSONL is synced): u32 TRAILER_TAG, u32 hash,
 *           f64 records, f64 JSONL bytes, f64 offset of the trailer
 */

export const SIDECAR_SUFFIX = '.cols';
export const MAGIC = 'LLMDCOLS';
/** 2: tags held in rows (as their JSON text); version 1 kept every record with tags as its line. */
export const VERSION = 2;
export const BYTE_ORDER = 0x01020304;
export const HEADER_BYTES = 16;
export const BATCH_TAG = 0x48435442; // "BTCH"
export const BATCH_HEADER_BYTES = 16;
export const TRAILER_TAG = 0x444e4543; // "CEND"
export const TRAILER_BYTES = 32;
/** Bytes of the JSONL's start and of its end that the trailer's hash covers. */
export const HASH_SPAN = 1 << 16;

export const FLAG_LINE = 1;
export const FLAG_TOKENS_ONES = 2;
// Flags 4, 8, …: the 'bool' keys' values in table order (BOOL_FLAG in record-keys.ts: stream 4, doneSeen 8).

/** RequestRecord's keys (bit k of `present` is RECORD_KEYS[k]), from the one table of keys and kinds (record-keys.ts). */
export { KEY_INDEX, RECORD_KEYS } from './record-keys.ts';

/** FNV-1a over the JSONL's first and last HASH_SPAN bytes (both ends of `head`/`tail`). */
export function fnv1a(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

export const FNV_SEED = 0x811c9dc5;

/** This host stores Float64Array / Uint32Array little-endian (the sidecar's order; elsewhere it is neither written nor read). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
