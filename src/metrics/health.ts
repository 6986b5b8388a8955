import type { LoadHealth, StageRun } from '../engine/loadgen/types.ts';
import type { RequestRecord } from '../engine/types.ts';
import { summarize, summarizeInPlace, type Summary } from './stats.ts';
import { RecordColumns, maxConcurrentOf } from '../engine/loadgen/columns.ts';
import type { SameReadGaps } from './same-read.ts';

export interface HealthThresholds {
  /** Open-loop schedule lag p99 above this (ms) means the client fell behind. Default 10. */
  lagP99Ms?: number;
  /** Event-loop delay p99 above this (ms) on any thread skews timestamps. Default 10. */
  loopP99Ms?: number;
  /** CPU per sending thread above this fraction of a core. Default 0.85. */
  cpuPerThread?: number;
  /** Achieved below this fraction of the requested rate (open loop). Default 0.95. */
  minRateRatio?: number;
  /** A GC pause longer than this (ms). Default 50. */
  gcMaxMs?: number;
  /** A client thread waited for a CPU more than this fraction of the run (other processes, CPU limits). Default 0.1. */
  runQueueWaitFraction?: number;
  /**
   * Of the time a client thread had work (on a CPU + waiting for one), it waited more than this
   * share: the machine, not our client, was short of CPU. Default 0.25.
   */
  starvedShare?: number;
  /**
   * The configured open-loop in-flight cap (runLoad's maxInFlight), if any: lag in a stage that
   * reached it is the cap's doing (requests waited for a slot), reported as cause 'in-flight-cap'.
   */
  inFlightCap?: { value: number; name: string; hint?: string };
}

/**
 * Why the load generator fell behind: 'none' (it did not), 'client' (our own work: CPU, GC),
 * 'machine' (client threads were runnable but waited for a CPU: other processes, a CPU limit),
 * 'client+machine' (both), 'in-flight-cap' (the configured cap on requests in flight was reached:
 * requests waited for a slot), 'unknown' (symptoms without evidence of either).
 */
export type BottleneckCause = 'none' | 'client' | 'machine' | 'client+machine' | 'in-flight-cap' | 'unknown';

export interface StageHealth {
  stage: number;
  kind: 'open' | 'closed';
  /**
   * When the stage clock started, on the records' clock (CLOCK_MONOTONIC ms; `clock` maps it to
   * wall time): an open stage's send offsets count from here, so the first scheduled arrival minus
   * this is the schedule's first offset (the start-up benchmark reads it).
   */
  clockStartMonoMs: number;
  requestedRate?: number;
  /** Requests / (last send − first send), as inference-perf. */
  achievedRate: number;
  /**
   * The same measure over the scheduled times (count / (last − first scheduled)): what sending
   * exactly on time would have achieved. A random schedule (poisson) can fall short of the
   * requested rate by itself; the client is judged against this, not the requested rate.
   */
  scheduledRate?: number;
  concurrency?: number;
  /** sent − scheduled, ms. */
  scheduleLagMs?: Summary;
  /** sent − dispatched: TCP connect and connection-pool waits inside the client, ms. */
  socketWaitMs?: Summary;
  /** Requests sent more than 1 ms / 10 ms late. */
  lateOver1Ms: number;
  lateOver10Ms: number;
  maxInFlight: number;
}

export interface LoadgenHealthReport {
  stages: StageHealth[];
  maxInFlight: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  cpuUtilisation: number;
  /** Largest run-queue wait of a client thread as a fraction of its wall time (Linux), when known. */
  runQueueWaitFraction?: number;
  /** Largest share of a client thread's busy time (on CPU + waiting for one) spent waiting (Linux), when known. */
  runQueueWaitShare?: number;
  sendingThreads: number;
  gc: { count: number; totalMs: number; maxMs: number };
  /** Gaps between streamed content events that arrived in one network read (ITL exactly 0 by construction). */
  sameReadGaps: SameReadGaps;
  /** The load generator fell behind or its timings are skewed (see `cause` for whose fault). */
  clientBottleneck: boolean;
  cause: BottleneckCause;
  /** One sentence for the user: what happened and whose fault it was. Empty when healthy. */
  verdict: string;
  reasons: string[];
}

