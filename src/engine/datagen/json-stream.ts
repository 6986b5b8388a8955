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
  /** File offset of buf[0]. */
  private bufStart = 0;
  /** File byte range [start, end) of the element nextText returned last. */
  lastStart = 0;
  lastEnd = 0;
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
    this.bufStart = bom ? 3 : 0;
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
    this.bufStart += this.pos;
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
    const r = this.scan();
    return r ? this.buf.subarray(r[0], r[1]).toString('utf8') : undefined;
  }

  /**
   * Advance past the next element without decoding it; false at the end. Its
   * file byte range is then in lastStart / lastEnd.
   */
  skip(): boolean {
    return this.scan() !== undefined;
  }

  private scan(): [number, number] | undefined {
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
      if (inStr) {
        // jump to the next quote; it closes the string unless an odd run of backslashes precedes it
        const q = this.buf.indexOf(0x22, i);
        if (q < 0) {
          i = this.buf.length;
          continue;
        }
        let k = q - 1;
        while (k >= this.pos && this.buf[k] === 0x5c) k--;
        if ((q - 1 - k) % 2 === 0) inStr = false;
        i = q + 1;
        continue;
      }
      const c = this.buf[i] as number;
      if (c === 0x22) inStr = true;
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
    const range: [number, number] = [this.pos, i];
    this.lastStart = this.bufStart + this.pos;
    this.lastEnd = this.bufStart + i;
    this.pos = i;
    this.index++;
    return range;
  }

  /** The text of a byte range returned earlier (lastStart/lastEnd), read directly from the file. */
  readRange(start: number, end: number): string {
    if (this.fd === undefined) this.fd = openSync(this.file, 'r');
    const b = Buffer.allocUnsafe(end - start);
    const n = readSync(this.fd, b, 0, end - start, start);
    return b.subarray(0, n).toString('utf8');
  }

  close(): void {
    this.done = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
