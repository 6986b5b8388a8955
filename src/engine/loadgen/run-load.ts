import { availableParallelism } from 'node:os';
import { clockAnchor, monoMs } from '../../util/clock.ts';
import type { ClientOptions } from '../client/http-client.ts';
import { RecordWriter } from '../record/writer.ts';
import type { RequestRecord, StagePlan, StageStopRule } from '../types.ts';
import { Executor, type ExecutorEvents, type Job } from './executor.ts';
import { CpuMeter, ThreadMonitor, type ThreadHealth } from './health.ts';
import { RemoteExecutor } from './remote-executor.ts';
import type { LoadHealth, LoadResult, Progress, RunLoadOptions, StageRun } from './types.ts';
import { TtftWindow } from './live.ts';
import { RecordColumns, maxConcurrentOf } from './columns.ts';
import { RequestFeed, type Entry } from './feed.ts';
import { resolveWorkers, validatePlan } from './plan.ts';
import { collectGarbageNow } from './gc.ts';
import { arrivalsOf } from '../schedule/arrivals.ts';
import { LlmdbenchError } from '../../util/errors.ts';

/** Jobs are handed to executors this far ahead of their deadline (they pace precisely). */
const HORIZON_MS = 50;

type AnyExecutor = Pick<Executor, 'startStage' | 'submit' | 'stopStage'> & { abortInFlight(message?: string): void };

/** Run a load plan: every stage in order, one RequestRecord per request sent. Never rejects for request failures. */
export async function runLoad(opts: RunLoadOptions): Promise<LoadResult> {
  // Garbage from opening the run (tokenizer, corpus) is collected before any stage clock starts.
  if (opts.collectGarbageFirst !== false) collectGarbageNow();
  return new Coordinator(opts).run();
}

export { resolveWorkers };

class Coordinator {
  private readonly nWorkers: number;
  private readonly execs: AnyExecutor[] = [];
  private readonly locals: Executor[] = [];
  private readonly remotes: RemoteExecutor[] = [];
  private readonly clientOpts: ClientOptions;
  /** Only with keepRecords: true. */
  private readonly records: RequestRecord[] = [];
  private readonly columns = new RecordColumns();
  private readonly writer: RecordWriter | undefined;
  private readonly inflight = new Map<number, Entry>();
  private readonly feed: RequestFeed;
  private readonly ttft = new TtftWindow(512);
  private readonly monitor = new ThreadMonitor('main');
  private readonly cpu = new CpuMeter();
  private readonly samples: LoadHealth['samples'] = [];
  private readonly stageRuns: StageRun[] = [];
  private completed = 0;
  private failed = 0;
  private aborted = false;
  private fatal: unknown;
  private writeError: NodeJS.ErrnoException | undefined;
  private startMs = 0;
  private cur: StageState | undefined;
  private readonly abortWaiters = new Set<() => void>();
  private graceTimer: NodeJS.Timeout | undefined;
  private sentAtStageStart = 0;

  constructor(private readonly opts: RunLoadOptions) {
    validatePlan(opts);
    this.nWorkers = resolveWorkers(opts.workers, opts.stages);
    const nExec = Math.max(1, this.nWorkers);
    // Pool size = the most requests ever in flight: a closed stage's concurrency, an open
    // stage's request count (capped by maxInFlight, which applies to open stages only).
    let planned = 1;
    for (const s of opts.stages) {
      const count = s.kind === 'open' ? arrivalsOf(s).count : 0;
      const open = opts.maxInFlight ? Math.min(count, opts.maxInFlight) : count;
      planned = Math.max(planned, s.kind === 'closed' ? Math.ceil(s.concurrency) : open);
    }
    const connections = Math.ceil((opts.client.connections ?? planned) / nExec);
    this.clientOpts = { ...opts.client, connections: Math.max(1, connections) };
    if (opts.recordsPath) {
      // A failed records write (a full disk) stops the load at once: what finished stays written.
      this.writer = new RecordWriter(opts.recordsPath, {
        onError: (err) => {
          this.writeError = err;
          this.cancelNow('cancelled: writing the records failed');
        },
      });
    }
    this.feed = new RequestFeed(opts.source, this.clientOpts, (err) => this.fail(err));
  }

