/**
 * Encodes records into the column sidecar's bytes (sidecar-format.ts): one batch per RecordWriter
 * flush, the header and the trailer. Pure (no I/O): the writer (and the analysis bench) write the
 * bytes. A row holds a record exactly as JSON.parse of its JSONL line gives it back (numbers are
 * doubles; -0 is written as 0 as JSON.stringify does; tags as their JSON text); a record it cannot
 * hold so (unknown keys, a value of an unexpected type, NaN / Infinity, an array hole) is kept as its
 * JSONL line.
 */
import type { RequestRecord } from '../types.ts';
import { getField } from './record-fields.ts';
import { BOOL_FLAG, CHUNK_TIMES, CHUNK_TOKENS, KEY_INDEX, KEY_KINDS, N_KEYS, type KeyIdx } from './record-keys.ts';
import { BATCH_HEADER_BYTES, BATCH_TAG, BYTE_ORDER, FLAG_LINE, FLAG_TOKENS_ONES, FNV_SEED, HASH_SPAN, HEADER_BYTES, MAGIC, TRAILER_BYTES, TRAILER_TAG, VERSION, fnv1a } from './sidecar-format.ts';

/** The file's first 16 bytes. */
export function sidecarHeader(): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(MAGIC, 0, 'latin1');
  b.writeUInt32LE(VERSION, 8);
  b.writeUInt32LE(BYTE_ORDER, 12);
  return b;
}

/** The trailer: `records` rows describe a JSONL of `jsonlBytes` bytes whose ends hash to `hash`; it starts at `offset`. */
export function sidecarTrailer(records: number, jsonlBytes: number, hash: number, offset: number): Buffer {
  const b = Buffer.alloc(TRAILER_BYTES);
  b.writeUInt32LE(TRAILER_TAG, 0);
  b.writeUInt32LE(hash, 4);
  b.writeDoubleLE(records, 8);
  b.writeDoubleLE(jsonlBytes, 16);
  b.writeDoubleLE(offset, 24);
  return b;
}

