import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads the elements of a top-level JSON array, or the lines of a JSONL file,
 * one at a time from disk (synchronously, 1 MiB reads), so datasets larger
 * than V8's maximum string length (ShareGPT is ~650 MB) can be used. Only
 * structural ASCII bytes are inspected; UTF-8 multi-byte sequences (≥ 0x80)
 * never collide with them.
 */
export class JsonElementReader {
  private fd: number | undefined;
  private buf = Buffer.alloc(0);
  private pos = 0;
  private eof = false;
  private mode: 'array' | 'lines' | undefined;
  private done = false;
  /** 0-based index of the next element. */
  index = 0;

  constructor(
    readonly file: string,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.fd = openSync(file, 'r');
    // a UTF-8 byte order mark is skipped; anything else is kept
    const head = Buffer.alloc(3);
    const n = readSync(this.fd, head, 0, 3, null);
    const bom = n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    this.buf = bom ? Buffer.alloc(0) : head.subarray(0, n);
  }

  private fill(): boolean {
    if (this.eof || this.fd === undefined) return false;
    const chunk = Buffer.allocUnsafe(this.chunkBytes);
    const n = readSync(this.fd, chunk, 0, this.chunkBytes, null);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.buf = this.pos > 0 ? Buffer.concat([this.buf.subarray(this.pos), chunk.subarray(0, n)]) : Buffer.concat([this.buf, chunk.subarray(0, n)]);
    this.pos = 0;
    return true;
  }

  private skipWs(): number | undefined {
    for (;;) {
      while (this.pos < this.buf.length) {
        const b = this.buf[this.pos] as number;
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || (this.mode === 'array' && b === 0x2c)) this.pos++;
        else return b;
      }
      if (!this.fill()) return undefined;
    }
  }

  /** The next element's JSON text, or undefined at the end. */
  nextText(): string | undefined {
    if (this.done) return undefined;
    let b = this.skipWs();
    if (this.mode === undefined) {
      if (b === 0x5b /* [ */) {
        this.mode = 'array';
        this.pos++;
        b = this.skipWs();
      } else this.mode = 'lines';
    }
    if (b === undefined || (this.mode === 'array' && b === 0x5d /* ] */)) {
      this.close();
      return undefined;
    }
    let depth = 0;
    let inStr = false;
    let esc = false;
    let i = this.pos;
    for (;;) {
      if (i >= this.buf.length) {
        const off = i - this.pos;
        if (!this.fill()) {
          if (this.mode === 'lines' && depth === 0 && !inStr) break;
          throw new Error(`${this.file}: unexpected end of data in element ${this.index}`);
        }
        i = this.pos + off;
        continue;
      }
      const c = this.buf[i] as number;
      if (inStr) {
        if (esc) esc = false;
        else if (c === 0x5c) esc = true;
        else if (c === 0x22) inStr = false;
      } else if (c === 0x22) inStr = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
        if (depth < 0) throw new Error(`${this.file}: unbalanced brackets in element ${this.index}`);
      } else if (depth === 0 && (c === 0x2c || c === 0x0a)) break; // scalar element ends
      i++;
    }
    // refills drop the bytes before pos, so the element always starts at pos
    const text = this.buf.subarray(this.pos, i).toString('utf8');
    this.pos = i;
    this.index++;
    return text;
  }

  close(): void {
    this.done = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