  async run(): Promise<LoadResult> {
    const anchor = clockAnchor();
    this.startMs = anchor.monoMs;
    this.makeExecutors();
    await Promise.all(this.remotes.map((r) => r.ready));
    const signal = this.opts.signal;
    const onAbort = (): void => this.abort();
    if (signal?.aborted) this.aborted = true;
    signal?.addEventListener('abort', onAbort, { once: true });
    const cancel = this.opts.cancelSignal;
    const onCancel = (): void => this.cancelNow();
    if (cancel?.aborted) this.aborted = true;
    cancel?.addEventListener('abort', onCancel, { once: true });
    const progressTimer = setInterval(() => this.progress(), this.opts.progressIntervalMs ?? 1000);
    const sampleTimer = setInterval(() => this.sample(), this.opts.healthSampleMs ?? 1000);
    progressTimer.unref();
    sampleTimer.unref();
    try {
      for (let i = 0; i < this.opts.stages.length && !this.aborted; i++) {
        if (i > 0) await this.sleep(this.interval(i - 1));
        if (this.aborted) break;
        const plan = this.opts.stages[i]!;
        const run = await (plan.kind === 'open' ? this.runOpen(plan) : this.runClosed(plan));
        this.stageRuns.push(run);
        try {
          this.opts.onStageEnd?.(run);
        } catch (err) {
          this.fail(err);
        }
      }
    } finally {
      clearInterval(progressTimer);
      clearInterval(sampleTimer);
      signal?.removeEventListener('abort', onAbort);
      cancel?.removeEventListener('abort', onCancel);
    }
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.progress();
    const cpu = this.cpu.total();
    const threads: ThreadHealth[] = [this.monitor.report(this.locals[0]?.maxInFlight ?? 0)];
    for (const l of this.locals) await l.close();
    for (const r of this.remotes) threads.push(await r.close());
    await this.writer?.close();
    if (this.fatal !== undefined) throw this.fatal;
    return {
      records: this.records,
      columns: this.columns,
      stages: this.stageRuns,
      health: {
        threads,
        cpu: { ...cpu, cores: availableParallelism() },
        maxInFlight: maxConcurrentOf(this.columns.parts()),
        samples: this.samples,
        workers: this.nWorkers,
      },
      aborted: this.aborted,
      ...(this.writeError ? { writeError: { path: this.opts.recordsPath!, error: this.writeError } } : {}),
      clock: anchor,
      startMs: this.startMs,
      endMs: monoMs(),
    };
  }

  private makeExecutors(): void {
    const events = (index: number): ExecutorEvents & { onError(err: Error): void } => ({
      onRecord: (rec) => this.complete(rec),
      onDropped: (ids) => this.dropped(ids, index),
      onError: (err) => this.fail(err),
    });
    if (this.nWorkers === 0) {
      const e = new Executor({ client: this.clientOpts, index: 0, finalWaitMs: this.opts.finalWaitMs }, events(0));
      this.locals.push(e);
      this.execs.push(e);
      return;
    }
    for (let i = 0; i < this.nWorkers; i++) {
      const r = new RemoteExecutor({ client: this.clientOpts, index: i, finalWaitMs: this.opts.finalWaitMs }, events(i));
      this.remotes.push(r);
      this.execs.push(r);
    }
  }

  private interval(gap: number): number {
    const iv = this.opts.intervalMs;
    if (iv === undefined) return 0;
    return typeof iv === 'number' ? iv : (iv[gap] ?? iv[iv.length - 1] ?? 0);
  }

  private submit(exec: number, e: Entry, deadlineMs: number): void {
    this.inflight.set(e.id, e);
    const job: Job = { id: e.id, stage: e.stage, prepared: e.prepared!, deadlineMs };
    this.cur!.outstanding++;
    this.cur!.run.submitted++;
    this.execs[exec]!.submit(job);
  }

  private complete(rec: RequestRecord): void {
    const e = this.inflight.get(rec.id);
    this.inflight.delete(rec.id);
    this.completed++;
    if (rec.error) this.failed++;
    else if (rec.chunkTimesMs.length > 0) this.ttft.add(rec.chunkTimesMs[0]! - rec.sentAtMs);
    if (this.opts.keepRecords === true) this.records.push(rec);
    this.columns.add(rec);
    this.writer?.add(rec);
    try {
      this.opts.onRecord?.(rec);
      if (e?.spec) this.opts.source.onResponse?.(e.spec, rec);
    } catch (err) {
      this.fail(err);
    }
    if (e) this.feed.release(e);
    const st = this.cur;
    if (st && rec.stage === st.run.stage) {
      st.outstanding--;
      st.run.completed++;
      if (rec.error && rec.error.label !== 'aborted') st.errors++;
      if (st.maxErrors !== undefined && st.errors >= st.maxErrors) st.stopNow(`stage stopped after ${st.errors} errors (max_errors)`);
      const why = st.stopRule?.record?.(rec);
      if (why) st.stopNow(why);
      st.onDone(rec.worker);
    }
  }

