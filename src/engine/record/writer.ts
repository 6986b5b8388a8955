import { closeSync, openSync, write, writeSync } from 'node:fs';
import type { RequestRecord } from '../types.ts';

export interface RecordWriterOptions {
  /** Flush at least this often, ms. Default 200. */
  flushIntervalMs?: number;
  /** Flush early once this many characters are buffered. Default 1 MiB. */
  maxBufferChars?: number;
}

/**
 * Streams RequestRecords to a JSONL file as they finish. Records are buffered
 * in memory (serialised at flush, off the per-chunk path) and written
 * asynchronously every `flushIntervalMs`; on process exit whatever is still
 * buffered is written synchronously, so a crash or Ctrl-C loses no finished
 * request. `close()` writes the rest and closes the file.
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
  /** Records written (or queued for writing) so far. */
  count = 0;

  constructor(
    readonly path: string,
    opts: RecordWriterOptions = {},
  ) {
    this.fd = openSync(path, 'a');
    this.maxChars = opts.maxBufferChars ?? 1 << 20;
    this.timer = setInterval(() => void this.flush(), opts.flushIntervalMs ?? 200);
    this.timer.unref();
    process.once('exit', this.onExit);
  }

  /** Queue one finished record (cheap: no serialisation here). */
  add(rec: RequestRecord): void {
    if (this.closed) return;
    this.pending.push(rec);
    this.count++;
    // Rough size estimate: ~12 chars per chunk time plus a fixed part.
    this.pendingChars += 300 + rec.chunkTimesMs.length * 24 + (rec.outputText?.length ?? 0);
    if (this.pendingChars >= this.maxChars) void this.flush();
  }

  /** Write everything queued so far (async, in order). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const text = serialise(this.pending);
    this.pending = [];
    this.pendingChars = 0;
    this.writing = this.writing.then(
      () =>
        new Promise<void>((resolve, reject) => {
          const buf = Buffer.from(text, 'utf8');
          const loop = (off: number): void => {
            write(this.fd, buf, off, buf.length - off, null, (err, n) => {
              if (err) reject(err);
              else if (off + n < buf.length) loop(off + n);
              else resolve();
            });
          };
          loop(0);
        }),
    );
    return this.writing;
  }

  private flushSync(): void {
    if (this.closed || this.pending.length === 0) return;
    // Async writes already issued complete in the thread pool or are lost with
    // the process; what is still buffered goes out now.
    writeSync(this.fd, serialise(this.pending));
    this.pending = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    process.removeListener('exit', this.onExit);
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
