/** Linux per-thread scheduler statistics (/proc/thread-self/schedstat): CPU run time and run-queue wait. */
import { readFileSync } from 'node:fs';

/**
 * Time the calling thread spent runnable but waiting for a CPU (Linux
 * /proc/thread-self/schedstat, field 2), ms; undefined where unavailable.
 * High values mean other processes (or a CPU limit) starved the load generator.
 */
export function threadRunQueueWaitMs(): number | undefined {
  return threadSchedStat()?.waitMs;
}

/** The calling thread's time on a CPU and time runnable but waiting for one (Linux schedstat), ms. */
export function threadSchedStat(): { runMs: number; waitMs: number } | undefined {
  try {
    const f = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    const run = Number(f[0]);
    const wait = Number(f[1]);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runMs: run / 1e6, waitMs: wait / 1e6 } : undefined;
  } catch {
    return undefined;
  }
}
