import { monoMs } from '../../util/clock.ts';
import { EngineClient, type ClientOptions, type PreparedRequest } from '../client/http-client.ts';
import type { RequestRecord } from '../types.ts';

/** One request handed to an executor. `deadlineMs`: open loop, the intended send time. */
export interface Job {
  id: number;
  stage: number;
  prepared: PreparedRequest;
  deadlineMs: number;
}

export interface ExecutorEvents {
  onRecord(rec: RequestRecord): void;
  /** Ids of queued jobs discarded by stopStage(). */
  onDropped(ids: number[]): void;
}

export interface ExecutorOptions {
  client: ClientOptions;
  /** Worker index stamped on records. */
  index: number;
  /** The last part of a wait (ms) is done by polling with setImmediate, for sub-ms accuracy. Default 1. */
  finalWaitMs?: number;
}

/**
 * Sends jobs from one thread. Open loop: each job at its absolute deadline
 * (a timer until `finalWaitMs` before it, then setImmediate polling; late jobs
 * go at once; the schedule never re-anchors, so it cannot drift). Closed loop:
 * at most `slots` in flight; a job's scheduled time is when its slot became
 * free, so waiting for work shows up as schedule lag.
 */
export class Executor {
  private readonly client: EngineClient;
  private readonly finalWaitMs: number;
  private queue: Job[] = [];
  private qh = 0;
  private mode: 'open' | 'closed' = 'open';
  private slots = 0;
  private freeTimes: number[] = [];
  /** Open loop with an in-flight cap: due jobs waiting for a free slot (FIFO). */
  private waiting: Job[] = [];
  private wh = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  inFlight = 0;
  maxInFlight = 0;
  sent = 0;
  completed = 0;

  constructor(
    private readonly opts: ExecutorOptions,
    private readonly events: ExecutorEvents,
  ) {
    this.client = new EngineClient(opts.client);
    this.finalWaitMs = opts.finalWaitMs ?? 1;
  }

  /**
   * Closed: `slots` requests in flight. Open: `slots` caps requests in flight
   * (0 = no cap); a due job waits for a slot and its lateness is schedule lag.
   */
  startStage(mode: 'open' | 'closed', slots: number, slotFreeSinceMs: number): void {
    this.mode = mode;
    this.slots = slots;
    this.freeTimes = mode === 'closed' ? new Array<number>(slots).fill(slotFreeSinceMs) : [];
  }

  submit(job: Job): void {
    // Open loop: a job already due (e.g. released late by its session) goes now, not behind queued future jobs.
    if (this.mode === 'open' && job.deadlineMs <= monoMs()) {
      this.due(job);
      return;
    }
    this.queue.push(job);
    if (this.mode === 'closed') this.pumpClosed();
    else if (this.queue.length - this.qh === 1) this.arm();
  }

  /** Discard queued (unsent) jobs. */
  stopStage(): void {
    const ids: number[] = [];
    for (let i = this.qh; i < this.queue.length; i++) ids.push(this.queue[i]!.id);
    for (let i = this.wh; i < this.waiting.length; i++) ids.push(this.waiting[i]!.id);
    this.waiting = [];
    this.wh = 0;
    this.queue = [];
    this.qh = 0;
    this.disarm();
    this.events.onDropped(ids);
  }

  abortInFlight(message = 'aborted by the run after the grace period'): void {
    this.client.abortAll('aborted', message);
  }

  async close(): Promise<void> {
    this.disarm();
    await this.client.close();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.arm();
  };

  /** Open loop: send everything due, then wait for the next deadline. */
  private arm(): void {
    if (this.timer || this.immediate) return;
    for (;;) {
      const job = this.queue[this.qh];
      if (!job) {
        this.queue = [];
        this.qh = 0;
        return;
      }
      const wait = job.deadlineMs - monoMs();
      if (wait > 0) {
        if (wait > this.finalWaitMs) this.timer = setTimeout(this.tick, Math.max(1, Math.floor(wait - this.finalWaitMs)));
        else this.immediate = setImmediate(this.tick);
        return;
      }
      this.qh++;
      this.due(job);
      this.compactQueue();
    }
  }

  /**
   * Drop the sent jobs from the front of the queue once they are half of it. The queue is only
   * emptied when it runs dry, and a saturated closed loop never runs dry (the coordinator keeps a
   * job queued behind the busy slots): without this every job of the stage — its prepared body
   * and spec — stayed reachable until the stage ended (~0.5 KB a request; docs/performance.md).
   */
  private compactQueue(): void {
    if (this.qh > 1024 && this.qh * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qh);
      this.qh = 0;
    }
  }

  private pumpClosed(): void {
    while (this.inFlight < this.slots && this.qh < this.queue.length) {
      const job = this.queue[this.qh++]!;
      const freeSince = this.freeTimes.length > 0 ? this.freeTimes.shift()! : monoMs();
      this.launch(job, freeSince);
    }
    if (this.qh === this.queue.length) {
      this.queue = [];
      this.qh = 0;
    } else this.compactQueue();
  }

  /** Open loop: a job whose deadline has come. */
  private due(job: Job): void {
    if (this.slots > 0 && this.inFlight >= this.slots) this.waiting.push(job);
    else this.launch(job, job.deadlineMs);
  }

  private launch(job: Job, scheduledAtMs: number): void {
    this.inFlight++;
    this.sent++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    this.client.send(job.prepared, { id: job.id, stage: job.stage, worker: this.opts.index, scheduledAtMs }, this.onDone);
  }

  private readonly onDone = (rec: RequestRecord): void => {
    this.inFlight--;
    this.completed++;
    if (this.mode === 'closed') this.freeTimes.push(rec.endAtMs);
    this.events.onRecord(rec);
    if (this.mode === 'closed') this.pumpClosed();
    else if (this.wh < this.waiting.length) {
      const job = this.waiting[this.wh++]!;
      if (this.wh === this.waiting.length) {
        this.waiting = [];
        this.wh = 0;
      } else if (this.wh > 1024 && this.wh * 2 > this.waiting.length) {
        // A capped open loop that stays saturated never empties `waiting`: drop the launched front.
        this.waiting = this.waiting.slice(this.wh);
        this.wh = 0;
      }
      this.launch(job, job.deadlineMs);
    }
  };
}
