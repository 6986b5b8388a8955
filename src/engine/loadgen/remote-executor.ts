import { Worker } from 'node:worker_threads';
import type { RequestRecord } from '../types.ts';
import type { ExecutorEvents, ExecutorOptions, Job } from './executor.ts';
import type { ThreadHealth } from './health.ts';
import { workerBoot } from '../../util/worker-boot.ts';

export type ToWorker =
  | { t: 'stage'; mode: 'open' | 'closed'; slots: number; since: number }
  | { t: 'jobs'; jobs: Job[] }
  | { t: 'stop' }
  | { t: 'abort'; message?: string }
  | { t: 'close' };

export type FromWorker =
  | { t: 'recs'; recs: RequestRecord[]; sent: number; inFlight: number }
  | { t: 'dropped'; ids: number[] }
  | { t: 'stat'; sent: number; inFlight: number }
  | { t: 'closed'; health: ThreadHealth }
  | { t: 'ready' };

// Worker threads do not inherit tsx's loader on Node 20: the eval'd boot script registers tsx
// when running from sources (util/worker-boot.ts), then loads worker.ts (or dist's worker.js).
const BOOT = workerBoot(import.meta.url, './worker.ts');

/**
 * The main thread's handle on an Executor running in a worker thread. Jobs
 * submitted in one turn go in one message.
 */
export class RemoteExecutor {
  private readonly worker: Worker;
  private pending: Job[] = [];
  private scheduled = false;
  private closedHealth: Promise<ThreadHealth>;
  /** Resolves once the worker has loaded and can take jobs. */
  readonly ready: Promise<void>;
  sent = 0;
  inFlight = 0;
  /** Jobs handed to the worker and not yet back as a record or a drop. */
  private readonly outstanding = new Set<number>();
  private closing = false;
  /** Set when the worker died; the run fails with it. */
  error: Error | undefined;

  constructor(opts: ExecutorOptions, events: ExecutorEvents & { onError(err: Error): void }) {
    this.worker = new Worker(BOOT, { eval: true, workerData: opts });
    let resolveHealth!: (h: ThreadHealth) => void;
    let resolveReady!: () => void;
    this.ready = new Promise((r) => (resolveReady = r));
    this.closedHealth = new Promise((r) => (resolveHealth = r));
    this.worker.on('message', (m: FromWorker) => {
      switch (m.t) {
        case 'recs':
          this.sent = m.sent;
          this.inFlight = m.inFlight;
          for (const r of m.recs) {
            this.outstanding.delete(r.id);
            events.onRecord(r);
          }
          break;
        case 'dropped':
          for (const id of m.ids) this.outstanding.delete(id);
          events.onDropped(m.ids);
          break;
        case 'stat':
          this.sent = m.sent;
          this.inFlight = m.inFlight;
          break;
        case 'closed':
          resolveHealth(m.health);
          break;
        case 'ready':
          resolveReady();
          break;
      }
    });
    // A worker that dies takes its jobs with it: they are reported dropped so the run cannot hang.
    const lost = (): void => {
      if (this.outstanding.size === 0) return;
      const ids = [...this.outstanding];
      this.outstanding.clear();
      events.onDropped(ids);
    };
    this.worker.on('error', (err) => {
      this.error = err;
      events.onError(err);
      lost();
    });
    this.worker.on('exit', () => {
      if (!this.closing) {
        if (!this.error) events.onError(new Error(`load-generator worker ${opts.index} exited unexpectedly`));
        lost();
      }
      resolveReady();
      resolveHealth(emptyHealth(`worker-${opts.index}`));
    });
  }

  private post(m: ToWorker): void {
    this.flush();
    this.worker.postMessage(m);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const jobs = this.pending;
    this.pending = [];
    this.worker.postMessage({ t: 'jobs', jobs } satisfies ToWorker);
  };

  startStage(mode: 'open' | 'closed', slots: number, since: number): void {
    this.post({ t: 'stage', mode, slots, since });
  }

  submit(job: Job): void {
    this.outstanding.add(job.id);
    this.pending.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  stopStage(): void {
    this.post({ t: 'stop' });
  }

  abortInFlight(message?: string): void {
    this.post(message === undefined ? { t: 'abort' } : { t: 'abort', message });
  }

  /** Close the worker; resolves with its health report. */
  async close(): Promise<ThreadHealth> {
    this.closing = true;
    this.post({ t: 'close' });
    const h = await this.closedHealth;
    await this.worker.terminate();
    return h;
  }
}

function emptyHealth(thread: string): ThreadHealth {
  return {
    thread,
    wallMs: 0,
    eventLoopDelayMs: { mean: 0, p50: 0, p99: 0, max: 0 },
    gc: { count: 0, totalMs: 0, maxMs: 0, p99Ms: 0 },
    maxInFlight: 0,
  };
}
