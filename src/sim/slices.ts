/**
 * Request processing in short slices of the event loop's check phase.
 *
 * Why: a request's TTFT clock starts when its bytes were read (server.ts
 * arrivalStamp), and its processing (JSON, validation, chat template, token
 * count, admission) may take any time inside the TTFT window. Done all at
 * once, the processing of a burst of 200 requests held the loop for tens of
 * ms: requests still arriving were read, and so stamped, only after it (each
 * one's TTFT then included that wait), and running streams' due tokens waited
 * too. Here each loop turn processes requests, FIFO, for at most `sliceMs`,
 * then lets the loop poll (stamping what arrived) and fire due tokens before
 * the next slice.
 */
import { monoMs } from '../util/clock.ts';

/** While requests keep arriving, processing waits at most this long (ms) before a slice runs anyway. */
const HOLD_MAX_MS = 2;

export class SliceQueue {
  private readonly jobs: Array<() => void> = [];
  /** When each job was queued (monoMs), parallel to `jobs`. */
  private readonly queuedAt: number[] = [];
  private head = 0;
  private scheduled = false;
  private lastArrivals = -1;

  /**
   * `arrivals()`: how many requests have been read so far. While a burst is still arriving (the
   * count moved since the last turn), the turn goes back to reading at once, unless the oldest job
   * waited HOLD_MAX_MS: reading a request costs the loop about as much as the client's send, so
   * every slice run during the arrivals is time the later requests sit unread (and unstamped).
   */
  constructor(
    private readonly sliceMs: number,
    private readonly arrivals: () => number = () => 0,
  ) {}

  /** Runs `fn` in a slice; the promise settles with its result (fn may itself return a promise). */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queuedAt.push(monoMs());
      this.jobs.push(() => {
        try {
          resolve(fn());
        } catch (e) {
          reject(e);
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.slice);
      }
    });
  }

  /** Jobs waiting for a slice. */
  get pending(): number {
    return this.jobs.length - this.head;
  }

  private readonly slice = (): void => {
    const now = monoMs();
    const seen = this.arrivals();
    const arriving = seen !== this.lastArrivals;
    this.lastArrivals = seen;
    if (arriving && now - (this.queuedAt[this.head] as number) < HOLD_MAX_MS) {
      setImmediate(this.slice);
      return;
    }
    const end = now + this.sliceMs;
    do (this.jobs[this.head++] as () => void)();
    while (this.head < this.jobs.length && monoMs() < end);
    if (this.head < this.jobs.length) {
      // under steady load the queue may never empty: drop the done part now and then
      if (this.head >= 1024) {
        this.jobs.splice(0, this.head);
        this.queuedAt.splice(0, this.head);
        this.head = 0;
      }
      setImmediate(this.slice);
      return;
    }
    this.jobs.length = 0;
    this.queuedAt.length = 0;
    this.head = 0;
    this.scheduled = false;
  };
}
