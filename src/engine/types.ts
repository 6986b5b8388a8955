/**
 * The load engine's contract, shared by every harness. Three layers meet here:
 *   data sources  -> RequestSpec   (what to send)
 *   schedules     -> StagePlan     (when to send: pure, seeded)
 *   dispatcher    -> RequestRecord (what happened, raw, one per request)
 * Metrics are pure functions of RequestRecord[] (src/metrics/).
 * All times are monotonic milliseconds from src/util/clock.ts (monoMs).
 */

export type ApiKind = 'completion' | 'chat';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** One request to send. Built off the hot path, before or between sends. */
export interface RequestSpec {
  api: ApiKind;
  /** Completions API prompt. */
  prompt?: string;
  /** Chat API messages. */
  messages?: ChatMessage[];
  /** undefined: omit from the body (server default). */
  maxTokens?: number;
  ignoreEos?: boolean;
  stream: boolean;
  /** Prompt length in tokens as counted by the client tokenizer, when known. */
  promptTokensClient?: number;
  /** Extra JSON body fields (e.g. vllm-benchmark's extra body). */
  extraBody?: Record<string, unknown>;
  /** Extra HTTP headers for this request. */
  headers?: Record<string, string>;
  /** Grouping for analysis: shared-prefix group, conversation/session id, turn... */
  tags?: Record<string, string | number>;
  /**
   * Multi-turn sources: requests with the same session key are sent one after
   * another (never concurrently), and the data source sees each response.
   */
  sessionKey?: string;
}

/**
 * The send offsets of an open stage (ms from the stage start, ascending), drawn as they are
 * used: memory stays O(1) whatever the count. Every iterator yields the same sequence.
 */
export interface Arrivals {
  /** How many offsets: known without drawing, or counted once in O(count) time and O(1) memory. */
  readonly count: number;
  /**
   * A fresh iterator from the first offset. Creating it may take O(count) time (a schedule
   * rescaled to an exact span sums its gaps first), so create it before the stage clock starts.
   */
  [Symbol.iterator](): Iterator<number>;
}

/**
 * The load shape of one stage, planned before anything is sent.
 * `open`: send at the i-th offset after the stage start, whatever the server does. Schedules
 * give `arrivals` (lazy); `offsetsMs` is the whole sequence drawn into memory, for tests and
 * small hand-made plans (the engine reads `arrivals` when present: `arrivalsOf` in
 * src/engine/schedule/arrivals.ts).
 * `closed`: keep `concurrency` requests in flight until `maxRequests` are done
 * or `durationMs` has passed.
 */
export type StagePlan =
  | ({
      kind: 'open';
      stage: number;
      /**
       * Intended send offsets from the stage start, ascending, all in memory. On a schedule's
       * plan it is a non-enumerable getter drawing `arrivals` on first use (memory ∝ count):
       * never read it on the run path.
       */
      offsetsMs: Float64Array;
      /** The same offsets, drawn lazily (every schedule sets it). */
      arrivals?: Arrivals;
      /** Requested rate (req/s) for achieved-vs-requested reporting. */
      requestedRate: number;
      durationMs: number;
    } & StageLimits)
  | ({
      kind: 'closed';
      stage: number;
      concurrency: number;
      maxRequests?: number;
      durationMs?: number;
    } & StageLimits);

/**
 * Optional hard limits of a stage (GuideLLM's constraints). Without them a stage ends when
 * every request it sent has finished.
 */
export interface StageLimits {
  /**
   * `durationMs` is a hard limit: when it passes, sending stops and requests still in flight
   * are cancelled (recorded with error label 'aborted', their partial stream kept).
   */
  hardDeadline?: boolean;
  /** Stop the stage (no more sends, in-flight cancelled) once this many of its requests failed (cancellations not counted). */
  maxErrors?: number;
  /** A harness's own stop rule (e.g. GuideLLM's over-saturation): a reason to stop ends the stage like maxErrors. */
  stopRule?: StageStopRule;
}

/**
 * Asked by the dispatcher (main thread, never per chunk): after each finished request of the stage,
 * and at each health sample (every `healthSampleMs`, default 1 s) with the stage's elapsed time and
 * requests in flight. Return a reason to end the stage now, else undefined.
 */
export interface StageStopRule {
  record?(rec: RequestRecord): string | undefined;
  sample?(elapsedMs: number, inFlight: number): string | undefined;
}

/** Why a request failed, as a stable label counted in the failure rate. */
export type ErrorLabel =
  | 'http_4xx'
  | 'http_429'
  | 'http_5xx'
  | 'connection_refused'
  | 'connection_reset'
  | 'timeout'
  | 'malformed_sse'
  | 'malformed_json'
  | 'aborted'
  | 'other';

