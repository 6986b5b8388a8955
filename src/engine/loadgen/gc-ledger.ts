/**
 * GC pauses judged once per thread, shared by every load running on that thread (issue 12:
 * "with -j 2 the same GC pause is called 'CPU starved' for one instance and 'client busy' for
 * the other"). A pause is measured in wall time; whether it was our own work or mostly waiting
 * for a CPU is a fact of the pause, not of the run that reports it. Before, each run judged its
 * pauses from its own window's run-queue wait, so two -j instances in one process (different
 * start and end times) could judge the same pause differently. Here one observer per thread
 * records every pause with the thread's run-queue wait share around it (Linux schedstat:
 * sampled every 100 ms, and read again when the pause is reported), judged against
 * STARVED_SHARE once; every ThreadMonitor of the thread reads the same judged pauses.
 * Event-loop stalls are kept the same way: the sampler firing more than STALL_MS late is a stall,
 * judged by the wait share over the stall itself.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { threadSchedStat } from './sched-stat.ts';

/** A pause is "waiting for a CPU" when the thread waited more than this share of the time it had work around it. */
export const STARVED_SHARE = 0.25;
const SAMPLE_MS = 100;
/** The sampler firing this much late is an event-loop stall (judged like a pause). */
export const STALL_MS = 50;
/** Pauses kept while any load runs on the thread (a run of hours has some thousands). */
const MAX_PAUSES = 1_000_000;

export interface JudgedPause {
  /** performance.now() at the pause start. */
  atMs: number;
  ms: number;
  /** The thread waited for a CPU more than STARVED_SHARE of the time around the pause. */
  starved: boolean;
  /** That share, when the platform tells (Linux). */
  waitShare?: number;
}

interface Sample {
  tMs: number;
  runMs: number;
  waitMs: number;
}

class GcLedger {
  private refs = 0;
  private obs: PerformanceObserver | undefined;
  private timer: NodeJS.Timeout | undefined;
  private samples: Sample[] = [];
  pauses: JudgedPause[] = [];
  /** Event-loop stalls (the 100 ms sampler late by more than STALL_MS), judged the same way over the stall itself. */
  stalls: JudgedPause[] = [];
  private lastTickMs = 0;

  attach(): void {
    if (this.refs++ > 0) return;
    this.pauses = [];
    this.stalls = [];
    this.samples = [];
    this.sample();
    this.lastTickMs = 0;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.judge(e.startTime, e.duration);
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  detach(): void {
    if (--this.refs > 0) return;
    this.refs = 0;
    if (this.timer) clearInterval(this.timer);
    this.obs?.disconnect();
    this.obs = undefined;
  }

  private sample(): void {
    const now = performance.now();
    const late = this.lastTickMs > 0 ? now - this.lastTickMs - SAMPLE_MS : 0;
    this.lastTickMs = now;
    const s = threadSchedStat();
    if (late > STALL_MS && this.stalls.length < MAX_PAUSES) {
      // the stall is the time since the previous sample: did the thread run or wait for a CPU then?
      const prev = this.samples[this.samples.length - 1];
      const dw = s && prev ? s.waitMs - prev.waitMs : 0;
      const dr = s && prev ? s.runMs - prev.runMs : 0;
      const waitShare = dw + dr > 0 ? dw / (dw + dr) : 0;
      this.stalls.push({ atMs: now - late, ms: late, starved: waitShare > STARVED_SHARE, ...(s && prev ? { waitShare } : {}) });
    }
    if (!s) return;
    this.samples.push({ tMs: now, ...s });
    if (this.samples.length > 64) this.samples.splice(0, this.samples.length - 32);
  }

  private judge(atMs: number, ms: number): void {
    if (this.pauses.length >= MAX_PAUSES) return;
    const now = threadSchedStat();
    let before: Sample | undefined;
    for (const s of this.samples) if (s.tMs <= atMs) before = s;
    before ??= this.samples[0];
    if (!now || !before) {
      this.pauses.push({ atMs, ms, starved: false });
      return;
    }
    const dw = now.waitMs - before.waitMs;
    const dr = now.runMs - before.runMs;
    const waitShare = dw + dr > 0 ? dw / (dw + dr) : 0;
    this.pauses.push({ atMs, ms, starved: waitShare > STARVED_SHARE, waitShare });
  }
}

/** This thread's ledger (module state: one per thread). */
export const gcLedger = new GcLedger();
