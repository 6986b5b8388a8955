/**
 * The simulator's helper threads (V8's optimizing-compiler and GC helpers,
 * libuv's pool, the tokenizer thread) at a lower scheduling priority than its
 * main thread, which writes every due token. Pinned to one core (as `npm run
 * bench -- sim` and a small pod run it), the helpers share that core with the
 * main thread at equal priority: in the first thousands of requests V8's
 * background compiles alone took a third of the simulator's CPU, and the due
 * first tokens of a burst waited behind them. At a lower priority they run
 * when the main thread waits. Linux: per-thread nice values (elsewhere
 * setpriority would apply to the whole process, so nothing is done).
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice value of the helper threads (the main thread keeps its own). */
export const HELPER_NICE = 10;

/** Lowers every thread of this process but the main one; returns how many were lowered. */
export function lowerHelperThreads(): number {
  if (process.platform !== 'linux') return 0;
  let n = 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const t of tids) {
    const tid = Number(t);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      setPriority(tid, HELPER_NICE);
      n++;
    } catch {
      // gone, or not permitted: keep its priority
    }
  }
  return n;
}
