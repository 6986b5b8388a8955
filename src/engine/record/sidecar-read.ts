/**
 * Reads the column sidecar (sidecar-format.ts) into the analysis pass's reused record: the same
 * values the JSONL's fast parser would put there, without parsing JSON text. `checkSidecar` first
 * proves the sidecar complete and describing the JSONL beside it (trailer: JSONL size, record
 * count, hash of the JSONL's ends; every batch header chained to the trailer) before any record is
 * handed out, so a sidecar that is not usable is never half-read: the caller parses the JSONL.
 */
import { existsSync, fstatSync, openSync, closeSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { RequestRecord } from '../types.ts';
import { parseRecordLineInto, type RecordSlot } from './line-parser.ts';
import { setField, type AnyRecord } from './record-fields.ts';
import { BOOL_FLAG, KEY_KINDS, N_KEYS, type KeyIdx } from './record-keys.ts';
import { jsonlHash } from './sidecar-encode.ts';
import { BATCH_HEADER_BYTES, BATCH_TAG, BYTE_ORDER, FLAG_LINE, FLAG_TOKENS_ONES, HEADER_BYTES, LITTLE_ENDIAN, MAGIC, SIDECAR_SUFFIX, TRAILER_BYTES, TRAILER_TAG, VERSION } from './sidecar-format.ts';

export const sidecarPath = (jsonlPath: string): string => jsonlPath + SIDECAR_SUFFIX;

/** A usable sidecar: its batches' offsets (each batch's header offset and byte length). */
export interface SidecarIndex {
  path: string;
  records: number;
  batches: { offset: number; bytes: number }[];
}

/** The sidecar of `jsonlPath` when it is complete and describes that file exactly; otherwise undefined. */
export function checkSidecar(jsonlPath: string): SidecarIndex | undefined {
  const path = sidecarPath(jsonlPath);
  if (!LITTLE_ENDIAN || !existsSync(path) || !existsSync(jsonlPath)) return undefined;
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size < HEADER_BYTES + TRAILER_BYTES) return undefined;
    const h = Buffer.alloc(HEADER_BYTES);
    readSync(fd, h, 0, HEADER_BYTES, 0);
    if (h.toString('latin1', 0, 8) !== MAGIC || h.readUInt32LE(8) !== VERSION || h.readUInt32LE(12) !== BYTE_ORDER) return undefined;
    const t = Buffer.alloc(TRAILER_BYTES);
    readSync(fd, t, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    const end = size - TRAILER_BYTES;
    if (t.readUInt32LE(0) !== TRAILER_TAG || t.readDoubleLE(24) !== end) return undefined;
    const records = t.readDoubleLE(8);
    const jsonlBytes = statSync(jsonlPath).size;
    if (t.readDoubleLE(16) !== jsonlBytes) return undefined;
    const jfd = openSync(jsonlPath, 'r');
    let hash: number;
    try {
      hash = jsonlHash((buf, position) => readSync(jfd, buf, 0, buf.length, position), jsonlBytes);
    } finally {
      closeSync(jfd);
    }
    if (hash !== t.readUInt32LE(4)) return undefined;
    const batches: SidecarIndex['batches'] = [];
    let rows = 0;
    for (let off = HEADER_BYTES; off !== end; ) {
      if (off + BATCH_HEADER_BYTES > end) return undefined;
      readSync(fd, h, 0, BATCH_HEADER_BYTES, off);
      if (h.readUInt32LE(0) !== BATCH_TAG || h.readUInt32LE(8) % 8 !== 0 || h.readUInt32LE(12) % 8 !== 0) return undefined;
      const bytes = BATCH_HEADER_BYTES + h.readUInt32LE(8) + h.readUInt32LE(12);
      if (off + bytes > end) return undefined;
      rows += h.readUInt32LE(4);
      batches.push({ offset: off, bytes });
      off += bytes;
    }
    return rows === records ? { path, records, batches } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Every record of a checked sidecar into `slot.record` and handed to `sink` (a LINE row: its line
 * parsed as the JSONL reader does: the fast parser into the slot, else JSON.parse's fresh object).
 * Memory: one batch at a time.
 */
export async function forEachSidecarRecord(ix: SidecarIndex, slot: RecordSlot, sink: (r: RequestRecord) => void): Promise<void> {
  const o = slot.record as unknown as AnyRecord;
  const times = slot.record.chunkTimesMs;
  const tokens = slot.record.chunkTokens;
  let ab = new ArrayBuffer(1 << 20);
  const fh = await open(ix.path, 'r');
  try {
    for (const batch of ix.batches) {
      if (batch.bytes > ab.byteLength) ab = new ArrayBuffer(Math.max(batch.bytes, ab.byteLength * 2));
      const u8 = new Uint8Array(ab, 0, batch.bytes);
      for (let got = 0; got < batch.bytes; ) {
        const { bytesRead } = await fh.read(u8, got, batch.bytes - got, batch.offset + got);
        if (bytesRead === 0) throw new Error(`${ix.path}: shorter than its index`);
        got += bytesRead;
      }
      const buf = Buffer.from(ab, 0, batch.bytes);
      const u32 = new Uint32Array(ab, 0, batch.bytes >>> 2);
      const f64 = new Float64Array(ab, 0, batch.bytes >>> 3);
      const rows = u32[1]!;
      const sBytes = u32[2]!;
      const strings = JSON.parse(buf.toString('utf8', BATCH_HEADER_BYTES, BATCH_HEADER_BYTES + sBytes)) as string[];
      let pos = BATCH_HEADER_BYTES + sBytes;
      for (let r = 0; r < rows; r++) {
        const w = pos >>> 2;
        const present = u32[w]!;
        const flags = u32[w + 1]!;
        const n = u32[w + 2]!;
        const m = u32[w + 3]!;
        pos += 16;
        if ((flags & FLAG_LINE) !== 0) {
          slot.written = -1;
          if (parseRecordLineInto(buf, pos, pos + n, slot)) sink(slot.record);
          else sink(JSON.parse(buf.toString('utf8', pos, pos + n)) as RequestRecord);
          pos += (n + 7) & ~7;
          continue;
        }
        let f = scalarsInto(o, present, flags, f64, strings, pos >>> 3);
        times.length = n;
        for (let i = 0; i < n; i++) times[i] = f64[f++]!;
        tokens.length = m;
        if ((flags & FLAG_TOKENS_ONES) !== 0) for (let i = 0; i < m; i++) tokens[i] = 1;
        else for (let i = 0; i < m; i++) tokens[i] = f64[f++]!;
        pos = f << 3;
        slot.written = -1;
        sink(slot.record);
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * A row's scalars into the record, each key as its kind says (record-keys.ts; undefined for a key
 * the row has not); returns the f64 index after them. The chunk arrays are the caller's.
 */
function scalarsInto(o: AnyRecord, p: number, flags: number, f64: Float64Array, strings: string[], f: number): number {
  for (let k = 0; k < N_KEYS; k++) {
    let v: unknown;
    if ((p & (1 << k)) !== 0) {
      const kind = KEY_KINDS[k];
      if (kind === 'num') v = f64[f++];
      else if (kind === 'str') v = strings[f64[f++]!];
      else if (kind === 'bool') v = (flags & BOOL_FLAG[k]!) !== 0;
      else if (kind === 'error') {
        const label = strings[f64[f++]!];
        v = { label, message: strings[f64[f++]!] };
      } else if (kind === 'numbers') continue; // the chunk arrays: the caller's
      else v = JSON.parse(strings[f64[f++]!]!) as unknown; // tags: their JSON text, a fresh object per row
    }
    setField(o, k as KeyIdx, v);
  }
  return f;
}