/** The trailer's hash of a JSONL file: FNV-1a over its first and its last HASH_SPAN bytes. */
export function jsonlHash(read: (buf: Buffer, position: number) => number, size: number): number {
  const span = Math.min(HASH_SPAN, size);
  const head = Buffer.alloc(span);
  const tail = Buffer.alloc(span);
  const n1 = read(head, 0);
  const n2 = read(tail, size - span);
  return fnv1a(fnv1a(FNV_SEED, head.subarray(0, n1)), tail.subarray(0, n2));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && v - v === 0;

/** Every key with a value is one of RequestRecord's (or `raw`, never written): the JSONL line has no other. */
function onlyKnownKeys(o: object): boolean {
  const r = o as Record<string, unknown>;
  for (const key in r) if (r[key] !== undefined && key !== 'raw' && !KEY_INDEX.has(key)) return false;
  return true;
}

/** One batch: add(record, its JSONL line) per record, then bytes(). */
export class SidecarBatch {
  private buf = new ArrayBuffer(1 << 16);
  private u8 = new Uint8Array(this.buf);
  private u32 = new Uint32Array(this.buf);
  private f64 = new Float64Array(this.buf);
  /** Bytes of rows so far (a multiple of 8). */
  private pos = 0;
  private rows = 0;
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  /** The current row's values in key order, before they are written (a record may turn out to be a LINE row). */
  private readonly vals = new Float64Array(N_KEYS + 1);

  get count(): number {
    return this.rows;
  }

  /** One record; its JSONL line (without '\n') as a string, or as `bytes[start, end)`, is kept only when a row cannot hold the record. */
  add(r: RequestRecord, line: string | Uint8Array, start = 0, end = line.length): void {
    if (!this.addRow(r)) this.addLine(typeof line === 'string' ? Buffer.from(line, 'utf8') : line.subarray(start, end));
    this.rows++;
  }

  /** The batch's bytes (header, strings, rows). */
  bytes(): Buffer {
    const json = Buffer.from(JSON.stringify(this.strings), 'utf8');
    const sBytes = (json.length + 7) & ~7;
    const out = Buffer.alloc(BATCH_HEADER_BYTES + sBytes + this.pos, 0x20);
    out.writeUInt32LE(BATCH_TAG, 0);
    out.writeUInt32LE(this.rows, 4);
    out.writeUInt32LE(sBytes, 8);
    out.writeUInt32LE(this.pos, 12);
    json.copy(out, BATCH_HEADER_BYTES);
    out.set(this.u8.subarray(0, this.pos), BATCH_HEADER_BYTES + sBytes);
    return out;
  }

  private stringId(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.byteLength) return;
    let n = this.buf.byteLength * 2;
    while (n < this.pos + bytes) n *= 2;
    const next = new ArrayBuffer(n);
    new Uint8Array(next).set(this.u8.subarray(0, this.pos));
    this.buf = next;
    this.u8 = new Uint8Array(next);
    this.u32 = new Uint32Array(next);
    this.f64 = new Float64Array(next);
  }

  // The row being built (addRow): its present bits, flags, scalars in `vals`, keys with a value.
  private present = 0;
  private flags = 0;
  private scalars = 0;
  private keys = 0;

  /**
   * The record's scalar keys into the row being built, in table order, each as its kind says
   * (record-keys.ts); false at the first value of another type (tags: as their JSON text).
   */
  private scalarsOf(o: RequestRecord): boolean {
    const vals = this.vals;
    for (let k = 0; k < N_KEYS; k++) {
      const kind = KEY_KINDS[k];
      if (kind === 'numbers') continue; // the chunk arrays: after the scalars
      const v = getField(o, k as KeyIdx);
      if (v === undefined) continue;
      if (kind === 'num') {
        if (!isNum(v)) return false;
        vals[this.scalars++] = v === 0 ? 0 : v;
      } else if (kind === 'str') {
        if (typeof v !== 'string') return false;
        vals[this.scalars++] = this.stringId(v);
      } else if (kind === 'bool') {
        if (typeof v !== 'boolean') return false;
        if (v) this.flags |= BOOL_FLAG[k]!;
      } else if (kind === 'error') {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        const e = v as Record<string, unknown>;
        const keys = Object.keys(e);
        if (keys.length !== 2 || keys[0] !== 'label' || keys[1] !== 'message' || typeof e.label !== 'string' || typeof e.message !== 'string') return false;
        vals[this.scalars++] = this.stringId(e.label);
        vals[this.scalars++] = this.stringId(e.message);
      } else {
        // tags: an object, kept as its JSON text (the same text JSON.stringify puts in the line,
        // so JSON.parse of it gives what JSON.parse of the line gives for this key)
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        vals[this.scalars++] = this.stringId(JSON.stringify(v));
      }
      this.present |= 1 << k;
      this.keys++;
    }
    return true;
  }

  /**
   * The record as a row; false (nothing written) when a row cannot hold it exactly. Keys are read
   * by name (record-fields.ts), then Object.keys' count proves there is no other key; only when it
   * differs (a key set to undefined, `raw`, an unknown key) are the keys walked.
   */
  private addRow(r: RequestRecord): boolean {
    const o = r;
    this.present = 0;
    this.flags = 0;
    this.scalars = 0;
    this.keys = 0;
    const t = o.chunkTimesMs as unknown;
    const tk = o.chunkTokens as unknown;
    // Without both arrays the JSONL reader hands JSON.parse's object (no such key): a LINE row does too.
    if (!Array.isArray(t) || !Array.isArray(tk)) return false;
    if (!this.scalarsOf(o)) return false;
    if (Object.keys(o).length !== this.keys + 2 && !onlyKnownKeys(o)) return false;
    const times = t as unknown[];
    const tokens = tk as unknown[];
    const n = times.length;
    const m = tokens.length;
    for (let i = 0; i < n; i++) if (!isNum(times[i])) return false;
    let ones = m > 0;
    for (let i = 0; i < m; i++) {
      const x = tokens[i];
      if (!isNum(x)) return false;
      if (x !== 1) ones = false;
    }
    const present = this.present | (1 << CHUNK_TIMES) | (1 << CHUNK_TOKENS);
    const flags = this.flags | (ones ? FLAG_TOKENS_ONES : 0);
    const scalars = this.scalars;
    this.room(16 + 8 * (scalars + n + (ones ? 0 : m)));
    const w = this.pos >>> 2;
    this.u32[w] = present;
    this.u32[w + 1] = flags;
    this.u32[w + 2] = n;
    this.u32[w + 3] = m;
    let f = (this.pos + 16) >>> 3;
    const f64 = this.f64;
    const vals = this.vals;
    for (let i = 0; i < scalars; i++) f64[f++] = vals[i]!;
    for (let i = 0; i < n; i++) {
      const x = times[i] as number;
      f64[f++] = x === 0 ? 0 : x;
    }
    if (!ones)
      for (let i = 0; i < m; i++) {
        const x = tokens[i] as number;
        f64[f++] = x === 0 ? 0 : x;
      }
    this.pos = f << 3;
    return true;
  }

  /** A LINE row: the record's JSONL line as is. */
  private addLine(line: Uint8Array): void {
    const len = line.length;
    this.room(16 + ((len + 7) & ~7));
    const w = this.pos >>> 2;
    this.u32[w] = 0;
    this.u32[w + 1] = FLAG_LINE;
    this.u32[w + 2] = len;
    this.u32[w + 3] = 0;
    this.u8.set(line, this.pos + 16);
    this.pos += 16 + ((len + 7) & ~7);
  }
}
