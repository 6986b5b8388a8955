/**
 * One request's state inside the engine, and the pool that reuses it.
 *
 * Why pooled: a streamed request lives ~1 s (TTFT + 49 ITLs in the bench), longer than the
 * interval between two young-generation GCs (scavenges) at 1,000 streams, so everything it held
 * was copied and promoted by one, and the old generation then filled up with it until a
 * mark-compact. Those pauses set the ITL tail (docs/performance-sim.md). A pooled Job, with its
 * StreamFrames and TokenStamps, is old after its first use: a running stream then holds almost
 * no young objects (its id, the current window's view), the request's parsed form is dropped as
 * soon as it started and was counted, and its trace record is built when it ends.
 *
 * A job goes back to the pool only when nothing else can still reach it: finished, its prompt
 * counted, not waiting in the engine's count queue nor for an off-loop count (`release` checks).
 */
import { StreamFrames } from './frames.ts';
import type { Endpoint, ParsedRequest } from './request.ts';
import type { Sink } from './sink.ts';
import type { Piece } from './text.ts';
import type { Timed } from './ticker.ts';
import { TokenStamps, type RequestTrace } from './trace.ts';

/** What a job calls back (the engine: the job's clock, its deferred count). */
export interface JobOwner {
  tick(job: Job, now: number): void;
  counted(job: Job, n: number): void;
  countPrompt(req: ParsedRequest): number;
}

const NO_HASHES: readonly number[] = [];
const NO_PIECES: readonly Piece[] = [];

/** The sink of an idle job: a pooled job keeps no connection alive. */
const NO_SINK: Sink = {
  head() {},
  chunked: false,
  writeBytes() {},
  end() {},
  closed: true,
};

/** Idle jobs kept for reuse at most (more are left to the GC). */
const POOL_MAX = 8192;

export class Job implements Timed {
  due = 0;
  heapIndex = -1;
  /** The parsed request: kept only until the job started and its prompt was counted. */
  req: ParsedRequest | undefined = undefined;
  sink: Sink = NO_SINK;
  id = '';
  /** The client's x-request-id (answered back in the headers), if any. */
  requestId: string | undefined = undefined;
  created = 0;
  arrivalMs = 0;
  // What the rest of the request needs of the parsed form (copied at init).
  endpoint: Endpoint = 'completion';
  stream = false;
  includeUsage = false;
  continuousUsage = false;
  remoteDecode = false;
  maxTokens: number | undefined = undefined;
  started = false;
  startMs = 0;
  firstMs = 0;
  /** ttft was sampled (the trace reports it and the cached tokens only then). */
  ttftSet = false;
  ttft = 0;
  emitted = 0;
  headSent = false;
  /** The output: token k is pieces[(pieceStart + k) % pieces.length]; `n` tokens. */
  pieces: readonly Piece[] = NO_PIECES;
  pieceStart = 0;
  n = 0;
  finish = 'stop';
  cached = 0;
  hashes: readonly number[] = NO_HASHES;
  promptIds: number[] | undefined = undefined;
  /** The stream's framing while it runs (the pooled `ownFrames`), else undefined. */
  frames: StreamFrames | undefined = undefined;
  /** Per-token due / send times while it runs (with trace; the pooled `ownStamps`), copied into the trace at the end. */
  stamps: TokenStamps | undefined = undefined;
  /** The finished request's trace record, until it is booked (the prompt count may be deferred). */
  trace: RequestTrace | undefined = undefined;
  /** The prompt's token count; -1 until counted (counting deferred: see SimEngine.submit). */
  pt = -1;
  /** The context-length check passed at submit on a bound of the count (so start() need not count). */
  fitsBound = false;
  // Who can still reach the job (release() waits for all of them).
  finished = false;
  /** Finished, waiting for its deferred count to book metrics and trace (SimEngine.unbooked). */
  awaitingBook = false;
  /** In SimEngine.uncounted. */
  inCountQueue = false;
  /** An off-loop count is in flight. */
  offPending = false;
  pooled = false;
  private ownFrames: StreamFrames | undefined;
  private ownStamps: TokenStamps | undefined;

  constructor(readonly engine: JobOwner) {}

  init(req: ParsedRequest, sink: Sink, id: string, requestId: string | undefined, created: number, arrivalMs: number, promptTokens: number): void {
    this.req = req;
    this.sink = sink;
    this.id = id;
    this.requestId = requestId;
    this.created = created;
    this.arrivalMs = arrivalMs;
    this.endpoint = req.endpoint;
    this.stream = req.stream;
    this.includeUsage = req.includeUsage;
    this.continuousUsage = req.continuousUsage;
    this.remoteDecode = req.remoteDecode;
    this.maxTokens = req.maxTokens;
    this.pt = promptTokens;
    this.due = 0;
    this.heapIndex = -1;
    this.started = false;
    this.startMs = 0;
    this.firstMs = 0;
    this.ttftSet = false;
    this.ttft = 0;
    this.emitted = 0;
    this.headSent = false;
    this.pieces = NO_PIECES;
    this.pieceStart = 0;
    this.n = 0;
    this.finish = 'stop';
    this.cached = 0;
    this.hashes = NO_HASHES;
    this.promptIds = undefined;
    this.frames = undefined;
    this.stamps = undefined;
    this.trace = undefined;
    this.fitsBound = false;
    this.finished = false;
    this.awaitingBook = false;
    this.inCountQueue = false;
    this.offPending = false;
    this.pooled = false;
  }

  /** Output token k. */
  piece(k: number): Piece {
    return this.pieces[(this.pieceStart + k) % this.pieces.length] as Piece;
  }

  /** This job's (reused) framing state. */
  framesObj(): StreamFrames {
    return (this.ownFrames ??= new StreamFrames());
  }

  /** This job's (reused) stamps, reset for `n` tokens. */
  stampsFor(n: number): TokenStamps {
    const s = (this.ownStamps ??= new TokenStamps());
    s.reset(n);
    return s;
  }

  /** Drops every reference to the finished request (an idle job keeps nothing alive). */
  forget(): void {
    this.req = undefined;
    this.sink = NO_SINK;
    this.id = '';
    this.requestId = undefined;
    this.pieces = NO_PIECES;
    this.hashes = NO_HASHES;
    this.promptIds = undefined;
    this.frames = undefined;
    this.stamps = undefined;
    this.trace = undefined;
    this.ownFrames?.clear();
  }

  get promptTokens(): number {
    if (this.pt < 0) this.engine.counted(this, this.engine.countPrompt(this.req as ParsedRequest));
    return this.pt;
  }

  onDue(now: number): void {
    this.engine.tick(this, now);
  }
}

/** Idle jobs. */
export class JobPool {
  private readonly idle: Job[] = [];
  constructor(private readonly engine: JobOwner) {}

  get(): Job {
    return this.idle.pop() ?? new Job(this.engine);
  }

  /** Takes the job back once nothing else can reach it; call again when one of the holders lets go. */
  release(job: Job): void {
    if (job.pooled || !job.finished || job.pt < 0 || job.awaitingBook || job.inCountQueue || job.offPending) return;
    job.pooled = true;
    job.forget();
    if (this.idle.length < POOL_MAX) this.idle.push(job);
  }
}
