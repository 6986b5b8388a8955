/**
 * Hands finished records to their callbacks after the current I/O phase, in short slices.
 *
 * Why: a record's completion — the executor's bookkeeping, the run's record sinks (columns,
 * records file), and in a closed loop the next request's send (≈ 30–60 µs in all, ten times a
 * streamed read) — used to run inside the read callback that finished the response. Reads of
 * other streams that were ready at the same moment waited behind it and were stamped late; at a
 * closed loop's stream edges, where hundreds of completions land within a few ms, that was most
 * of the client-added chunk-gap error (docs/performance.md, issue 13 item 3). Deferred to a
 * setImmediate, every read already ready is stamped first; each slice then runs completions for
 * at most `sliceMs` before going back to the poll phase, which bounds how long a read arriving
 * meanwhile waits. The record's own times are stamped before it gets here, so none of them move.
 */
import { monoMs } from '../../util/clock.ts';
import type { RequestRecord } from '../types.ts';

/** Longest run of completions between two polls for I/O, ms (the first one always runs). */
export const HANDOFF_SLICE_MS = 0.2;

type Done = (rec: RequestRecord) => void;

export class Handoff {
  private fns: (Done | undefined)[] = [];
  private recs: (RequestRecord | undefined)[] = [];
  private head = 0;
  private immediate: NodeJS.Immediate | undefined;

  constructor(private readonly sliceMs = HANDOFF_SLICE_MS) {}

  get pending(): number {
    return this.fns.length - this.head;
  }

  /** `done(rec)` after the current I/O phase, in order of push. */
  push(done: Done, rec: RequestRecord): void {
    this.fns.push(done);
    this.recs.push(rec);
    if (!this.immediate) this.immediate = setImmediate(this.slice);
  }

  /** Run everything still queued now (closing: no record is handed over after close). */
  flush(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.run(Infinity);
  }

  private readonly slice = (): void => {
    this.immediate = undefined;
    this.run(monoMs() + this.sliceMs);
  };

  private run(untilMs: number): void {
    try {
      while (this.head < this.fns.length) {
        const i = this.head++;
        const done = this.fns[i]!;
        const rec = this.recs[i]!;
        this.fns[i] = undefined;
        this.recs[i] = undefined;
        done(rec);
        if (untilMs !== Infinity && monoMs() >= untilMs) break;
      }
    } finally {
      if (this.head === this.fns.length) {
        this.fns = [];
        this.recs = [];
        this.head = 0;
      } else {
        if (this.head > 1024 && this.head * 2 > this.fns.length) {
          this.fns = this.fns.slice(this.head);
          this.recs = this.recs.slice(this.head);
          this.head = 0;
        }
        this.immediate ??= setImmediate(this.slice);
      }
    }
  }
}
