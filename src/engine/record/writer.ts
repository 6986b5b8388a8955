import { closeSync, fdatasyncSync, ftruncateSync, openSync, write, writeSync } from 'node:fs';
import type { RequestRecord } from '../types.ts';

export interface RecordWriterOptions {
  /** Flush at least this often, ms. Default 200. */
  flushIntervalMs?: number;
  /** Flush early once this many characters are buffered. Default 1 MiB. */
  maxBufferChars?: number;
  /** Called once when a write fails (ENOSPC, EIO, ...); later records are dropped. */
  onError?: (err: NodeJS.ErrnoException) => void;
}

/**
 * Streams RequestRecords to a JSONL file as they finish. Records are buffered
 * in memory (serialised at flush, off the per-chunk path) and written
 * asynchronously every `flushIntervalMs`; on process exit whatever is still
 * buffered is written synchronously, so a crash or Ctrl-C loses no finished
 * request. `close()` writes the rest, syncs and closes the file.
 *
 * Whole lines only: every write goes at the end of what was confirmed written; a
 * failed write (a full disk) is cut back to that point, so the file always ends
 * with a complete line, and the error is reported once through `onError` (the
 * load stops; nothing already written is lost).
 */
export class RecordWriter {
  private readonly fd: number;
  private pending: RequestRecord[] = [];
  private pendingChars = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly maxChars: number;
  private readonly onExit = (): void => this.flushSync();
  /** Bytes confirmed written: always the end of a whole line. */
  private size = 0;
  /** Bytes written or being written (the end the next write starts at). */
  private reserved = 0;
  /** The first write error; nothing is written after it. */
  error: NodeJS.ErrnoException | undefined;
  /** Records written (or queued for writing) so far. */
  count = 0;

  constructor(
    readonly path: string,
    private readonly opts: RecordWriterOptions = {},
  ) {
    this.fd = openSync(path, 'w');
    this.maxChars = opts.maxBufferChars ?? 1 << 20;
    this.timer = setInterval(() => void this.flush(), opts.flushIntervalMs ?? 200);
    this.timer.unref();
    process.once('exit', this.onExit);
  }

  /** Queue one finished record (cheap: no serialisation here). */
  add(rec: RequestRecord): void {
    if (this.closed || this.error) return;
    this.pending.push(rec);
    this.count++;
    // Rough size estimate: ~12 chars per chunk time plus a fixed part.
    this.pendingChars += 300 + rec.chunkTimesMs.length * 24 + (rec.outputText?.length ?? 0);
    if (this.pendingChars >= this.maxChars) void this.flush();
  }

  /** Write everything queued so far (async, in order). Never rejects: errors go to `onError`. */
  flush(): Promise<void> {
    if (this.pending.length === 0 || this.error) return this.writing;
    const buf = Buffer.from(serialise(this.pending), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    const start = this.reserved;
    this.reserved += buf.length;
    this.writing = this.writing.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.error) return resolve();
          const loop = (off: number): void => {
            write(this.fd, buf, off, buf.length - off, start + off, (err, n) => {
              if (err) {
                this.failed(err);
                resolve();
              } else if (off + n < buf.length) loop(off + n);
              else {
                this.size = start + buf.length;
                resolve();
              }
            });
          };
          loop(0);
        }),
    );
    return this.writing;
  }

  /** Cut the file back to its last whole line, drop what is queued, report once. */
  private failed(err: NodeJS.ErrnoException): void {
    if (this.error) return;
    this.error = err;
    this.pending = [];
    try {
      ftruncateSync(this.fd, this.size);
    } catch {
      /* the file keeps a torn tail; the strict reader reports it */
    }
    this.opts.onError?.(err);
  }

  private flushSync(): void {
    if (this.closed || this.pending.length === 0 || this.error) return;
    // Async writes already issued complete in the thread pool or are lost with
    // the process; what is still buffered goes out now.
    const buf = Buffer.from(serialise(this.pending), 'utf8');
    this.pending = [];
    try {
      let off = 0;
      const start = this.reserved;
      this.reserved += buf.length;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, start + off);
      this.size = this.reserved;
    } catch (e) {
      this.failed(e as NodeJS.ErrnoException);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    process.removeListener('exit', this.onExit);
    try {
      if (!this.error) fdatasyncSync(this.fd);
    } catch (e) {
      this.failed(e as NodeJS.ErrnoException);
    }
    closeSync(this.fd);
  }
}

/** `raw` (a verbatim response kept for a per-request report) never goes into records.jsonl. */
function serialise(recs: RequestRecord[]): string {
  let s = '';
  for (const r of recs) {
    if (r.raw) {
      const { raw: _raw, ...rest } = r;
      s += JSON.stringify(rest) + '\n';
    } else s += JSON.stringify(r) + '\n';
  }
  return s;
}
