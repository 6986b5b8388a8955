/**
 * Encodes records into the column sidecar's bytes (sidecar-format.ts): one batch per RecordWriter
 * flush, the header and the trailer. Pure (no I/O): the writer (and the analysis bench) write the
 * bytes. A row holds a record exactly as JSON.parse of its JSONL line gives it back (numbers are
 * doubles; -0 is written as 0 as JSON.stringify does); a record it cannot hold so (tags, unknown
 * keys, a value of an unexpected type, NaN / Infinity, an array hole) is kept as its JSONL line.
 */
import type { RequestRecord } from '../types.ts';
import { BATCH_HEADER_BYTES, BATCH_TAG, BYTE_ORDER, FLAG_DONE_SEEN, FLAG_LINE, FLAG_STREAM, FLAG_TOKENS_ONES, FNV_SEED, HASH_SPAN, HEADER_BYTES, KEY_INDEX, KEY_KIND, K_ARRAY, K_BOOLEAN, K_ERROR, K_NUMBER, K_STRING, MAGIC, RECORD_KEYS, TRAILER_BYTES, TRAILER_TAG, VERSION, fnv1a } from './sidecar-format.ts';

const N_KEYS = RECORD_KEYS.length;
const T = KEY_INDEX.get('chunkTimesMs')!;
const STREAM = KEY_INDEX.get('stream')!;

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

  add(r: RequestRecord, line: string): void {
    if (!this.addRow(r)) this.addLine(line);
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

  private str(s: string): number {
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

  /** The record as a row; false (nothing written) when a row cannot hold it exactly. */
  private addRow(r: RequestRecord): boolean {
    const vals = this.vals;
    let present = 0;
    let flags = 0;
    let scalars = 0;
    let times: unknown;
    let tokens: unknown;
    const o = r as unknown as Record<string, unknown>;
    for (const key in o) {
      const v = o[key];
      if (v === undefined || key === 'raw') continue; // not in the JSONL line
      const k = KEY_INDEX.get(key);
      if (k === undefined) return false;
      switch (KEY_KIND[k]) {
        case K_NUMBER:
          if (!isNum(v)) return false;
          break;
        case K_STRING:
          if (typeof v !== 'string') return false;
          break;
        case K_BOOLEAN:
          if (typeof v !== 'boolean') return false;
          break;
        case K_ERROR: {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
          const e = v as Record<string, unknown>;
          const keys = Object.keys(e);
          if (keys.length !== 2 || keys[0] !== 'label' || keys[1] !== 'message' || typeof e.label !== 'string' || typeof e.message !== 'string') return false;
          break;
        }
        case K_ARRAY:
          if (!Array.isArray(v)) return false;
          if (k === T) times = v;
          else tokens = v;
          break;
        default:
          return false;
      }
      present |= 1 << k;
    }
    // Without both arrays the JSONL reader hands JSON.parse's object (no such key): a LINE row does too.
    if (times === undefined || tokens === undefined) return false;
    const t = times as number[];
    const n = t.length;
    const tk = tokens as number[];
    const m = tk.length;
    for (let i = 0; i < n; i++) if (!isNum(t[i])) return false;
    let ones = m > 0;
    for (let i = 0; i < m; i++) {
      const x = tk[i];
      if (!isNum(x)) return false;
      if (x !== 1) ones = false;
    }
    // Every value is representable: the scalars in key order.
    for (let k = 0; k < N_KEYS; k++) {
      if ((present & (1 << k)) === 0) continue;
      const kind = KEY_KIND[k];
      const v = o[RECORD_KEYS[k]!];
      if (kind === K_NUMBER) vals[scalars++] = v === 0 ? 0 : (v as number);
      else if (kind === K_STRING) vals[scalars++] = this.str(v as string);
      else if (kind === K_BOOLEAN) {
        if (v === true) flags |= k === STREAM ? FLAG_STREAM : FLAG_DONE_SEEN;
      } else if (kind === K_ERROR) {
        const e = v as { label: string; message: string };
        vals[scalars++] = this.str(e.label);
        vals[scalars++] = this.str(e.message);
      }
    }
    if (ones) flags |= FLAG_TOKENS_ONES;
    this.room(16 + 8 * (scalars + n + (ones ? 0 : m)));
    const w = this.pos >>> 2;
    this.u32[w] = present;
    this.u32[w + 1] = flags;
    this.u32[w + 2] = n;
    this.u32[w + 3] = m;
    let f = (this.pos + 16) >>> 3;
    const f64 = this.f64;
    for (let i = 0; i < scalars; i++) f64[f++] = vals[i]!;
    for (let i = 0; i < n; i++) {
      const x = t[i]!;
      f64[f++] = x === 0 ? 0 : x;
    }
    if (!ones)
      for (let i = 0; i < m; i++) {
        const x = tk[i]!;
        f64[f++] = x === 0 ? 0 : x;
      }
    this.pos = f << 3;
    return true;
  }

  /** A LINE row: the record's JSONL line as is. */
  private addLine(line: string): void {
    const len = Buffer.byteLength(line, 'utf8');
    this.room(16 + ((len + 7) & ~7));
    const w = this.pos >>> 2;
    this.u32[w] = 0;
    this.u32[w + 1] = FLAG_LINE;
    this.u32[w + 2] = len;
    this.u32[w + 3] = 0;
    Buffer.from(this.buf, this.pos + 16, len).write(line, 'utf8');
    this.pos += 16 + ((len + 7) & ~7);
  }
}
