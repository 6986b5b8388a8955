import type { ClockAnchor } from '../../util/clock.ts';
import type { ClientOptions } from '../client/http-client.ts';
import type { RequestRecord, RequestSpec, StagePlan } from '../types.ts';
import type { ThreadHealth } from './health.ts';
import type { RecordColumns } from './columns.ts';

/**
 * Where requests come from. `next` is called ahead of the send time (prefetch),
 * in index order; it may return a Promise (e.g. a multi-turn source that waits
 * for the previous turn's answer). `onResponse` sees every finished request
 * before the next request of the same session is released.
 */
export interface RequestSource {
  next(index: number, stage: number): RequestSpec | Promise<RequestSpec>;
  onResponse?(spec: RequestSpec, record: RequestRecord): void;
}

/**
 * A source that can run out: `null` means "no request here" — an open-loop
 * slot stays empty; a closed-loop stage ends once its in-flight requests finish.
 */
export interface FiniteRequestSource {
  next(index: number, stage: number): RequestSpec | null | Promise<RequestSpec | null>;
  onResponse?(spec: RequestSpec, record: RequestRecord): void;
}

export interface Progress {
  stage: number;
  /** Requests handed to the network so far (whole run). */
  sent: number;
  completed: number;
  failed: number;
  inFlight: number;
  elapsedMs: number;
  stageElapsedMs: number;
  /** Stage requests sent / stage time so far. */
  achievedRate: number;
  requestedRate?: number;
  /** Median TTFT of the last (up to) 512 successful streamed requests, ms. */
  ttftP50Ms?: number;
}

export interface StageRun {
  stage: number;
  kind: 'open' | 'closed';
  /** Stage clock t0 (monoMs). */
  startMs: number;
  /** All of the stage's requests finished (monoMs). */
  endMs: number;
  /** Requests the plan asked for (open: offsets; closed: maxRequests, if any). */
  planned?: number;
  submitted: number;
  completed: number;
  /** Handed to an executor but not sent (stage stopped / aborted). */
  dropped: number;
  requestedRate?: number;
  concurrency?: number;
  durationMs?: number;
}

export interface LoadHealth {
  threads: ThreadHealth[];
  /** Whole-process CPU (all threads) as a fraction of one core, and the cores available. */
  cpu: { userMs: number; systemMs: number; wallMs: number; utilisation: number; cores: number };
  maxInFlight: number;
  /** One sample per `healthSampleMs`. */
  samples: { tMs: number; inFlight: number; sent: number; completed: number; cpu: number; loopP99Ms: number }[];
  workers: number;
}

export interface RunLoadOptions {
  /** Transport settings; `connections` defaults to the planned max concurrency (per worker: its share). */
  client: Omit<ClientOptions, 'connections'> & { connections?: number };
  stages: StagePlan[];
  source: RequestSource | FiniteRequestSource;
  /**
   * Open loop: at most this many requests in flight (split over workers), like
   * inference-perf's num_workers × worker_max_concurrency. A due request waits
   * in the executor for a slot, so the wait is schedule lag (sent − scheduled),
   * not latency. Default: no cap. Closed stages use their own concurrency.
   */
  maxInFlight?: number;
  /** Pause between stages, ms (one value or one per gap). Default 0. */
  intervalMs?: number | number[];
  /**
   * The first request of a stage is at least this far in the future when its clock starts
   * (inference-perf: 1000): a closed stage's clock starts this far ahead, an open stage's
   * `max(0, leadMs − first offset)` ahead. Default 100.
   */
  leadMs?: number;
  /** 0 = send from this thread (default); n = n worker threads; 'auto' = workers only for heavy plans. */
  workers?: number | 'auto';
  signal?: AbortSignal;
  /** After an abort, in-flight requests get this long before being aborted, ms. Default 5000. */
  graceMs?: number;
  /**
   * Cuts the grace period short (a second Ctrl-C): stops dispatching like `signal` and cancels
   * every in-flight request now; each is recorded with error label 'aborted'.
   */
  cancelSignal?: AbortSignal;
  /** Stream records to this JSONL file as they finish. */
  recordsPath?: string;
  /**
   * Also keep every record in `LoadResult.records` (tests, small library calls). Default false:
   * a run holds only what is in flight; finished records go to `recordsPath` and `onRecord`.
   */
  keepRecords?: boolean;
  onRecord?(rec: RequestRecord): void;
  onProgress?(p: Progress): void;
  /** Default 1000. */
  progressIntervalMs?: number;
  onStageStart?(stage: StagePlan, startMs: number): void;
  onStageEnd?(run: StageRun): void;
  /** How many specs to build ahead of sending. Default 256. */
  prefetch?: number;
  /** Final part of each open-loop wait done by polling, ms. Default 1. */
  finalWaitMs?: number;
  /** Run a full GC before the first stage so opening garbage is not collected mid-stage. Default true. */
  collectGarbageFirst?: boolean;
  /** Health sample period, ms. Default 1000. */
  healthSampleMs?: number;
}

export interface LoadResult {
  /** Empty unless `keepRecords: true` (memory would grow ~7 KB per finished request). */
  records: RequestRecord[];
  /** Per finished request, the times the health report needs (32 bytes a request), by stage. */
  columns: RecordColumns;
  stages: StageRun[];
  health: LoadHealth;
  /** Stopped by the signal (records of finished requests are all there). */
  aborted: boolean;
  /** Writing records.jsonl failed (the load was stopped; the file ends with a whole line). */
  writeError?: { path: string; error: NodeJS.ErrnoException };
  clock: ClockAnchor;
  startMs: number;
  endMs: number;
}
