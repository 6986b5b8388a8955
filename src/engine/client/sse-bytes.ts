/**
 * Server-sent-events framing straight from the response bytes (no string
 * decoding at all): lines are found with Buffer.indexOf, and an event's data
 * (its `data:` values joined with '\n') is handed over as bytes in a buffer
 * the framer reuses — the consumer decodes only what it needs (a line end never
 * falls inside a multibyte character, so nothing is split). Same rules as
 * the text framer `SseFramer` (sse.ts): LF, CRLF or CR line ends (a CR ending
 * one read and an LF starting the next are one line end), blank line ends an
 * event, `data:` lines joined with '\n', comments and event/id/retry ignored,
 * anything else counted in `strayLines`, a leading UTF-8 BOM dropped (as
 * TextDecoder does), no line-length limit. `onEvent` runs synchronously inside
 * `push`, so the caller's one timestamp for the read applies to every event
 * that read completes. A line split across reads is carried in one growing
 * buffer that is reused for the life of the framer. An event of one `data:` line
 * that ends in the read it started in (the usual case) is handed over as a view of the
 * caller's bytes, never copied; only data still open when the read ends is copied.
 */
export class SseByteFramer {
  private carry: Buffer = EMPTY;
  private carryLen = 0;
  /** The current event's data bytes when copied (reused; allocated on the first copy); dataLen < 0: no data line yet. */
  private data: Buffer = EMPTY;
  private dataLen = -1;
  /** The event's one data line still in the caller's buffer: data = ref[refStart, refStart + dataLen). */
  private ref: Buffer | undefined;
  private refStart = 0;
  private pendingCR = false;
  private atStart = true;
  /** Lines that were neither blank, comment, nor a known field. */
  strayLines = 0;

  /** `onEvent(buf, start, end)`: the event's data bytes; `buf` is reused after the call returns. */
  constructor(private readonly onEvent: (buf: Buffer, start: number, end: number) => void) {}

  /**
   * Between events with nothing carried: no partial line, no open event's data, no CR waiting for
   * its LF, the BOM check done. Bytes that start here and hold whole events may be framed by the
   * caller (SameShape.matchEvent) without changing what this framer does with the rest.
   */
  get atBoundary(): boolean {
    return !this.atStart && !this.pendingCR && this.carryLen === 0 && this.dataLen < 0;
  }

