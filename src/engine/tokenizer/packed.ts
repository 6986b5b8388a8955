/**
 * The built BPE tables of a tokenizer in a form read without building anything: each table is
 * one UTF-16 string of all keys, their offsets, their values and an open-addressing hash table
 * (Int32Arrays that view the file's bytes). Loading the Llama-3 tables (128 k tokens, 280 k merges)
 * is then a file read and two string decodes, tens of ms, where JSON.parse + building Maps took
 * 1–4 s and rebuilding Maps from a v8-serialized copy still ~0.5 s of CPU per process.
 * `PackedMap` answers the `get`/`has`/`set`/`size` that @huggingface/tokenizers' BPE model asks of
 * its Maps; a key is found by its FNV-1a hash and compared in place (`startsWith` at its offset).
 */

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Strings i = text[offsets[i], offsets[i+1]). */
export interface PackedStrings {
  text: string;
  offsets: Int32Array;
}

export function packStrings(list: readonly string[]): PackedStrings {
  const offsets = new Int32Array(list.length + 1);
  let at = 0;
  for (let i = 0; i < list.length; i++) {
    offsets[i] = at;
    at += (list[i] as string).length;
  }
  offsets[list.length] = at;
  return { text: list.join(''), offsets };
}

export function unpackStrings(p: PackedStrings): string[] {
  const n = p.offsets.length - 1;
  const out = new Array<string>(n);
  const { text, offsets } = p;
  for (let i = 0; i < n; i++) out[i] = text.slice(offsets[i], offsets[i + 1]);
  return out;
}

/**
 * The strings as an array whose elements are cut from the packed text when first read (a Proxy over
 * a real array: Array.isArray, length, indexing and writes behave as on the array the library built).
 * Materializing all 128 k Llama-3 tokens up front costs ~40 ms; a run reads a few thousand.
 */
export function lazyStrings(p: PackedStrings): string[] {
  const n = p.offsets.length - 1;
  const { text, offsets } = p;
  const target = new Array<string>(n);
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string') {
        const c = prop.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = Number(prop);
          if (Number.isInteger(i) && i >= 0 && i < n) {
            let v = t[i];
            if (v === undefined && !Object.hasOwn(t, prop)) v = t[i] = text.slice(offsets[i], offsets[i + 1]);
            return v;
          }
        }
      }
      return Reflect.get(t, prop, receiver);
    },
    has(t, prop) {
      if (typeof prop === 'string') {
        const i = Number(prop);
        if (Number.isInteger(i) && i >= 0 && i < n) return true;
      }
      return Reflect.has(t, prop);
    },
  });
}

/** Slot table for `keys`: entry index + 1 at hash-probed slots (0 = empty); size a power of two ≥ 2n. */
export function buildTable(keys: PackedStrings): Int32Array {
  const n = keys.offsets.length - 1;
  let size = 16;
  while (size < 2 * n) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i < n; i++) {
    let s = hashKey(keys.text.slice(keys.offsets[i], keys.offsets[i + 1])) & mask;
    while (table[s] !== 0) s = (s + 1) & mask;
    table[s] = i + 1;
  }
  return table;
}

/** A read-only string → int32 map over packed keys (later `set`s go to a small overlay Map). */
export class PackedMap {
  private readonly mask: number;
  private overlay: Map<string, number> | undefined;

  constructor(
    private readonly keys: PackedStrings,
    private readonly values: Int32Array,
    private readonly table: Int32Array,
  ) {
    this.mask = table.length - 1;
  }

  get(key: string): number | undefined {
    if (this.overlay !== undefined) {
      const v = this.overlay.get(key);
      if (v !== undefined) return v;
    }
    const { text, offsets } = this.keys;
    const len = key.length;
    let s = hashKey(key) & this.mask;
    for (;;) {
      const e = this.table[s] as number;
      if (e === 0) return undefined;
      const at = offsets[e - 1] as number;
      if ((offsets[e] as number) - at === len && text.startsWith(key, at)) return this.values[e - 1];
      s = (s + 1) & this.mask;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: number): this {
    (this.overlay ??= new Map()).set(key, value);
    return this;
  }

  /** Packed entries plus overlay entries (an overlay key that shadows a packed one counts twice). */
  get size(): number {
    return this.values.length + (this.overlay?.size ?? 0);
  }

  *entries(): IterableIterator<[string, number]> {
    const { text, offsets } = this.keys;
    for (let i = 0; i < this.values.length; i++) {
      const k = text.slice(offsets[i], offsets[i + 1]);
      if (!this.overlay?.has(k)) yield [k, this.values[i] as number];
    }
    if (this.overlay) yield* this.overlay.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }
}

/** The sections of one packed map as stored. */
export interface PackedMapParts {
  keys: PackedStrings;
  values: Int32Array;
  table: Int32Array;
}

export function packMap(m: ReadonlyMap<string, number>): PackedMapParts | undefined {
  const keys: string[] = [];
  const values = new Int32Array(m.size);
  let i = 0;
  for (const [k, v] of m) {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) return undefined;
    keys.push(k);
    values[i++] = v;
  }
  const packed = packStrings(keys);
  return { keys: packed, values, table: buildTable(packed) };
}

