/**
 * The precise clock: ONE scheduling loop for every stream. Items sit in a
 * min-heap by due time (CLOCK_MONOTONIC ms, fractional). The loop arms a single
 * setTimeout to shortly before the earliest due time (libuv timers have 1 ms
 * granularity and may fire ~1 ms early). For the last stretch it does not
 * busy-spin (that would burn the core the load generator may need): each
 * event-loop turn (setImmediate, so I/O is served between turns) sleeps in
 * Atomics.wait — a futex, no CPU — for at most BLOCK_MAX_MS, wakes slightly
 * before the due time and spins at most the last 30 µs. Items already due fire
 * at once (catch-up without drift: the next due time is computed from the
 * scheduled one, not from when it fired).
 */
import { monoMs } from '../util/clock.ts';

export interface Timed {
  due: number;
  /** Position in the heap; -1 when not scheduled. */
  heapIndex: number;
  onDue(now: number): void;
}

/** How close to the due time the loop switches from a timer to turn-by-turn approach, ms. */
const SPIN_MS = 1.5;
/** Longest sleep inside one event-loop turn (bounds the delay added to incoming I/O), ms. */
const BLOCK_MAX_MS = 0.5;
/** Futex wake-ups run late by tens of µs (timer slack): wake this much early and spin the rest, ms. */
const WAKE_EARLY_MS = 0.08;
/** Shortest futex sleep, ms. */
const MIN_SLEEP_MS = 0.01;
/** After waking, spin only if the due time is at most this close, ms. */
const SPIN_MAX_MS = 0.03;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class Ticker {
  private readonly heap: Timed[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedFor = Infinity;
  private stopped = false;
  private running = false;
  /** Largest lateness seen (ms) — exposed for diagnostics. */
  maxLateMs = 0;

  /** ms until the earliest scheduled item is due (Infinity when none). */
  msToNext(now: number): number {
    const top = this.heap[0];
    return top ? top.due - now : Infinity;
  }

  get size(): number {
    return this.heap.length;
  }

  schedule(item: Timed, due: number): void {
    item.due = due;
    if (item.heapIndex >= 0) {
      this.siftUp(item.heapIndex);
      this.siftDown(item.heapIndex);
    } else {
      item.heapIndex = this.heap.length;
      this.heap.push(item);
      this.siftUp(item.heapIndex);
    }
    if (!this.running && due < this.armedFor) this.arm();
  }

  cancel(item: Timed): void {
    const i = item.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop() as Timed;
    item.heapIndex = -1;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.siftUp(i);
      this.siftDown(i);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap[0];
    if (!top) {
      this.armedFor = Infinity;
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.armedFor = top.due;
    const wait = top.due - monoMs();
    if (wait > SPIN_MS) {
      if (this.immediate) {
        clearImmediate(this.immediate);
        this.immediate = undefined;
      }
      this.timer = setTimeout(this.run, Math.floor(wait - SPIN_MS + 0.5));
    } else if (!this.immediate) {
      this.immediate = setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = Infinity;
    this.running = true;
    this.fireDue();
    const top = this.heap[0];
    if (top && !this.stopped) {
      const rem = top.due - monoMs();
      if (rem > 0 && rem <= SPIN_MS) {
        // Sleep even when the gap is tiny (dense streams): a futex wait costs no CPU and wakes
        // ~50 µs late at worst; spinning would burn the core the load generator may need.
        // Longer gaps sleep BLOCK_MAX_MS per turn, so I/O is still served in between.
        Atomics.wait(sleeper, 0, 0, Math.min(Math.max(rem - WAKE_EARLY_MS, MIN_SLEEP_MS), BLOCK_MAX_MS));
        const due = top.due;
        let left = due - monoMs();
        if (left > 0 && left <= SPIN_MAX_MS) {
          let spins = 0;
          while (left > 0 && spins++ < 10000) left = due - monoMs();
        }
        this.fireDue();
      }
    }
    this.running = false;
    this.arm();
  };

  /** Fires every due item; bounded per turn so sockets get serviced even when far behind. */
  private fireDue(): void {
    let now = monoMs();
    for (let n = 0; n < 4096; n++) {
      const top = this.heap[0];
      if (!top || top.due > now) break;
      this.cancel(top);
      const late = now - top.due;
      if (late > this.maxLateMs) this.maxLateMs = late;
      top.onDue(now);
      if ((n & 63) === 63) now = monoMs();
    }
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const item = h[i] as Timed;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Timed;
      if (parent.due <= item.due) break;
      h[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    h[i] = item;
    item.heapIndex = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[i] as Timed;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (h[r] as Timed).due < (h[l] as Timed).due ? r : l;
      const child = h[c] as Timed;
      if (child.due >= item.due) break;
      h[i] = child;
      child.heapIndex = i;
      i = c;
    }
    h[i] = item;
    item.heapIndex = i;
  }
}