  /** Feed bytes `buf[start, end)` (any split). `buf` may be reused by the caller after this returns. */
  push(buf: Buffer, start = 0, end = buf.length): void {
    if (this.atStart) {
      if (this.carryLen + (end - start) < 3) {
        // Too few bytes to rule a BOM out: keep them for the next read.
        this.append(buf, start, end);
        return;
      }
      this.atStart = false;
      if (this.carryLen > 0) {
        const c = stripBom(Buffer.concat([this.carry.subarray(0, this.carryLen), buf.subarray(start, end)]));
        this.carryLen = 0;
        this.pushBytes(c, 0, c.length);
        return;
      }
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    this.pushBytes(buf, start, end);
  }

  private pushBytes(buf: Buffer, start: number, end: number): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      if (start < end && buf[start] === 10) start++;
    }
    if (start >= end) return;
    // Searched within this read's bytes only: `buf` is often the transport's whole read buffer, and a
    // search from `start` for a CR the event lacks ran on through the stale bytes after `end`.
    if (buf.subarray(start, end).indexOf(13) !== -1) {
      // Rare: CR or CRLF line ends. Normalise this read to LF into a fresh buffer.
      this.pendingCR = buf[end - 1] === 13;
      const out = Buffer.allocUnsafe(end - start);
      let n = 0;
      for (let i = start; i < end; i++) {
        const b = buf[i]!;
        if (b === 13) {
          out[n++] = 10;
          if (i + 1 < end && buf[i + 1] === 10) i++;
        } else out[n++] = b;
      }
      this.lines(out, 0, n);
      return;
    }
    this.lines(buf, start, end);
  }

  private lines(buf: Buffer, start: number, end: number): void {
    let pos = start;
    for (;;) {
      // A blank line (the usual end of an event, right after its data line) needs no search.
      let nl = buf[pos] === 10 && pos < end ? pos : buf.indexOf(10, pos);
      if (nl >= end) nl = -1;
      if (nl === -1) break;
      if (this.carryLen > 0) {
        this.append(buf, pos, nl);
        const c = this.carry;
        const len = this.carryLen;
        this.carryLen = 0;
        if (len === 0) this.dispatch();
        else this.line(c, 0, len);
      } else if (nl === pos) this.dispatch();
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < end) this.append(buf, pos, end);
    // The caller may reuse `buf` once this read returns: keep the open event's data.
    if (this.ref) this.unref();
  }

  /**
   * End of stream: a last unterminated line is taken as a line, and pending
   * data is dispatched (lenient, as vllm bench accepts a complete `data:` line
   * without its blank line).
   */
  end(): void {
    if (this.atStart && this.carryLen > 0) {
      this.atStart = false;
      const c = stripBom(Buffer.from(this.carry.subarray(0, this.carryLen)));
      this.carryLen = 0;
      this.pushBytes(c, 0, c.length);
    }
    if (this.carryLen > 0) {
      const len = this.carryLen;
      this.carryLen = 0;
      this.line(this.carry, 0, len);
    }
    this.dispatch();
  }

  private append(buf: Buffer, a: number, b: number): void {
    const need = this.carryLen + (b - a);
    if (need > this.carry.length) {
      const next = Buffer.allocUnsafe(Math.max(256, need * 2));
      this.carry.copy(next, 0, 0, this.carryLen);
      this.carry = next;
    }
    buf.copy(this.carry, this.carryLen, a, b);
    this.carryLen = need;
  }

  private dispatch(): void {
    if (this.dataLen < 0) return;
    const n = this.dataLen;
    this.dataLen = -1;
    const ref = this.ref;
    if (ref) {
      this.ref = undefined;
      this.onEvent(ref, this.refStart, this.refStart + n);
    } else this.onEvent(this.data, 0, n);
  }

  /** Copy a referenced data line into `data`. */
  private unref(): void {
    const ref = this.ref!;
    this.ref = undefined;
    const n = this.dataLen;
    this.dataLen = -1;
    this.copyData(ref, this.refStart, this.refStart + n);
  }

  /** Add one `data:` value (bytes `s[a, b)`) to the event. */
  private addData(s: Buffer, a: number, b: number): void {
    if (this.dataLen < 0 && s !== this.carry) {
      // The first data line, in the caller's bytes: referenced until the event or the read ends.
      this.ref = s;
      this.refStart = a;
      this.dataLen = b - a;
      return;
    }
    if (this.ref) this.unref();
    this.copyData(s, a, b);
  }

  private copyData(s: Buffer, a: number, b: number): void {
    const sep = this.dataLen >= 0 ? 1 : 0;
    const at = this.dataLen < 0 ? 0 : this.dataLen;
    const need = at + sep + (b - a);
    if (need > this.data.length) {
      const next = Buffer.allocUnsafe(need * 2);
      if (at > 0) this.data.copy(next, 0, 0, at);
      this.data = next;
    }
    if (sep) this.data[at] = 10;
    if (b > a) s.copy(this.data, at + sep, a, b);
    this.dataLen = need;
  }

  private line(s: Buffer, a: number, b: number): void {
    const c0 = s[a];
    if (c0 === 58 /* : */) return;
    if (c0 === 100 /* d */ && b - a >= 4 && s[a + 1] === 97 && s[a + 2] === 116 && s[a + 3] === 97) {
      let v = a + 4;
      if (v === b) {
        this.addData(s, v, v);
        return;
      }
      if (s[v] === 58) {
        v++;
        if (v < b && s[v] === 32) v++;
        this.addData(s, v, b);
        return;
      }
    }
    if (isOtherField(s, a, b)) return;
    this.strayLines++;
  }
}

const EMPTY = Buffer.alloc(0);
const FIELDS = ['event', 'id', 'retry'].map((f) => Buffer.from(f));

function stripBom(b: Buffer): Buffer {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

function isOtherField(s: Buffer, a: number, b: number): boolean {
  for (const f of FIELDS) {
    const e = a + f.length;
    if (e <= b && s.compare(f, 0, f.length, a, e) === 0 && (e === b || s[e] === 58)) return true;
  }
  return false;
}
