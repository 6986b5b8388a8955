import { readFileSync } from 'node:fs';
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { monoMs } from '../../util/clock.ts';
import { percentileSorted } from '../../util/quantile.ts';

/** Health of one thread of the load generator over a run. */
export interface ThreadHealth {
  /** 'main' or 'worker-<n>'. */
  thread: string;
  wallMs: number;
  /** Event-loop delay beyond the 10 ms sampling interval (monitorEventLoopDelay), ms. */
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number };
  /** V8 garbage-collection pauses seen by this thread. */
  gc: { count: number; totalMs: number; maxMs: number; p99Ms: number };
  /** Requests this thread had in flight at once, at most. */
  maxInFlight: number;
  /** Time this thread was runnable but had no CPU (Linux), ms. */
  runQueueWaitMs?: number;
  /** Time this thread ran on a CPU (Linux), ms. With runQueueWaitMs: how starved it was when it had work. */
  cpuRunMs?: number;
}

/** Samples event-loop delay and GC pauses for the current thread. */
export class ThreadMonitor {
  private readonly hist: IntervalHistogram;
  private readonly obs: PerformanceObserver;
  private readonly gcDurations: number[] = [];
  private readonly startMs = monoMs();
  private readonly startSched = threadSchedStat();
  private stopped = false;

  constructor(private readonly name: string) {
    this.hist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.hist.enable();
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (this.gcDurations.length < 1_000_000) this.gcDurations.push(e.duration);
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  /** Current event-loop delay p99 (ms), for live samples. */
  loopP99Ms(): number {
    return nsToMs(this.hist.percentile(99));
  }

  report(maxInFlight: number): ThreadHealth {
    if (!this.stopped) {
      this.stopped = true;
      this.hist.disable();
      this.obs.disconnect();
    }
    const g = [...this.gcDurations].sort((a, b) => a - b);
    const n = this.hist.count;
    const w = threadSchedStat();
    const s0 = this.startSched;
    return {
      ...(w && s0 ? { runQueueWaitMs: Math.max(0, w.waitMs - s0.waitMs), cpuRunMs: Math.max(0, w.runMs - s0.runMs) } : {}),
      thread: this.name,
      wallMs: monoMs() - this.startMs,
      eventLoopDelayMs:
        n > 0
          ? { mean: nsToMs(this.hist.mean), p50: nsToMs(this.hist.percentile(50)), p99: nsToMs(this.hist.percentile(99)), max: nsToMs(this.hist.max) }
          : { mean: 0, p50: 0, p99: 0, max: 0 },
      gc: {
        count: g.length,
        totalMs: g.reduce((a, b) => a + b, 0),
        maxMs: g.length ? (g[g.length - 1] ?? 0) : 0,
        p99Ms: g.length ? percentileSorted(g, 99) : 0,
      },
      maxInFlight,
    };
  }
}

const RESOLUTION_MS = 10;

/** The histogram records whole timer intervals; the delay is what exceeds the resolution. */
function nsToMs(ns: number): number {
  return Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0;
}

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

/** Process CPU over an interval, as a fraction of one core. */
export class CpuMeter {
  private readonly start = process.cpuUsage();
  private readonly startMs = monoMs();
  private lastCpu = this.start;
  private lastMs = this.startMs;

  /** Utilisation since the previous call (fraction of one core). */
  sample(): number {
    const c = process.cpuUsage(this.lastCpu);
    const now = monoMs();
    const frac = (c.user + c.system) / 1000 / Math.max(1e-6, now - this.lastMs);
    this.lastCpu = process.cpuUsage();
    this.lastMs = now;
    return frac;
  }

  total(): { userMs: number; systemMs: number; wallMs: number; utilisation: number } {
    const c = process.cpuUsage(this.start);
    const wallMs = monoMs() - this.startMs;
    return { userMs: c.user / 1000, systemMs: c.system / 1000, wallMs, utilisation: (c.user + c.system) / 1000 / Math.max(1e-6, wallMs) };
  }
}

export const currentThreadId = threadId;
