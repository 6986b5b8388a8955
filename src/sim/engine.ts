/**
 * The simulated inference engine: `max-num-seqs` slots, a bounded FIFO queue,
 * the KV/prefix cache, the latency model, and token emission for every
 * request from ONE scheduling loop (ticker.ts). Transport-agnostic: requests
 * write through a Sink (rawhttp.ts, exchange.ts). Per-request state is pooled
 * (job.ts): a running stream keeps almost nothing young for the GC to copy.
 */
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import { monoMs } from '../util/clock.ts';
import type { SimConfig } from './config.ts';
import { contextTooLong, errorBody, type ApiError } from './errors.ts';
import { KvCache } from './kvcache.ts';
import { itlMs, ttftMs, ttftUsesPromptTokens } from './latency.ts';
import { SimMetrics } from './metrics.ts';
import type { ParsedRequest } from './request.ts';
import { Rng } from './rng.ts';
import { chooseLength, piece, TextPool, type Piece } from './text.ts';
import { Ticker } from './ticker.ts';
import { RegexTokenizer } from './tokenizer.ts';
import type { StreamFrames, StreamShape } from './frames.ts';
import { TraceStore, type RequestTrace } from './trace.ts';
import { Job, JobPool } from './job.ts';
import type { Sink } from './sink.ts';

/** A deferred prompt count runs between clock turns when the next due token is at least this far, ms. */
const COUNT_GAP_MS = 0.5;
/** ...or when its request has waited this long since arrival, ms. */
const COUNT_WAIT_MAX_MS = 50;
/** Longest stretch of such overdue counts per event-loop turn, ms. */
const COUNT_BUDGET_MS = 0.2;

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const JSON_HEADERS = { 'content-type': 'application/json' };
/** A token's choice closing (finish_reason null), by endpoint. */
const POST_CHAT = '"},"logprobs":null,"finish_reason":null}]';
const POST_COMPLETION = '","logprobs":null,"finish_reason":null,"stop_reason":null}]';
const DONE = 'data: [DONE]\n\n';

export class SimEngine {
  config: SimConfig;
  readonly rng: Rng;
  readonly metrics: SimMetrics;
  readonly ticker = new Ticker();
  readonly trace: TraceStore;
  readonly kv: KvCache;
  readonly pool: TextPool;
  readonly startedMs = monoMs();
  running = 0;
  private pumping = false;
  /** Jobs whose prompt is not counted yet, oldest first (counted between clock turns: drainCounts). */
  private readonly uncounted: Job[] = [];
  /** Finished requests whose prompt count (metrics, trace) is still deferred. */
  private readonly unbooked = new Set<Job>();
  private draining: NodeJS.Immediate | undefined;
  private stopped = false;
  /** Counts a prompt on another thread (server.ts: the off-loop tokenizer), or undefined: count here. */
  offCount: ((text: string, addSpecialTokens: boolean) => Promise<number | undefined> | undefined) | undefined;
  /** Moving average of one deferred count's duration, ms. */
  private countCostMs = 0;
  private readonly queue: Job[] = [];
  private readonly jobs = new JobPool(this);
  private readonly modelJson: string;
  private readonly podHeaders: Record<string, string> = {};

  constructor(
    config: SimConfig,
    readonly tokenizer: Tokenizer = new RegexTokenizer(),
  ) {
    this.config = config;
    this.rng = new Rng(config.seed);
    this.metrics = new SimMetrics(config.maxModelLen);
    this.trace = new TraceStore(config.traceCapacity, config.traceFile);
    this.kv = new KvCache(config.kvCacheSize, config.blockSize);
    this.pool = new TextPool(tokenizer);
    this.modelJson = JSON.stringify(this.servedName);
    const env = process.env;
    if (env['POD_NAME']) {
      this.podHeaders['x-inference-pod'] = env['POD_NAME'];
      this.podHeaders['x-inference-port'] = String(config.port);
    }
    if (env['POD_NAMESPACE']) this.podHeaders['x-inference-namespace'] = env['POD_NAMESPACE'];
  }

