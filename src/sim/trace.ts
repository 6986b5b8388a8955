/**
 * Per-request record of what the server actually did and when (CLOCK_MONOTONIC
 * ms from src/util/clock.ts, comparable with a client's timestamps in another
 * process): kept in memory for GET /admin/trace and optionally appended as
 * JSON lines to `trace-file`. File lines are batched (one write per
 * FLUSH_BYTES or FLUSH_MS, and at close): a write per request was a thread-pool
 * round trip each, on the core that streams the tokens. Each line is encoded
 * into the batch's Buffer at once, so no string outlives its request (a
 * growing string of pending lines was young data every GC had to copy).
 */
import { createWriteStream, type WriteStream } from 'node:fs';

/** Size of a trace-file batch, bytes: a full batch is written at once. */
const FLUSH_BYTES = 64 * 1024;
/** Longest a finished request's line waits for its write, ms. */
const FLUSH_MS = 200;

export interface RequestTrace {
  /** The response id (e.g. "cmpl-…", "chatcmpl-…"). */
  id: string;
  endpoint: 'completion' | 'chat';
  stream: boolean;
  arrivalMs: number;
  /** When a slot was taken (queue wait = startMs − arrivalMs). */
  startMs: number | undefined;
  /** Sampled TTFT (ms, after the slot was taken). */
  ttftMs: number | undefined;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  finishReason: string | undefined;
  /** Scheduled due time of each token (ms). */
  tokenDueMs: number[];
  /** When the write carrying each token was handed to the socket (ms). */
  tokenSentMs: number[];
  endMs: number | undefined;
  /** HTTP status answered; 200 for a stream once it started. */
  status: number;
  /** The client went away before the end (the slot stays busy, as upstream). */
  clientClosed: boolean;
}

/** Doubles per shared stamp slab (512 KiB); a request needing more than an eighth gets its own. */
const STAMP_SLAB = 1 << 16;
const EMPTY_F64 = new Float64Array(0);
let stampSlab = EMPTY_F64;
let stampUsed = 0;

function stampArray(n: number): Float64Array {
  if (n > STAMP_SLAB >>> 3) return new Float64Array(n);
  if (stampUsed + n > stampSlab.length) {
    stampSlab = new Float64Array(STAMP_SLAB);
    stampUsed = 0;
  }
  const a = stampSlab.subarray(stampUsed, stampUsed + n);
  stampUsed += n;
  return a;
}

/** Tokens a pooled TokenStamps keeps arrays for (longer requests take views of the shared slabs). */
const OWN_MAX = 256;

/**
 * The due and send times of a running request's tokens, recorded per token and copied into its
 * RequestTrace's arrays once, when it ends. Reusable (reset()): the engine keeps one per pooled
 * job, with arrays of its own for up to OWN_MAX tokens, so a running request allocates nothing
 * here (a longer one takes views of shared slabs: no ArrayBuffer per request either).
 */
export class TokenStamps {
  private due: Float64Array;
  private sent: Float64Array;
  private ownDue: Float64Array | undefined;
  private ownSent: Float64Array | undefined;
  private nDue = 0;
  private nSent = 0;
  /** `n`: the most tokens the request can emit. */
  constructor(n = 0) {
    this.due = this.sent = EMPTY_F64;
    this.reset(n);
  }
  /** Starts a new request of at most `n` tokens. */
  reset(n: number): void {
    this.nDue = 0;
    this.nSent = 0;
    if (n > OWN_MAX) {
      this.due = stampArray(n);
      this.sent = stampArray(n);
      return;
    }
    if (!this.ownDue || this.ownDue.length < n) {
      const size = Math.min(OWN_MAX, Math.max(64, n));
      this.ownDue = new Float64Array(size);
      this.ownSent = new Float64Array(size);
    }
    this.due = this.ownDue;
    this.sent = this.ownSent as Float64Array;
  }
  addDue(ms: number): void {
    this.due[this.nDue++] = ms;
  }
  /** Tokens up to `k` (count) were handed to the socket at `ms`. */
  sentUpTo(k: number, ms: number): void {
    while (this.nSent < k) this.sent[this.nSent++] = ms;
  }
  into(t: RequestTrace): void {
    t.tokenDueMs = toArray(this.due, this.nDue);
    t.tokenSentMs = toArray(this.sent, this.nSent);
  }
}

/** The first n values as a plain array (Array.from would go through the iterator: an object per value). */
function toArray(f: Float64Array, n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = f[i] as number;
  return a;
}

export class TraceStore {
  private readonly byId = new Map<string, RequestTrace>();
  private file: WriteStream | undefined;
  /** The batch being filled: out[0, used). */
  private out: Buffer = Buffer.alloc(0);
  private used = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly capacity: number,
    filePath: string | undefined,
  ) {
    if (filePath) {
      this.file = createWriteStream(filePath, { flags: 'a' });
      this.out = Buffer.allocUnsafeSlow(FLUSH_BYTES);
    }
  }

  get enabled(): boolean {
    return this.capacity > 0 || this.file !== undefined;
  }

  finish(t: RequestTrace): void {
    if (this.capacity > 0) {
      this.byId.set(t.id, t);
      if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
    }
    if (!this.file) return;
    // (the newline is written as a byte: `${json}\n` would be one more copy of the line to flatten)
    const json = JSON.stringify(t);
    const n = Buffer.byteLength(json) + 1;
    if (this.used + n > this.out.length) this.flush();
    if (n > this.out.length) {
      this.file.write(`${json}\n`);
      return;
    }
    this.used += this.out.write(json, this.used, 'utf8');
    this.out[this.used++] = 10;
    this.flushTimer ??= setTimeout(this.flush, FLUSH_MS).unref();
  }

  private readonly flush = (): void => {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.used === 0) return;
    // The written batch belongs to the stream until its write completes: a new one takes over.
    this.file?.write(this.out.subarray(0, this.used));
    this.out = Buffer.allocUnsafeSlow(FLUSH_BYTES);
    this.used = 0;
  };

  get(id: string): RequestTrace | undefined {
    return this.byId.get(id) ?? this.byId.get(`cmpl-${id}`) ?? this.byId.get(`chatcmpl-${id}`);
  }

  /** Ids of the last n finished requests, oldest first. */
  last(n: number): string[] {
    const ids = [...this.byId.keys()];
    return ids.slice(Math.max(0, ids.length - n));
  }

  /** [id, endMs] of the last n finished requests, oldest first (merged across shards). */
  lastEnded(n: number): Array<[string, number]> {
    const ts = [...this.byId.values()];
    return ts.slice(Math.max(0, ts.length - n)).map((t) => [t.id, t.endMs ?? 0]);
  }

  close(): Promise<void> {
    this.flush();
    const f = this.file;
    this.file = undefined;
    return new Promise((resolve) => (f ? f.end(() => resolve()) : resolve()));
  }
}
