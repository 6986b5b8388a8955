/**
 * Server-sent-events framing from decoded text, our own (no line-length limit).
 * Line ends LF, CRLF or CR (a CR at the end of one read followed by LF at the
 * start of the next is one line end). Events end at a blank line; `data:`
 * lines (one optional space after the colon) are joined with '\n'; comments
 * (`:`) and other fields (event, id, retry) are ignored. Lines that are not a
 * field at all are counted (`strayLines`) so a caller can call a stream
 * malformed. `onEvent` runs synchronously inside `push`, so the caller's
 * timestamp for the read applies to every event completed by that read.
 */
export class SseFramer {
  private buf = '';
  private data: string | null = null;
  private pendingCR = false;
  /** Lines that were neither blank, comment, nor a known field. */
  strayLines = 0;

  constructor(private readonly onEvent: (data: string) => void) {}

  /** Feed the next piece of decoded text (any split). */
  push(text: string): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text.length === 0) return;
    if (text.indexOf('\r') !== -1) {
      this.pendingCR = text.charCodeAt(text.length - 1) === 13;
      text = text.replace(CR_RE, '\n');
    }
    const s = this.buf.length === 0 ? text : this.buf + text;
    let pos = 0;
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl === -1) break;
      if (nl === pos) this.dispatch();
      else this.line(s, pos, nl);
      pos = nl + 1;
    }
    this.buf = pos === 0 ? s : pos === s.length ? '' : s.slice(pos);
  }

  /**
   * End of stream: a last unterminated line is taken as a line, and pending
   * data is dispatched (lenient, as vllm bench accepts a complete `data:` line
   * without its blank line).
   */
  end(): void {
    if (this.buf.length > 0) {
      const s = this.buf;
      this.buf = '';
      this.line(s, 0, s.length);
    }
    this.dispatch();
  }

  private dispatch(): void {
    if (this.data === null) return;
    const d = this.data;
    this.data = null;
    this.onEvent(d);
  }

  private line(s: string, a: number, b: number): void {
    const c0 = s.charCodeAt(a);
    if (c0 === 58 /* : */) return;
    if (c0 === 100 /* d */ && s.startsWith('data', a)) {
      let v = a + 4;
      if (v === b) {
        this.data = this.data === null ? '' : this.data + '\n';
        return;
      }
      if (s.charCodeAt(v) === 58) {
        v++;
        if (s.charCodeAt(v) === 32) v++;
        const value = s.slice(v, b);
        this.data = this.data === null ? value : this.data + '\n' + value;
        return;
      }
    }
    if (isOtherField(s, a, b)) return;
    this.strayLines++;
  }
}

const CR_RE = /\r\n?/g;
const FIELDS = ['event', 'id', 'retry'];

function isOtherField(s: string, a: number, b: number): boolean {
  for (const f of FIELDS) {
    if (s.startsWith(f, a)) {
      const e = a + f.length;
      if (e === b || s.charCodeAt(e) === 58) return true;
    }
  }
  return false;
}
