import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { monoMs } from '../../util/clock.ts';
import { percentileSorted } from '../../util/quantile.ts';
import { gcLedger } from './gc-ledger.ts';
import { threadSchedStat } from './sched-stat.ts';

export { threadRunQueueWaitMs, threadSchedStat } from './sched-stat.ts';

/** Health of one thread of the load generator over a run. */
export interface ThreadHealth {
  /** 'main' or 'worker-<n>'. */
  thread: string;
  wallMs: number;
  /** Event-loop delay beyond the 10 ms sampling interval (monitorEventLoopDelay), ms. */
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number };
  /**
   * V8 garbage-collection pauses seen by this thread. `ownMaxMs` / `starvedMaxMs`: the longest
   * pause judged our own work / judged mostly waiting for a CPU — judged once per pause for the
   * thread (src/engine/loadgen/gc-ledger.ts), so every load sharing the thread agrees.
   */
  gc: { count: number; totalMs: number; maxMs: number; p99Ms: number; ownMaxMs?: number; starvedMaxMs?: number };
  /**
   * Event-loop stalls over 50 ms (the thread's shared sampler fired that late), each judged once
   * for the thread like a GC pause: our own work, or mostly waiting for a CPU.
   */
  stalls?: { count: number; ownMaxMs: number; starvedMaxMs: number };
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
  private readonly startMs = monoMs();
  private readonly startPerfMs = performance.now();
  private endPerfMs: number | undefined;
  private readonly startSched = threadSchedStat();
  private stopped = false;

  constructor(private readonly name: string) {
    this.hist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.hist.enable();
    gcLedger.attach();
  }

  /** Current event-loop delay p99 (ms), for live samples. */
  loopP99Ms(): number {
    return nsToMs(this.hist.percentile(99));
  }

  report(maxInFlight: number): ThreadHealth {
    if (!this.stopped) {
      this.stopped = true;
      this.hist.disable();
      this.endPerfMs = performance.now();
      gcLedger.detach();
    }
    const mine = gcLedger.pauses.filter((p) => p.atMs >= this.startPerfMs && p.atMs <= this.endPerfMs!);
    const g = mine.map((p) => p.ms).sort((a, b) => a - b);
    const own = mine.filter((p) => !p.starved).reduce((m, p) => Math.max(m, p.ms), 0);
    const starved = mine.filter((p) => p.starved).reduce((m, p) => Math.max(m, p.ms), 0);
    const stalls = gcLedger.stalls.filter((p) => p.atMs >= this.startPerfMs && p.atMs <= this.endPerfMs!);
    const maxOf = (xs: typeof stalls): number => xs.reduce((m, p) => Math.max(m, p.ms), 0);
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
        ownMaxMs: own,
        starvedMaxMs: starved,
      },
      stalls: { count: stalls.length, ownMaxMs: maxOf(stalls.filter((p) => !p.starved)), starvedMaxMs: maxOf(stalls.filter((p) => p.starved)) },
      maxInFlight,
    };
  }
}

const RESOLUTION_MS = 10;

/** The histogram records whole timer intervals; the delay is what exceeds the resolution. */
function nsToMs(ns: number): number {
  return Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0;
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