/** Load-generator health and a verdict on whether the client itself was the bottleneck. */
export function loadgenHealth(
  records: readonly RequestRecord[] | RecordColumns,
  stages: readonly StageRun[],
  health: LoadHealth,
  th: HealthThresholds = {},
): LoadgenHealthReport {
  const cap = th.inFlightCap;
  let capped = false;
  const t = { lagP99Ms: 10, loopP99Ms: 10, cpuPerThread: 0.85, minRateRatio: 0.95, gcMaxMs: 50, runQueueWaitFraction: 0.1, starvedShare: 0.25, ...th };
  const reasons: string[] = [];
  // Numeric columns, not record objects: a run keeps 32 bytes per finished request for this.
  const cols = records instanceof RecordColumns ? records : RecordColumns.of(records);
  const out: StageHealth[] = [];
  for (const st of stages) {
    const c = cols.stage(st.stage);
    const n = c?.length ?? 0;
    const sent = c?.sentAtMs.view() ?? new Float64Array(0);
    const sched = c?.scheduledAtMs.view() ?? new Float64Array(0);
    const dispatched = c?.dispatchedAtMs.view() ?? new Float64Array(0);
    const lags = new Float64Array(n);
    const waits: number[] = [];
    let minS = Infinity;
    let maxS = -Infinity;
    let minQ = Infinity;
    let maxQ = -Infinity;
    let late1 = 0;
    let late10 = 0;
    for (let i = 0; i < n; i++) {
      // Lag to when send was called (the transport's socket wait is reported apart).
      const lag = (Number.isNaN(dispatched[i]!) ? sent[i]! : dispatched[i]!) - sched[i]!;
      lags[i] = lag;
      if (lag > 1) late1++;
      if (lag > 10) late10++;
      if (!Number.isNaN(dispatched[i]!)) waits.push(sent[i]! - dispatched[i]!);
      minS = Math.min(minS, sent[i]!);
      maxS = Math.max(maxS, sent[i]!);
      minQ = Math.min(minQ, sched[i]!);
      maxQ = Math.max(maxQ, sched[i]!);
    }
    const span = (maxS - minS) / 1000;
    const qSpan = (maxQ - minQ) / 1000;
    const sh: StageHealth = {
      stage: st.stage,
      kind: st.kind,
      clockStartMonoMs: st.startMs,
      achievedRate: span > 0 ? n / span : 0,
      scheduleLagMs: summarizeInPlace(lags),
      socketWaitMs: summarize(waits),
      lateOver1Ms: late1,
      lateOver10Ms: late10,
      maxInFlight: c ? maxConcurrentOf([c]) : 0,
    };
    if (st.requestedRate !== undefined) sh.requestedRate = st.requestedRate;
    if (st.kind === 'open' && qSpan > 0) sh.scheduledRate = n / qSpan;
    if (st.concurrency !== undefined) sh.concurrency = st.concurrency;
    out.push(sh);
    if (st.kind === 'open') {
      const p99 = sh.scheduleLagMs?.p99 ?? 0;
      if (cap && sh.maxInFlight >= cap.value && p99 > t.lagP99Ms) capped = true;
      if (p99 > t.lagP99Ms) reasons.push(`stage ${st.stage}: schedule lag p99 ${p99.toFixed(1)} ms > ${t.lagP99Ms} ms`);
      // Judged against what the schedule itself asked for (a poisson draw may be below `rate`).
      const target = st.requestedRate ? Math.min(st.requestedRate, sh.scheduledRate ?? Infinity) : undefined;
      if (target && n > 10 && sh.achievedRate < t.minRateRatio * target) {
        const of = target < st.requestedRate! ? `the schedule's ${target.toFixed(2)} (requested ${st.requestedRate})` : `requested ${st.requestedRate}`;
        reasons.push(`stage ${st.stage}: achieved ${sh.achievedRate.toFixed(2)} req/s < ${Math.round(t.minRateRatio * 100)}% of ${of}`);
      }
    }
  }
  let loopP99 = 0;
  let loopMax = 0;
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  for (const th of health.threads) {
    loopP99 = Math.max(loopP99, th.eventLoopDelayMs.p99);
    loopMax = Math.max(loopMax, th.eventLoopDelayMs.max);
    gc.count += th.gc.count;
    gc.totalMs += th.gc.totalMs;
    gc.maxMs = Math.max(gc.maxMs, th.gc.maxMs);
  }
  if (loopP99 > t.loopP99Ms) reasons.push(`event-loop delay p99 ${loopP99.toFixed(1)} ms > ${t.loopP99Ms} ms`);
  const sendingThreads = Math.max(1, health.workers);
  const perThread = health.cpu.utilisation / (health.workers > 0 ? sendingThreads + 1 : 1);
  let waitFraction: number | undefined;
  let waitShare: number | undefined;
  for (const th of health.threads) {
    if (th.runQueueWaitMs === undefined || th.wallMs <= 0) continue;
    waitFraction = Math.max(waitFraction ?? 0, th.runQueueWaitMs / th.wallMs);
    if (th.cpuRunMs !== undefined && th.cpuRunMs + th.runQueueWaitMs > 0) {
      waitShare = Math.max(waitShare ?? 0, th.runQueueWaitMs / (th.cpuRunMs + th.runQueueWaitMs));
    }
  }
  const heavyWait = waitFraction !== undefined && waitFraction > t.runQueueWaitFraction;
  let starved = heavyWait || (waitShare !== undefined && waitShare > t.starvedShare);
  let busy = false;
  if (perThread > t.cpuPerThread) {
    busy = true;
    reasons.push(`client CPU ${(perThread * 100).toFixed(0)}% of a core per thread > ${t.cpuPerThread * 100}%`);
  }
  if (gc.maxMs > t.gcMaxMs) {
    // A pause is measured in wall time: on a starved machine it includes waiting for a CPU, so
    // it is not always evidence that our client was busy. Each pause is judged once for its
    // thread (engine/loadgen/gc-ledger.ts: the run-queue wait around it), so every load sharing
    // the thread (-j N in one process) calls the same pause the same; without that judgement
    // (older health data) the run's own window decides.
    const judged = health.threads.some((x) => x.gc.ownMaxMs !== undefined);
    const ownMaxMs = Math.max(0, ...health.threads.map((x) => x.gc.ownMaxMs ?? 0));
    const gcIsOurs = judged ? ownMaxMs > t.gcMaxMs : !(starved && perThread < 0.5);
    if (gcIsOurs) busy = true;
    else if (judged) starved = true;
    reasons.push(`GC pause ${gc.maxMs.toFixed(1)} ms > ${t.gcMaxMs} ms${gcIsOurs ? '' : ' (wall time, inflated by waiting for a CPU)'}`);
  }
  // Event-loop stalls judged once for their thread (engine/loadgen/gc-ledger.ts): one of our own
  // work over the GC threshold is evidence our client was busy, one spent waiting for a CPU that
  // the machine starved it; every load sharing the thread reads the same judgement.
  const stallOwnMs = Math.max(0, ...health.threads.map((x) => x.stalls?.ownMaxMs ?? 0));
  const stallStarvedMs = Math.max(0, ...health.threads.map((x) => x.stalls?.starvedMaxMs ?? 0));
  if (stallOwnMs > t.gcMaxMs) busy = true;
  if (stallStarvedMs > t.gcMaxMs) starved = true;
  if (heavyWait) reasons.push(`a client thread waited for a CPU ${(waitFraction! * 100).toFixed(0)}% of the run (other processes or a CPU limit)`);
  let cause: BottleneckCause = 'none';
  if (reasons.length > 0) cause = busy && starved ? 'client+machine' : busy ? 'client' : capped ? 'in-flight-cap' : starved ? 'machine' : 'unknown';
  if (capped && cap) reasons.push(`the in-flight cap ${cap.name} = ${cap.value} was reached; requests waited for a slot`);
  const share = waitShare !== undefined ? `; client threads waited for a CPU ${(waitShare * 100).toFixed(0)}% of the time they had work` : '';
  const own = `our own CPU use was ${(perThread * 100).toFixed(0)}% of a core per thread`;
  const verdict =
    cause === 'none'
      ? ''
      : cause === 'client'
        ? `the load generator itself was the bottleneck (our client was busy: ${own}); these numbers understate the server`
        : cause === 'machine'
          ? `the load generator fell behind because the machine was short of CPU, not because of its own work (${own}${share}): other processes, a CPU limit or a simulator on the same cores starved it; latencies include that delay — rerun on a quieter machine`
          : cause === 'in-flight-cap' && cap
            ? `the load generator sent late because the profile caps requests in flight at ${cap.name} = ${cap.value} and the server was slower than that allows (the waits are schedule lag, not latency${cap.hint ? `; ${cap.hint}` : ''})`
          : cause === 'client+machine'
            ? `the load generator fell behind: our client was busy (${own}) and the machine was short of CPU${share}; these numbers understate the server`
            : `the load generator fell behind (${own}${share}; cause unclear); treat latencies and rates with care`;
  return {
    stages: out,
    maxInFlight: health.maxInFlight,
    eventLoopDelayP99Ms: loopP99,
    eventLoopDelayMaxMs: loopMax,
    cpuUtilisation: health.cpu.utilisation,
    ...(waitFraction !== undefined ? { runQueueWaitFraction: waitFraction } : {}),
    ...(waitShare !== undefined ? { runQueueWaitShare: waitShare } : {}),
    sendingThreads,
    gc,
    sameReadGaps: { gaps: cols.sameReadGaps, sameRead: cols.sameReadChunks, share: cols.sameReadGaps > 0 ? cols.sameReadChunks / cols.sameReadGaps : null },
    clientBottleneck: reasons.length > 0,
    cause,
    verdict,
    reasons,
  };
}
