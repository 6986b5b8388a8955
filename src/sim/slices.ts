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

export class SliceQueue {
  private readonly jobs: Array<() => void> = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly sliceMs: number) {}

  /** Runs `fn` in a slice; the promise settles with its result (fn may itself return a promise). */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
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
    const end = monoMs() + this.sliceMs;
    do (this.jobs[this.head++] as () => void)();
    while (this.head < this.jobs.length && monoMs() < end);
    if (this.head < this.jobs.length) {
      // under steady load the queue may never empty: drop the done part now and then
      if (this.head >= 1024) {
        this.jobs.splice(0, this.head);
        this.head = 0;
      }
      setImmediate(this.slice);
      return;
    }
    this.jobs.length = 0;
    this.head = 0;
    this.scheduled = false;
  };
}