  get servedName(): string {
    return this.config.servedModelNames[0] ?? this.config.model;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Accepts a validated request; returns an error to answer at once (e.g. 429 queue full).
   * `arrivalMs`: when the request reached the server (before its body was read).
   */
  submit(req: ParsedRequest, sink: Sink, requestId: string | undefined, arrivalMs: number = monoMs()): ApiError | undefined {
    const c = this.config;
    if (this.running >= c.maxNumSeqs && this.queue.length >= c.maxWaitingQueueLength) {
      return { status: 429, message: 'Failed to enqueue request, waiting requests queue is full' };
    }
    let promptIds = req.promptIds;
    const special = { addSpecialTokens: req.addSpecialTokens };
    if (!promptIds && c.enableKvCache) promptIds = this.tokenizer.encode(req.promptText, special);
    // A burst of hundreds of requests must not make the first ones wait for the tokenizing of all:
    // when nothing at the start depends on the exact count (constant TTFT, no KV cache, max_tokens
    // given, no per-chunk usage) and a bound of it (2 per UTF-8 byte + 8) fits the context, the count
    // is made later, between clock turns (drainCounts), or when first needed (usage, metrics).
    const deferred =
      !promptIds &&
      req.maxTokens !== undefined &&
      !req.continuousUsage &&
      !ttftUsesPromptTokens(c, req.remotePrefill) &&
      2 * Buffer.byteLength(req.promptText) + 8 + req.maxTokens <= c.maxModelLen;
    const promptTokens = promptIds ? promptIds.length : deferred ? -1 : this.tokenizer.count(req.promptText, special);
    const id = `${req.endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${requestId ?? this.rng.hex32()}`;
    const job = this.jobs.get();
    job.init(req, sink, id, requestId, Math.floor(Date.now() / 1000), arrivalMs, promptTokens);
    job.promptIds = promptIds;
    if (deferred) {
      job.fitsBound = true;
      // On the tokenizer thread when there is one (a model tokenizer), else between clock turns.
      const off = this.offCount?.(req.promptText, req.addSpecialTokens);
      if (off) {
        job.offPending = true;
        void off.then((n) => {
          job.offPending = false;
          if (job.pt < 0) {
            if (n !== undefined) this.counted(job, n);
            else this.deferCount(job);
          }
          this.jobs.release(job);
        });
      } else this.deferCount(job);
    }
    if (this.queue.length === 0 && this.running < c.maxNumSeqs && !this.pumping) {
      // A free slot was waiting: the simulated engine has had the request since it arrived. Our own
      // body parsing and tokenizing (a burst of hundreds of requests queues up on one loop) must not
      // delay its first token, so the clock starts at arrival, not now.
      this.start(job, Math.min(arrivalMs, monoMs()));
      return undefined;
    }
    this.queue.push(job);
    this.pump();
    return undefined;
  }

  /** Moves queued requests into free slots (FIFO); their clock starts when the slot frees. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (this.running < this.config.maxNumSeqs && this.queue.length > 0) {
      this.start(this.queue.shift() as Job, monoMs());
    }
    this.pumping = false;
  }

  private start(job: Job, now: number): void {
    const c = this.config;
    const req = job.req as ParsedRequest;
    this.running++;
    job.started = true;
    job.startMs = now;
    if (!job.fitsBound && job.promptTokens + (req.maxTokens ?? 1) > c.maxModelLen) {
      this.fail(job, contextTooLong(c.maxModelLen, job.promptTokens, req.maxTokens ?? 1));
      return;
    }
    if (c.enableKvCache && job.promptIds) {
      job.hashes = this.kv.blockHashes(job.promptIds);
      job.cached = this.kv.cachedTokens(job.hashes);
      this.metrics.prefixQueries += job.promptTokens;
      this.metrics.prefixHits += job.cached;
      const thr = req.cacheHitThreshold ?? c.globalCacheHitThreshold;
      if (thr > 0 && job.cached / Math.max(job.promptTokens, 1) < thr) {
        job.hashes = [];
        job.finish = 'cache_threshold';
        this.complete(job);
        return;
      }
      if (!this.kv.acquire(job.hashes)) {
        job.hashes = [];
        this.fail(job, { status: 500, message: 'the kv cache does not have sufficient capacity to store this request' });
        return;
      }
    }
    job.promptIds = undefined;
    const M = req.maxTokens ?? c.maxModelLen - job.promptTokens;
    if (req.remoteDecode) {
      this.output(job, 1);
      job.finish = 'remote_decode';
    } else if (c.mode === 'echo') {
      job.pieces = this.piecesOf(req.echoText);
      job.n = job.pieces.length;
      job.finish = job.n >= M ? 'length' : 'stop';
    } else {
      const n = chooseLength(this.rng, M, req.ignoreEos, req.maxTokens !== undefined);
      this.output(job, n);
      job.finish = n >= M ? 'length' : 'stop';
    }
    const countIt = ttftUsesPromptTokens(c, req.remotePrefill);
    job.ttft = ttftMs(c, this.rng, { promptTokens: countIt ? job.promptTokens : 0, cachedTokens: job.cached, remotePrefill: req.remotePrefill, running: this.running });
    job.ttftSet = true;
    // Nothing more needs the parsed request once the prompt is counted.
    if (job.pt >= 0) job.req = undefined;
    if (this.trace.enabled) job.stamps = job.stampsFor(job.n);
    if (job.n === 0) {
      this.complete(job);
      return;
    }
    if (job.stream && !job.sink.closed) {
      // Like vLLM (whose streaming response starts before the first token): headers now, off the
      // ticker's path, so a burst of first tokens costs one socket write each.
      job.headSent = true;
      job.sink.head(200, this.headers(job, SSE_HEADERS), true);
      // The first window's bytes too: when a burst's first tokens fall due together, each costs a write.
      job.frames = this.frames(job);
      job.frames.prime();
    }
    this.ticker.schedule(job, now + job.ttft);
  }

  /** n synthetic output pieces: consecutive pool pieces from a random start (the pool's take(), without the copy). */
  private output(job: Job, n: number): void {
    job.pieces = this.pool.pieces;
    job.pieceStart = this.pool.start(this.rng);
    job.n = n;
  }

  /** The response headers: `base`, the pod's, the request's id. */
  private headers(job: Job, base: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = { ...base, ...this.podHeaders };
    if (job.requestId !== undefined) h['x-request-id'] = job.requestId;
    return h;
  }

  private piecesOf(text: string): Piece[] {
    const t = this.tokenizer;
    const texts = t instanceof RegexTokenizer ? t.pieces_(text) : t.encode(text, { addSpecialTokens: false }).map((id) => t.decode([id]));
    return texts.map(piece);
  }

  /** `{"id":…,"object":…,"created":…,"model":…` of a stream chunk (computed when needed: not kept per request). */
  private chunkHead(job: Job): string {
    return `{"id":${JSON.stringify(job.id)},"object":"${job.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion'}","created":${job.created},"model":${this.modelJson}`;
  }

  private usageJson(job: Job, completion: number): string {
    return `{"prompt_tokens":${job.promptTokens},"total_tokens":${job.promptTokens + completion},"completion_tokens":${completion},"prompt_tokens_details":{"cached_tokens":${job.cached}}}`;
  }

  /** The job's framing state, reset to its stream (frames.ts renders the whole event sequence window by window). */
  private frames(job: Job): StreamFrames {
    const f = job.framesObj();
    f.reset(this.shape(job));
    return f;
  }

  /** The whole event sequence of a stream (its closures run while the job is live: frames drops the shape once rendered). */
  private shape(job: Job): StreamShape {
    const chat = job.endpoint === 'chat';
    const cont = job.continuousUsage;
    const headJson = this.chunkHead(job);
    // vLLM's chunk shapes (model_dump_json(exclude_unset=True)): completions always carry stop_reason;
    // chat only on the finishing chunk. finish_reason rides on the last token's chunk.
    const fin = `"finish_reason":"${job.finish}","stop_reason":null}]`;
    const role = chat ? `data: ${headJson},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${cont ? `,"usage":${this.usageJson(job, 0)}` : ''}}\n\n` : '';
    return {
      pieces: job.pieces,
      start: job.pieceStart,
      count: job.n,
      pre: chat ? `data: ${headJson},"choices":[{"index":0,"delta":{"content":"` : `data: ${headJson},"choices":[{"index":0,"text":"`,
      post: chat ? POST_CHAT : POST_COMPLETION,
      postLast: chat ? `"},"logprobs":null,${fin}` : `","logprobs":null,${fin}`,
      first: role,
      usage: cont ? (k) => `,"usage":${this.usageJson(job, k)}` : undefined,
      // The usage chunk may need the prompt's count: rendered only when the last token is due.
      tail: job.includeUsage ? () => `data: ${headJson},"choices":[],"usage":${this.usageJson(job, job.n)}}\n\n${DONE}` : DONE,
      chunked: job.sink.chunked,
    };
  }

  /** Called by the ticker when a job's next token is due: emits every due token in one write. */
  tick(job: Job, now: number): void {
    const n = job.n;
    if (job.emitted === 0) job.firstMs = now;
    const st = job.stamps;
    for (;;) {
      job.emitted++;
      if (st) st.addDue(job.due);
      if (job.emitted >= n) break;
      const d = itlMs(this.config, this.rng, this.running);
      this.metrics.itl.observe(d / 1000);
      this.metrics.tpot.observe(d / 1000);
      job.due += d;
      if (job.due > now) break;
    }
    if (job.stream && !job.sink.closed) {
      if (!job.headSent) {
        job.headSent = true;
        job.sink.head(200, this.headers(job, SSE_HEADERS));
      }
      job.frames ??= this.frames(job);
      const bytes = job.frames.take(job.emitted);
      if (st) st.sentUpTo(job.emitted, monoMs());
      job.sink.writeBytes(bytes, job.emitted >= n);
    }
    if (job.emitted >= n) {
      this.complete(job);
      return;
    }
    this.ticker.schedule(job, job.due);
  }

  /** The trace record of a finished request (built at the end: a running request keeps none). */
  private record(job: Job, status: number, endMs: number, clientClosed: boolean): RequestTrace {
    const ok = status === 200;
    return {
      id: job.id, endpoint: job.endpoint, stream: job.stream, arrivalMs: job.arrivalMs, startMs: job.started ? job.startMs : undefined,
      ttftMs: job.ttftSet ? job.ttft : undefined, promptTokens: 0, cachedTokens: job.ttftSet ? job.cached : 0,
      completionTokens: ok ? job.emitted : 0, finishReason: ok ? job.finish : undefined,
      tokenDueMs: [], tokenSentMs: [], endMs, status, clientClosed,
    };
  }

  /**
   * Ends the response (streams with tokens: their last write, in tick(), already carried the finish
   * reason, usage chunk and [DONE]; without tokens: a finish chunk, usage, [DONE]; else the whole JSON
   * body), then frees the slot.
   */
  private complete(job: Job): void {
    let out = '';
    const chat = job.endpoint === 'chat';
    const n = job.emitted;
    const sink = job.sink;
    const clientClosed = sink.closed;
    if (!clientClosed) {
      if (job.stream) {
        if (!job.headSent) sink.head(200, this.headers(job, SSE_HEADERS));
        if (n === 0) {
          const usage = this.usageJson(job, n);
          const headJson = this.chunkHead(job);
          // No token to carry finish_reason (cache_threshold): a chunk of its own, as vLLM's empty final output.
          if (chat) out += `data: ${headJson},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
          const fin = chat ? `"delta":{}` : `"text":""`;
          out += `data: ${headJson},"choices":[{"index":0,${fin},"logprobs":null,"finish_reason":"${job.finish}","stop_reason":null}]${job.continuousUsage ? `,"usage":${usage}` : ''}}\n\n`;
          if (job.includeUsage) out += `data: ${headJson},"choices":[],"usage":${usage}}\n\n`;
          out += DONE;
        }
      } else {
        const usage = this.usageJson(job, n);
        let text = '';
        for (let k = 0; k < job.n; k++) text += job.piece(k).json;
        const choice = chat
          ? `{"index":0,"message":{"role":"assistant","content":"${text}"},"logprobs":null,"finish_reason":"${job.finish}"}`
          : `{"index":0,"text":"${text}","logprobs":null,"finish_reason":"${job.finish}"}`;
        const kvp = job.remoteDecode ? `,"kv_transfer_params":{"do_remote_prefill":true,"do_remote_decode":false,"remote_block_ids":[],"remote_engine_id":"","remote_host":"","remote_port":0}` : '';
        out = `{"id":${JSON.stringify(job.id)},"object":"${chat ? 'chat.completion' : 'text_completion'}","created":${job.created},"model":${this.modelJson},"choices":[${choice}],"usage":${usage}${kvp}}`;
        sink.head(200, this.headers(job, JSON_HEADERS));
      }
      const sent = monoMs();
      sink.end(out);
      job.stamps?.sentUpTo(n, sent);
    }
    const end = monoMs();
    const m = this.metrics;
    m.generationTokens += n;
    m.addSuccess(job.finish);
    m.ttft.observe(job.ttft / 1000);
    m.e2e.observe((end - job.arrivalMs) / 1000);
    m.queue.observe((job.startMs - job.arrivalMs) / 1000);
    m.inference.observe((end - job.startMs) / 1000);
    m.prefill.observe(((n > 0 ? job.firstMs : end) - job.startMs) / 1000);
    m.decode.observe((n > 0 ? end - job.firstMs : 0) / 1000);
    if (n > 1) m.reqTpot.observe((end - job.firstMs) / (n - 1) / 1000);
    m.observeRequest(n, job.maxTokens);
    if (this.trace.enabled) {
      const tr = this.record(job, 200, end, clientClosed);
      job.stamps?.into(tr);
      job.trace = tr;
    }
    job.stamps = undefined;
    // The prompt's part waits for a deferred count (a stream's wire did not need it): no tokenizing
    // here, on the clock's path, when a burst's streams end together.
    if (job.pt >= 0) this.book(job);
    else {
      job.awaitingBook = true;
      this.unbooked.add(job);
    }
    this.release(job);
  }

  /** The prompt's part of a finished request's metrics and trace (its count is known). */
  private book(job: Job): void {
    this.metrics.observePrompt(job.promptTokens);
    const tr = job.trace;
    if (tr) {
      tr.promptTokens = job.promptTokens;
      job.trace = undefined;
      this.trace.finish(tr);
    }
  }

  private fail(job: Job, e: ApiError): void {
    if (!job.sink.closed) {
      job.sink.head(e.status, this.headers(job, JSON_HEADERS));
      job.sink.end(errorBody(e));
    }
    job.stamps = undefined;
    if (this.trace.enabled) {
      const tr = this.record(job, e.status, 0, false);
      tr.promptTokens = job.promptTokens;
      tr.endMs = monoMs();
      this.trace.finish(tr);
    }
    this.release(job);
  }

  /** Frees the slot; the job returns to the pool once nothing else holds it. */
  private release(job: Job): void {
    this.running--;
    if (job.hashes.length > 0) this.kv.release(job.hashes);
    job.finished = true;
    this.jobs.release(job);
    this.pump();
  }

  /** A deferred count is known: books the request if it already finished. */
  counted(job: Job, n: number): void {
    if (job.pt >= 0) return;
    job.pt = n;
    if (job.started) job.req = undefined;
    if (!job.awaitingBook) return;
    job.awaitingBook = false;
    this.unbooked.delete(job);
    this.book(job);
    this.jobs.release(job);
  }

  /** Counts every finished request still waiting for its count (before /metrics, traces, stop). */
  flushCounts(): void {
    for (const job of [...this.unbooked]) void job.promptTokens;
  }

  private deferCount(job: Job): void {
    job.inCountQueue = true;
    this.uncounted.push(job);
    this.draining ??= setImmediate(this.drainCounts);
  }

  /** The prompt's token count (deferred counts: Job.promptTokens). */
  countPrompt(req: ParsedRequest): number {
    return req.promptIds ? req.promptIds.length : this.tokenizer.count(req.promptText, { addSpecialTokens: req.addSpecialTokens });
  }

  /** Takes the oldest job off the count queue (it may go back to the pool then). */
  private shiftCount(): void {
    const job = this.uncounted.shift() as Job;
    job.inCountQueue = false;
    this.jobs.release(job);
  }

  /**
   * Counts deferred prompts between clock turns: one per turn when the clock's next item is not due
   * within the time one count may take, so tokenizing never delays a due token by more than one
   * count (and a burst's arrivals are read between counts); prompts that waited COUNT_WAIT_MAX_MS
   * are counted anyway, several per turn for at most COUNT_BUDGET_MS. (One count per turn fell behind at 1,000 streams: the clock is never
   * idle for COUNT_GAP_MS there, and the loop turned fewer times per second than requests arrived,
   * so the queue, and every job and parsed request in it, grew for as long as the load lasted.)
   */
  private readonly drainCounts = (): void => {
    this.draining = undefined;
    if (this.stopped) return;
    const t0 = monoMs();
    let now = t0;
    for (;;) {
      let job = this.uncounted[0];
      while (job && job.pt >= 0) {
        this.shiftCount();
        job = this.uncounted[0];
      }
      if (!job) return;
      const overdue = now - job.arrivalMs > COUNT_WAIT_MAX_MS;
      if (!overdue && !(this.ticker.msToNext(now) > Math.max(COUNT_GAP_MS, 1.5 * this.countCostMs))) break;
      this.counted(job, this.countPrompt(job.req as ParsedRequest));
      this.shiftCount();
      const t = monoMs();
      this.countCostMs += 0.2 * (t - now - this.countCostMs);
      now = t;
      // In a gap, one count per turn (a burst's arrivals are still being read); overdue ones in a budget.
      if (!overdue || now - t0 >= COUNT_BUDGET_MS) break;
    }
    this.draining = setImmediate(this.drainCounts);
  };

  /** Stops the scheduling loop (in-flight streams are left to the server to close). */
  async stop(): Promise<void> {
    this.flushCounts();
    this.stopped = true;
    if (this.draining) clearImmediate(this.draining);
    this.ticker.stop();
    await this.trace.close();
  }
}
