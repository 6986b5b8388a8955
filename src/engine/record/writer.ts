import { closeSync, fdatasyncSync, ftruncateSync, openSync, readSync, rmSync, write, writeSync } from 'node:fs';
import type { RequestRecord } from '../types.ts';
import { LineBytes } from './line-bytes.ts';
import { SidecarBatch, jsonlHash, sidecarHeader, sidecarTrailer } from './sidecar-encode.ts';
import { LITTLE_ENDIAN, SIDECAR_SUFFIX } from './sidecar-format.ts';

export interface RecordWriterOptions {
  /** Flush at least this often, ms. Default 200. */
  flushIntervalMs?: number;
  /** Flush early once this many characters are buffered. Default 1 MiB. */
  maxBufferChars?: number;
  /** Called once when a write fails (ENOSPC, EIO, ...); later records are dropped. */
  onError?: (err: NodeJS.ErrnoException) => void;
  /** Write the column sidecar `<path>.cols` too (sidecar-format.ts). Default true. */
  sidecar?: boolean;
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
 *
 * The column sidecar (`<path>.cols`, sidecar-format.ts) gets the same records batch by batch, each
 * batch written after its JSONL lines; its trailer only by close(), after the JSONL is synced. Any
 * trouble with it (a failed write, an exit without close, a failed JSONL write) leaves it without a
 * trailer, or removes it: readers then parse the JSONL, which never depends on the sidecar.
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
  /** The sidecar's fd (-1: none, or given up), its end and its rows. */
  private colsFd = -1;
  private colsSize = 0;
  private colsRows = 0;

  constructor(
    readonly path: string,
    private readonly opts: RecordWriterOptions = {},
  ) {
    this.fd = openSync(path, 'w');
    this.openSidecar(opts.sidecar ?? true);
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
    const batch = this.colsFd >= 0 ? new SidecarBatch() : undefined;
    const buf = serialise(this.pending, batch);
    const cols = batch?.bytes();
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
                if (cols) this.writeCols(cols, batch!.count, resolve);
                else resolve();
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
    this.dropSidecar();
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
    // the process; what is still buffered goes out now. The sidecar is left without a trailer.
    const buf = serialise(this.pending);
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
    this.closeSidecar();
  }

  private openSidecar(on: boolean): void {
    const path = this.path + SIDECAR_SUFFIX;
    try {
      if (!on || !LITTLE_ENDIAN) {
        rmSync(path, { force: true }); // an older run's sidecar would not describe this file
        return;
      }
      this.colsFd = openSync(path, 'w');
      const h = sidecarHeader();
      writeSync(this.colsFd, h, 0, h.length, 0);
      this.colsSize = h.length;
    } catch {
      this.dropSidecar();
    }
  }

  /** One batch's sidecar bytes after its JSONL lines (async, in the same chain); a failure gives the sidecar up. */
  private writeCols(cols: Buffer, rows: number, done: () => void): void {
    if (this.colsFd < 0) return done();
    const start = this.colsSize;
    this.colsSize += cols.length;
    const loop = (off: number): void => {
      if (this.colsFd < 0) return done();
      write(this.colsFd, cols, off, cols.length - off, start + off, (err, n) => {
        if (err) {
          this.dropSidecar();
          done();
        } else if (off + n < cols.length) loop(off + n);
        else {
          this.colsRows += rows;
          done();
        }
      });
    };
    loop(0);
  }

  /** The trailer (the JSONL's size, record count and ends' hash), once the JSONL is synced; then the sidecar is usable. */
  private closeSidecar(): void {
    if (this.colsFd < 0) return;
    if (this.error || this.colsRows !== this.count) return this.dropSidecar();
    try {
      const jfd = openSync(this.path, 'r');
      let hash: number;
      try {
        hash = jsonlHash((buf, position) => readSync(jfd, buf, 0, buf.length, position), this.size);
      } finally {
        closeSync(jfd);
      }
      fdatasyncSync(this.colsFd);
      const t = sidecarTrailer(this.colsRows, this.size, hash, this.colsSize);
      writeSync(this.colsFd, t, 0, t.length, this.colsSize);
      fdatasyncSync(this.colsFd);
      closeSync(this.colsFd);
      this.colsFd = -1;
    } catch {
      this.dropSidecar();
    }
  }

  /** No sidecar for this file (readers parse the JSONL). */
  private dropSidecar(): void {
    if (this.colsFd >= 0) {
      try {
        closeSync(this.colsFd);
      } catch {
        /* already unusable */
      }
    }
    this.colsFd = -1;
    rmSync(this.path + SIDECAR_SUFFIX, { force: true });
  }
}

/**
 * The records' lines as bytes (line-bytes.ts: JSON.stringify's bytes, written directly); `raw` (a
 * verbatim response kept for a per-request report) never goes into records.jsonl.
 */
function serialise(recs: RequestRecord[], cols?: SidecarBatch): Buffer {
  const out = new LineBytes(Math.max(1 << 16, recs.length * 2048));
  for (const r of recs) {
    const start = out.pos;
    out.record(r);
    // The line without its '\n', for a record a sidecar row cannot hold (read only then).
    cols?.add(r, out.buf, start, out.pos - 1);
  }
  return out.take();
}