// ---- file layout: magic, u32 header length, header JSON, 8-aligned sections ----

const MAGIC = Buffer.from('LLMDTOK\u0004', 'latin1');

/** Text is stored as UTF-16 (decoding is a copy; UTF-8 halves the file but decoding non-ASCII text costs ~5× more). */
type Section = { kind: 'text'; text: string } | { kind: 'i32'; data: Int32Array };

/** Writes `header` and named sections into one buffer. */
export function encodeFile(header: Record<string, unknown>, sections: Record<string, Section>): Buffer {
  const names = Object.keys(sections);
  const parts: Buffer[] = [];
  const index: Record<string, [number, number, string]> = {};
  let at = 0;
  for (const name of names) {
    const s = sections[name] as Section;
    const b = s.kind === 'text' ? Buffer.from(s.text, 'utf16le') : Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    index[name] = [at, b.length, s.kind];
    parts.push(b);
    const pad = (8 - (b.length % 8)) % 8;
    if (pad) parts.push(Buffer.alloc(pad));
    at += b.length + pad;
  }
  let head = Buffer.from(JSON.stringify({ ...header, sections: index }), 'utf8');
  const fixed = MAGIC.length + 4;
  const headPad = (8 - ((fixed + head.length) % 8)) % 8;
  head = Buffer.concat([head, Buffer.alloc(headPad, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([MAGIC, len, head, ...parts]);
}

export interface DecodedFile {
  header: Record<string, unknown>;
  text(name: string): string;
  i32(name: string): Int32Array;
}

/** Reads a buffer written by encodeFile (throws on anything else). */
export function decodeFile(buf: Buffer): DecodedFile {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a packed tokenizer');
  // Int32Array views need 4-byte alignment of the underlying memory
  if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf);
  const headLen = buf.readUInt32LE(MAGIC.length);
  const base = MAGIC.length + 4 + headLen;
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, base)) as Record<string, unknown> & { sections: Record<string, [number, number, string]> };
  const where = (name: string, kind: string): [number, number] => {
    const s = header.sections[name];
    if (!s || s[2] !== kind || base + s[0] + s[1] > buf.length) throw new Error(`packed tokenizer: bad section ${name}`);
    return [base + s[0], s[1]];
  };
  return {
    header,
    text: (name) => {
      const [at, len] = where(name, 'text');
      return buf.toString('utf16le', at, at + len);
    },
    i32: (name) => {
      const [at, len] = where(name, 'i32');
      return new Int32Array(buf.buffer, buf.byteOffset + at, len / 4);
    },
  };
}

export function mapSections(prefix: string, p: PackedMapParts): Record<string, Section> {
  return {
    [`${prefix}.text`]: { kind: 'text', text: p.keys.text },
    [`${prefix}.offsets`]: { kind: 'i32', data: p.keys.offsets },
    [`${prefix}.values`]: { kind: 'i32', data: p.values },
    [`${prefix}.table`]: { kind: 'i32', data: p.table },
  };
}

export function readMap(f: DecodedFile, prefix: string): PackedMap {
  const offsets = f.i32(`${prefix}.offsets`);
  const values = f.i32(`${prefix}.values`);
  const table = f.i32(`${prefix}.table`);
  const text = f.text(`${prefix}.text`);
  if (offsets.length !== values.length + 1 || (offsets[values.length] as number) !== text.length || (table.length & (table.length - 1)) !== 0) {
    throw new Error(`packed tokenizer: inconsistent map ${prefix}`);
  }
  return new PackedMap({ text, offsets }, values, table);
}