  private dropped(ids: number[], exec: number): void {
    const st = this.cur;
    for (const id of ids) {
      const e = this.inflight.get(id);
      this.inflight.delete(id);
      if (e) this.feed.release(e);
      if (st && e && e.stage === st.run.stage) {
        st.outstanding--;
        st.run.dropped++;
      }
    }
    st?.onDone(exec);
  }

  // ---- stages -------------------------------------------------------------

  private runOpen(plan: Extract<StagePlan, { kind: 'open' }>): Promise<StageRun> {
    // The offsets are drawn as they are sent (memory ∝ prefetch, never ∝ the plan); the
    // iterator is made before the stage clock starts (a rescaled schedule sums its gaps here).
    const arrivals = arrivalsOf(plan);
    const offsets = arrivals[Symbol.iterator]();
    let n = arrivals.count;
    // The lead gives the dispatcher time to fetch and hand over the first requests before they are
    // due: the first offset, drawn now (the sequence is unchanged, pump() takes it first), counts
    // towards it. A schedule whose first request is due after the lead anyway (inference-perf's
    // first rescaled gap) starts its clock at once, so that request goes leadMs sooner; one due at
    // 0 keeps the whole lead. Offsets, and every metric relative to the stage clock, are unchanged.
    let firstDraw: IteratorResult<number> | undefined = offsets.next();
    const firstOffsetMs = firstDraw.done || !Number.isFinite(firstDraw.value) ? 0 : Math.max(0, firstDraw.value);
    const startMs = monoMs() + Math.max(0, (this.opts.leadMs ?? 100) - firstOffsetMs);
    const prefetch = Math.max(1, this.opts.prefetch ?? 256);
    const run: StageRun = { stage: plan.stage, kind: 'open', startMs, endMs: 0, planned: n, submitted: 0, completed: 0, dropped: 0, requestedRate: plan.requestedRate, durationMs: plan.durationMs };
    const cap = this.opts.maxInFlight ? Math.max(1, Math.ceil(this.opts.maxInFlight / this.execs.length)) : 0;
    for (const x of this.execs) x.startStage('open', cap, startMs);
    this.stageStart(plan, startMs);
    // Fetched, not yet submitted: at most `prefetch` entries, a ring indexed by request number.
    const entries: (Entry | undefined)[] = new Array<Entry | undefined>(prefetch);
    let nextOffset: number | undefined;
    let lastOffset = -Infinity;
    let nextFetch = 0;
    let nextSubmit = 0;
    let unready = 0;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let deadlineTimer: NodeJS.Timeout | undefined;
    return new Promise<StageRun>((resolve) => {
      const st: StageState = {
        run,
        outstanding: 0,
        errors: 0,
        ...(plan.maxErrors !== undefined ? { maxErrors: plan.maxErrors } : {}),
        ...(plan.stopRule ? { stopRule: plan.stopRule } : {}),
        stopNow: (why) => {
          if (stopped) return;
          stopped = true;
          if (timer) clearTimeout(timer);
          if (deadlineTimer) clearTimeout(deadlineTimer);
          for (const x of this.execs) x.stopStage();
          for (const x of this.execs) x.abortInFlight(why);
          check();
        },
        onDone: () => check(),
        onAbort: () => {
          if (timer) clearTimeout(timer);
          for (const x of this.execs) x.stopStage();
          check();
        },
      };
      this.cur = st;
      const check = (): void => {
        const sendingDone = this.aborted || stopped || (nextSubmit >= n && unready === 0);
        if (sendingDone && st.outstanding === 0 && this.cur === st) {
          if (deadlineTimer) clearTimeout(deadlineTimer);
          this.cur = undefined;
          run.endMs = monoMs();
          resolve(run);
        }
      };
      if (plan.hardDeadline) deadlineTimer = setTimeout(() => st.stopNow('cancelled at the stage duration limit'), Math.max(0, startMs + plan.durationMs - monoMs()));
      const pump = (): void => {
        timer = undefined;
        if (this.aborted || stopped) return check();
        while (nextFetch < n && nextFetch - nextSubmit < prefetch) entries[nextFetch++ % prefetch] = this.feed.fetch(plan.stage);
        const now = monoMs();
        while (nextSubmit < n) {
          if (nextOffset === undefined) {
            const r = firstDraw ?? offsets.next();
            firstDraw = undefined;
            if (r.done) {
              ended();
              break;
            }
            if (!(r.value >= lastOffset)) {
              this.fail(new LlmdbenchError('E_LOAD_PLAN', `stage ${plan.stage}: offsets must be ascending (request ${nextSubmit}: ${r.value} ms after ${lastOffset} ms)`, { kind: 'internal' }));
              return check();
            }
            nextOffset = lastOffset = r.value;
          }
          const deadline = startMs + nextOffset;
          if (deadline - now > HORIZON_MS) {
            timer = setTimeout(pump, Math.max(1, deadline - now - HORIZON_MS));
            break;
          }
          nextOffset = undefined;
          const e = entries[nextSubmit % prefetch]!;
          entries[nextSubmit % prefetch] = undefined;
          const exec = nextSubmit % this.execs.length;
          nextSubmit++;
          if (e.ready) {
            if (!e.skip) this.submit(exec, e, deadline);
          } else {
            unready++;
            e.onReady = () => {
              unready--;
              if (e.skip) check();
              else if (!this.aborted && !stopped) this.submit(exec, e, deadline);
              else this.feed.release(e);
              check();
            };
          }
          if (nextFetch < n) entries[nextFetch++ % prefetch] = this.feed.fetch(plan.stage);
        }
        check();
      };
      // The schedule gave fewer offsets than its count (a poisson stage past its seconds cap):
      // the stage ends here; requests fetched for the missing offsets are never sent.
      const ended = (): void => {
        for (let k = nextSubmit; k < nextFetch; k++) {
          const e = entries[k % prefetch];
          entries[k % prefetch] = undefined;
          if (e) this.feed.release(e);
        }
        n = nextSubmit;
        run.planned = n;
      };
      pump();
    });
  }