/** Raw data for one request. No statistics here. */
export interface RequestRecord {
  /** Global request index within the run. */
  id: number;
  stage: number;
  /** Worker thread that sent it (0 when single-threaded). */
  worker: number;
  api: ApiKind;
  /** The request asked for a streamed response. */
  stream?: boolean;
  /** Intended send time (open loop) or the time a slot became free (closed loop). */
  scheduledAtMs: number;
  /**
   * `send` was called: the request was handed to the HTTP transport. `sentAtMs − dispatchedAtMs`
   * is the client's own wait before the wire (connection-pool queueing, TCP connect, event loop).
   */
  dispatchedAtMs?: number;
  /**
   * Just before the request's bytes were written to a connected socket (the request start of every
   * metric: TTFT, E2E, start times). A request that never reached a socket (refused, aborted while
   * queued) has `sentAtMs = dispatchedAtMs`.
   */
  sentAtMs: number;
  /** Response headers received. */
  headersAtMs?: number;
  /** Arrival time of each content-bearing SSE event (role-only / usage-only / empty events excluded). */
  chunkTimesMs: number[];
  /** Completion tokens carried by each content event, when the server says (continuous usage) or 1 per event otherwise. */
  chunkTokens: number[];
  /** Body fully consumed ([DONE] or EOF) or error. */
  endAtMs: number;
  httpStatus?: number;
  finishReason?: string;
  /** From the server's `usage`, the ground truth when present. */
  promptTokensServer?: number;
  completionTokensServer?: number;
  /** From our tokenizer. */
  promptTokensClient?: number;
  completionTokensClient?: number;
  /** Requested max_tokens. */
  maxTokens?: number;
  /** Generated text (kept only when a harness needs it: multi-turn, per-request reports). */
  outputText?: string;
  error?: { label: ErrorLabel; message: string };
  tags?: Record<string, string | number>;
  /**
   * First / last SSE event with a non-empty `choices` array, content or not
   * (vllm bench times TTFT and latency by these; the chat role chunk counts).
   */
  firstChoiceAtMs?: number;
  lastChoiceAtMs?: number;
  /** Number of SSE events with non-empty `choices`. */
  choiceEventCount?: number;
  /** Server `usage.prompt_tokens_details.cached_tokens`, when sent. */
  cachedPromptTokensServer?: number;
  /** The stream ended with `data: [DONE]` (false: EOF without it). */
  doneSeen?: boolean;
  /** UTF-8 bytes of the request body as sent (inference-perf's `request_size_bytes`). */
  requestBytes?: number;
  /**
   * Streamed responses: content events (entries of chunkTimesMs) that arrived in the same
   * network read as the content event before them. Every event of one read carries that read's
   * single timestamp, so each of these is an inter-chunk gap of exactly 0 (docs/metrics.md).
   */
  sameReadChunks?: number;
  /**
   * The response as received, kept only when the client is asked to (ClientOptions.keepRaw:
   * inference-perf's per_request file); the harness drops it once that entry is written.
   */
  raw?: RawResponse;
}

/**
 * A response kept verbatim for per-request reports: as text (`body`, `chunks`), or as the bytes
 * received with each content event's payload located in them (what the client keeps: no string
 * per event on the hot path). `rawBody` / `rawChunks` (src/engine/client/raw.ts) read either.
 */
export type RawResponse = RawText | RawBytes;

export interface RawText {
  /** The body text exactly as received (the SSE stream, or the JSON / error body). */
  body: string;
  /** The `data:` payload of each content event, 1:1 with chunkTimesMs (streamed responses). */
  chunks: string[];
  /** Every `usage` object of the response merged in order, as the server sent it; null when none. */
  usage: Record<string, unknown> | null;
}

export interface RawBytes {
  /** The body bytes exactly as received (decoded as TextDecoder does: a leading BOM dropped). */
  bytes: Uint8Array;
  /**
   * Per content event (1:1 with chunkTimesMs), two numbers: its `data:` payload as bytes
   * [start, end) of `bytes`; start −1 − k: the payload is `chunkTexts[k]` (one that was not
   * one contiguous run of the body, e.g. several data lines or CR line ends).
   */
  chunkSpans: number[];
  chunkTexts: string[];
  usage: Record<string, unknown> | null;
  /**
   * Per content event (1:1 with chunkTimesMs), the same-shape template it matched (SameShape:
   * its payload is the template's prefix, a value with no byte JSON escapes — no control byte,
   * `"` or backslash — then the template's suffix), as an index into `shapeLens`; −1: not matched, or
   * its payload is kept as text. Lets a writer escape a template once per response, not per event.
   */
  shapeOf?: number[];
  /** Per template (a change of template within a response adds one): its prefix and suffix lengths in bytes. */
  shapeLens?: number[];
}