  private async runClosed(plan: Extract<StagePlan, { kind: 'closed' }>): Promise<StageRun> {
    const startMs = monoMs() + (this.opts.leadMs ?? 100);
    const E = this.execs.length;
    const conc = Math.max(1, Math.floor(plan.concurrency));
    const share = this.execs.map((_, i) => Math.floor(conc / E) + (i < conc % E ? 1 : 0));
    const extra = share.map((s) => (this.remotes.length > 0 ? Math.max(2, s) : 1));
    const outstanding = share.map(() => 0);
    const N = plan.maxRequests ?? Infinity;
    const prefetch = Math.max(conc, this.opts.prefetch ?? 256);
    const run: StageRun = { stage: plan.stage, kind: 'closed', startMs, endMs: 0, planned: plan.maxRequests, submitted: 0, completed: 0, dropped: 0, concurrency: conc, durationMs: plan.durationMs };
    this.stageStart(plan, startMs);
    await this.sleep(startMs - monoMs());
    for (let i = 0; i < E; i++) this.execs[i]!.startStage('closed', share[i]!, startMs);
    const readyQ: Entry[] = [];
    let fetched = 0;
    let unready = 0;
    let exhausted = false;
    let ended = false;
    let stopped = false;
    let stopTimer: NodeJS.Timeout | undefined;
    return new Promise<StageRun>((resolve) => {
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        if (stopTimer) clearTimeout(stopTimer);
        for (const x of this.execs) x.stopStage();
        check();
      };
      const st: StageState = {
        run,
        outstanding: 0,
        errors: 0,
        ...(plan.maxErrors !== undefined ? { maxErrors: plan.maxErrors } : {}),
        ...(plan.stopRule ? { stopRule: plan.stopRule } : {}),
        stopNow: (why) => {
          const first = !stopped;
          stop();
          if (first) for (const x of this.execs) x.abortInFlight(why);
          check();
        },
        onDone: (exec) => {
          if (exec >= 0 && exec < E) outstanding[exec] = Math.max(0, outstanding[exec]! - 1);
          fill();
          check();
        },
        onAbort: stop,
      };
      this.cur = st;
      const check = (): void => {
        const sendingDone = stopped || this.aborted || run.submitted >= N || (exhausted && unready === 0 && readyQ.length === 0);
        if (sendingDone && st.outstanding === 0 && this.cur === st) {
          if (stopTimer) clearTimeout(stopTimer);
          // Prefetched but never sent: give their session turns back.
          ended = true;
          for (const e of readyQ) this.feed.release(e);
          readyQ.length = 0;
          this.cur = undefined;
          run.endMs = monoMs();
          resolve(run);
        }
      };
      const fill = (): void => {
        if (stopped || this.aborted) return;
        for (;;) {
          while (!exhausted && fetched < N && fetched - run.submitted < prefetch) {
            fetched++;
            const e = this.feed.fetch(plan.stage);
            if (e.ready) {
              if (e.skip) exhausted = true;
              else readyQ.push(e);
            } else {
              unready++;
              e.onReady = () => {
                unready--;
                if (ended) {
                  if (!e.skip) this.feed.release(e);
                  return;
                }
                if (e.skip) exhausted = true;
                else readyQ.push(e);
                fill();
                check();
              };
            }
          }
          let progress = false;
          for (let i = 0; i < E && readyQ.length > 0; i++) {
            while (outstanding[i]! < share[i]! + extra[i]! && readyQ.length > 0 && run.submitted < N) {
              outstanding[i]!++;
              this.submit(i, readyQ.shift()!, 0);
              progress = true;
            }
          }
          if (!progress) return;
        }
      };
      if (plan.durationMs !== undefined) {
        const atEnd = plan.hardDeadline ? (): void => st.stopNow('cancelled at the stage duration limit') : stop;
        stopTimer = setTimeout(atEnd, Math.max(0, startMs + plan.durationMs - monoMs()));
      }
      fill();
      check();
    });
  }

  private stageStart(plan: StagePlan, startMs: number): void {
    this.sentAtStageStart = this.sentNow();
    try {
      this.opts.onStageStart?.(plan, startMs);
    } catch (err) {
      this.fail(err);
    }
  }

  // ---- abort, errors, progress -------------------------------------------

  private abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const w of this.abortWaiters) w();
    this.cur?.onAbort();
    this.graceTimer = setTimeout(() => {
      for (const x of this.execs) x.abortInFlight();
    }, this.opts.graceMs ?? 5000);
    this.graceTimer.unref();
  }

  /** Second interrupt: stop dispatching (if not already) and cancel in-flight requests now. */
  private cancelNow(why = 'cancelled by a second interrupt before the grace period ended'): void {
    this.abort();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    for (const x of this.execs) x.abortInFlight(why);
  }

  private fail(err: unknown): void {
    if (this.fatal === undefined) this.fatal = err;
    this.abort();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.abortWaiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.abortWaiters.add(done);
    });
  }

  private inFlightNow(): number {
    let n = 0;
    for (const l of this.locals) n += l.inFlight;
    for (const r of this.remotes) n += r.inFlight;
    return n;
  }

  private sentNow(): number {
    let n = 0;
    for (const l of this.locals) n += l.sent;
    for (const r of this.remotes) n += r.sent;
    return n;
  }

  private progress(): void {
    const cb = this.opts.onProgress;
    if (!cb) return;
    const now = monoMs();
    const cur = this.cur?.run ?? this.stageRuns[this.stageRuns.length - 1];
    const stageElapsedMs = cur ? Math.max(0, (this.cur ? now : cur.endMs) - cur.startMs) : 0;
    const sent = this.sentNow();
    // Requests actually sent in this stage (executors' counters) over the stage time so far.
    const stageSent = this.cur ? sent - this.sentAtStageStart : cur ? cur.submitted - cur.dropped : 0;
    const p: Progress = {
      stage: cur?.stage ?? 0,
      sent,
      completed: this.completed,
      failed: this.failed,
      inFlight: this.inFlightNow(),
      elapsedMs: now - this.startMs,
      stageElapsedMs,
      achievedRate: stageElapsedMs > 0 ? (stageSent * 1000) / stageElapsedMs : 0,
      requestedRate: cur?.requestedRate,
      ttftP50Ms: this.ttft.median(),
    };
    try {
      cb(p);
    } catch (err) {
      this.fail(err);
    }
  }

  private sample(): void {
    const st = this.cur;
    if (st?.stopRule?.sample) {
      const why = st.stopRule.sample(monoMs() - st.run.startMs, this.inFlightNow());
      if (why) st.stopNow(why);
    }
    this.samples.push({
      tMs: monoMs() - this.startMs,
      inFlight: this.inFlightNow(),
      sent: this.sentNow(),
      completed: this.completed,
      cpu: this.cpu.sample(),
      loopP99Ms: this.monitor.loopP99Ms(),
    });
  }
}

interface StageState {
  run: StageRun;
  /** Submitted to an executor and not yet completed or dropped. */
  outstanding: number;
  /** Failed requests of this stage (cancellations not counted), for `maxErrors`. */
  errors: number;
  maxErrors?: number;
  stopRule?: StageStopRule;
  /** End the stage now: stop sending, cancel what is in flight (hard deadline, maxErrors). */
  stopNow(why: string): void;
  onDone(exec: number): void;
  onAbort(): void;
}

