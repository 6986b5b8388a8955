import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { monoMs } from '../../util/clock.ts';
import type { ApiKind, RequestRecord, RequestSpec } from '../types.ts';
import { apiClients, type ApiClient, type ChunkView } from './api.ts';
import { LabelledAbort, classifyError, errorMessage, statusLabel } from './errors.ts';
import { SseFramer } from './sse.ts';
import { TextDecoder } from 'node:util';

export interface ClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8000` (a path prefix is kept). */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <key>`; never logged or recorded. */
  apiKey?: string;
  /** Headers on every request. */
  headers?: Record<string, string>;
  /** TCP connections in the pool: size it to the planned max concurrency (no hidden cap). */
  connections: number;
  /** Whole-request timeout (send → end), ms; 0 = none. Default 0. */
  requestTimeoutMs?: number;
  /** Time to response headers, ms. Default 300 000. */
  headersTimeoutMs?: number;
  /** Longest gap between body reads, ms. Default 300 000. */
  bodyTimeoutMs?: number;
  /** Keep generated text in records. */
  keepText?: boolean;
  /** Keep the response verbatim in records (`RequestRecord.raw`: body, content-event payloads, usage). */
  keepRaw?: boolean;
  /** Error bodies are truncated to this many characters. Default 1024. */
  maxErrorBodyChars?: number;
  /** Override an API's path. */
  paths?: Partial<Record<ApiKind, string>>;
}

/** A request with its body already serialised (built off the hot path). */
export interface PreparedRequest {
  spec: RequestSpec;
  path: string;
  body: string;
  /** UTF-8 byte length of `body`. */
  bodyBytes: number;
  headers: Record<string, string>;
}

export interface SendMeta {
  id: number;
  stage: number;
  worker: number;
  scheduledAtMs: number;
}

/**
 * Sends OpenAI-compatible requests over one undici Pool and turns each into a
 * RequestRecord. Transport is `Pool.dispatch()` with our own handler: each
 * network read is timestamped once with monoMs() and framed by SseFramer, no
 * intermediate streams. `send` never throws; every failure becomes a record
 * with an ErrorLabel.
 */
export class EngineClient {
  private readonly pool: Pool;
  private readonly inFlight = new Set<RequestHandler>();
  readonly opts: ClientOptions;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    const u = new URL(opts.baseUrl);
    this.pool = new Pool(u.origin, {
      connections: Math.max(1, Math.ceil(opts.connections)),
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: opts.headersTimeoutMs ?? 300_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 300_000,
      connect: { timeout: 10_000 },
    });
  }

  /** Serialise the body and headers (do this ahead of the send time). */
  prepare(spec: RequestSpec): PreparedRequest {
    return prepareRequest(spec, this.opts);
  }

  /** Send now; `done` gets the record exactly once. */
  send(req: PreparedRequest, meta: SendMeta, done: (rec: RequestRecord) => void): void {
    const h = new RequestHandler(this, req, meta, done, apiClients.get(req.spec.api));
    this.inFlight.add(h);
    h.record.sentAtMs = monoMs();
    try {
      this.pool.dispatch({ path: req.path, method: 'POST', headers: req.headers, body: req.body }, h);
    } catch (err) {
      h.fail(err);
    }
  }

  /** Promise form of `send` (never rejects). */
  sendAsync(req: PreparedRequest | RequestSpec, meta: SendMeta): Promise<RequestRecord> {
    const p = 'body' in req && 'path' in req ? req : this.prepare(req);
    return new Promise((resolve) => this.send(p, meta, resolve));
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Abort every in-flight request; each is recorded with `label`. */
  abortAll(label: 'aborted' | 'timeout' = 'aborted', message = 'aborted by the run'): void {
    for (const h of [...this.inFlight]) h.abort(new LabelledAbort(label, message));
  }

  async close(): Promise<void> {
    this.abortAll();
    await this.pool.close().catch(() => undefined);
  }

  /** @internal */
  finished(h: RequestHandler): void {
    this.inFlight.delete(h);
  }
}

const optsCache = new WeakMap<ClientOptions, { basePath: string; headers: Record<string, string> }>();

/**
 * Serialise a spec into path, body and headers for `opts` (pure apart from a
 * per-options cache). Runs off the hot path, in any thread.
 */
export function prepareRequest(spec: RequestSpec, opts: ClientOptions): PreparedRequest {
  const api = apiClients.get(spec.api);
  let c = optsCache.get(opts);
  if (!c) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    c = { basePath: new URL(opts.baseUrl).pathname.replace(/\/+$/, ''), headers };
    optsCache.set(opts, c);
  }
  const path = c.basePath + (opts.paths?.[spec.api] ?? api.path);
  const headers = spec.headers ? { ...c.headers, ...spec.headers } : c.headers;
  const body = JSON.stringify(api.buildBody(spec, opts.model));
  return { spec, path, body, bodyBytes: Buffer.byteLength(body, 'utf8'), headers };
}

const STREAM_OPT = { stream: true } as const;

const enum Mode {
  Stream,
  Whole,
  Error,
}

/** One request's undici handler and parse state. */
class RequestHandler implements Dispatcher.DispatchHandler {
  readonly record: RequestRecord;
  private controller: Dispatcher.DispatchController | undefined;
  private pendingAbort: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private mode = Mode.Stream;
  private decoder: TextDecoder | undefined;
  private framer: SseFramer | undefined;
  private readTimeMs = 0;
  /** Body reads so far, and the read that delivered the last content event (same-read detection). */
  private reads = 0;
  private lastContentRead = -1;
  private sameRead = 0;
  private textParts: string[] | undefined;
  /** keepRaw: the decoded text of every read, the content events' payloads, the merged usage. */
  private rawParts: string[] | undefined;
  private rawChunks: string[] | undefined;
  private rawUsage: Record<string, unknown> | null = null;
  private raw = '';
  private lastCum = -1;
  private dataEvents = 0;
  private badJson = 0;
  private badJsonSample = '';
  private streamError: { label: ReturnType<typeof statusLabel>; message: string } | undefined;
  private settled = false;
  private readonly stream: boolean;
  private readonly view: ChunkView = { text: '', hasChoices: false, finishReason: undefined };

  constructor(
    private readonly client: EngineClient,
    req: PreparedRequest,
    meta: SendMeta,
    private readonly done: (rec: RequestRecord) => void,
    private readonly api: ApiClient,
  ) {
    const spec = req.spec;
    this.stream = spec.stream;
    this.record = {
      id: meta.id,
      stage: meta.stage,
      worker: meta.worker,
      api: spec.api,
      stream: spec.stream,
      scheduledAtMs: meta.scheduledAtMs,
      sentAtMs: 0,
      chunkTimesMs: [],
      chunkTokens: [],
      endAtMs: 0,
      requestBytes: req.bodyBytes,
    };
    if (spec.maxTokens !== undefined) this.record.maxTokens = spec.maxTokens;
    if (spec.promptTokensClient !== undefined) this.record.promptTokensClient = spec.promptTokensClient;
    if (spec.tags) this.record.tags = spec.tags;
    if (client.opts.keepText || spec.sessionKey !== undefined) this.textParts = [];
    if (client.opts.keepRaw) {
      this.rawParts = [];
      this.rawChunks = [];
    }
    const t = client.opts.requestTimeoutMs ?? 0;
    if (t > 0) {
      this.timer = setTimeout(() => this.abort(new LabelledAbort('timeout', `request timeout after ${t} ms`)), t);
    }
  }

  abort(reason: Error): void {
    if (this.settled) return;
    if (this.controller) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.record.writtenAtMs = monoMs();
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.record.headersAtMs = monoMs();
    this.record.httpStatus = statusCode;
    this.decoder = new TextDecoder();
    const ct = headers['content-type'];
    if (statusCode < 200 || statusCode >= 300) this.mode = Mode.Error;
    // A server that ignores `stream: true` answers with one JSON body: read it as such.
    else if (!this.stream || (typeof ct === 'string' && ct.includes('application/json'))) this.mode = Mode.Whole;
    else this.framer = new SseFramer((d) => this.onEvent(d));
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.readTimeMs = monoMs();
    this.reads++;
    const text = this.decoder!.decode(chunk, STREAM_OPT);
    if (this.mode === Mode.Stream) {
      if (this.rawParts) this.rawParts.push(text);
      this.framer!.push(text);
    } else if (this.mode === Mode.Whole || this.raw.length < this.maxErr()) this.raw += text;
  }

  onResponseEnd(): void {
    const end = monoMs();
    const rec = this.record;
    const tail = this.decoder?.decode() ?? '';
    if (this.mode === Mode.Stream) {
      this.readTimeMs = end;
      this.reads++;
      if (tail) {
        this.rawParts?.push(tail);
        this.framer!.push(tail);
      }
      this.framer!.end();
      rec.sameReadChunks = this.sameRead;
      if (this.streamError) rec.error = this.streamError;
      else if (this.badJson > 0)
        rec.error = { label: 'malformed_json', message: `${this.badJson} SSE event(s) not JSON: ${this.badJsonSample}` };
      else if (this.framer!.strayLines > 0 || this.dataEvents === 0)
        rec.error = {
          label: 'malformed_sse',
          message: `${this.framer!.strayLines} line(s) not SSE fields, ${this.dataEvents} data event(s)`,
        };
    } else if (this.mode === Mode.Whole) {
      this.raw += tail;
      this.readWhole();
    } else {
      const status = rec.httpStatus ?? 0;
      rec.error = { label: statusLabel(status), message: `HTTP ${status}: ${this.raw.slice(0, this.maxErr())}` };
    }
    if (this.textParts) rec.outputText = this.textParts.join('');
    this.keepRaw();
    this.settle(end);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  fail(err: unknown): void {
    if (this.settled) return;
    const end = monoMs();
    this.record.error = { label: classifyError(err), message: errorMessage(err).slice(0, this.maxErr()) };
    if (this.textParts) this.record.outputText = this.textParts.join('');
    if (this.mode === Mode.Stream && this.framer) this.record.sameReadChunks = this.sameRead;
    this.keepRaw();
    this.settle(end);
  }

  /** keepRaw: attach what was received, verbatim (once, at the end). */
  private keepRaw(): void {
    if (!this.rawParts) return;
    const body = this.mode === Mode.Stream ? this.rawParts.join('') : this.raw;
    this.record.raw = { body, chunks: this.rawChunks!, usage: this.rawUsage };
  }

  private settle(end: number): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.record.endAtMs = end;
    this.client.finished(this);
    this.done(this.record);
  }

  private maxErr(): number {
    return this.client.opts.maxErrorBodyChars ?? 1024;
  }

  private onEvent(data: string): void {
    this.dataEvents++;
    if (data === '[DONE]') {
      this.record.doneSeen = true;
      return;
    }
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(data) as Record<string, unknown>;
    } catch {
      if (this.badJson++ === 0) this.badJsonSample = data.slice(0, 200);
      return;
    }
    if (obj === null || typeof obj !== 'object') {
      if (this.badJson++ === 0) this.badJsonSample = data.slice(0, 200);
      return;
    }
    const t = this.readTimeMs;
    const rec = this.record;
    if (obj.error !== undefined && obj.error !== null && this.streamError === undefined) {
      this.streamError = inStreamError(obj.error);
    }
    let cum = -1;
    const usage = obj.usage as Record<string, unknown> | null | undefined;
    if (usage && typeof usage === 'object') {
      this.mergeUsage(usage);
      if (typeof usage.completion_tokens === 'number') cum = usage.completion_tokens;
    }
    const v = this.view;
    this.api.readChunk(obj, v);
    if (!v.hasChoices) return;
    rec.choiceEventCount = (rec.choiceEventCount ?? 0) + 1;
    if (rec.firstChoiceAtMs === undefined) rec.firstChoiceAtMs = t;
    rec.lastChoiceAtMs = t;
    if (v.finishReason !== undefined) rec.finishReason = v.finishReason;
    let delta = 1;
    if (cum >= 0) {
      delta = this.lastCum < 0 ? cum : cum - this.lastCum;
      this.lastCum = cum;
    }
    if (v.text.length > 0) {
      rec.chunkTimesMs.push(t);
      rec.chunkTokens.push(delta < 0 ? 0 : delta);
      if (this.lastContentRead === this.reads) this.sameRead++;
      this.lastContentRead = this.reads;
      if (this.textParts) this.textParts.push(v.text);
      if (this.rawChunks) this.rawChunks.push(data);
    }
  }

  private mergeUsage(u: Record<string, unknown>): void {
    const rec = this.record;
    if (this.rawParts) this.rawUsage = this.rawUsage ? Object.assign(this.rawUsage, u) : { ...u };
    if (typeof u.prompt_tokens === 'number') rec.promptTokensServer = u.prompt_tokens;
    if (typeof u.completion_tokens === 'number') rec.completionTokensServer = u.completion_tokens;
    const d = u.prompt_tokens_details as Record<string, unknown> | null | undefined;
    if (d && typeof d.cached_tokens === 'number') rec.cachedPromptTokensServer = d.cached_tokens;
  }

  private readWhole(): void {
    const rec = this.record;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(this.raw) as Record<string, unknown>;
      if (obj === null || typeof obj !== 'object') throw new Error('not an object');
    } catch {
      rec.error = { label: 'malformed_json', message: `response body not JSON: ${this.raw.slice(0, 200)}` };
      return;
    }
    if (obj.error !== undefined && obj.error !== null) {
      rec.error = inStreamError(obj.error);
      return;
    }
    const usage = obj.usage as Record<string, unknown> | null | undefined;
    if (usage && typeof usage === 'object') this.mergeUsage(usage);
    const w = this.api.readWhole(obj);
    if (w.finishReason !== undefined) rec.finishReason = w.finishReason;
    if (this.textParts) this.textParts.push(w.text);
  }
}

/** An `{"error": ...}` payload after HTTP 200 (vLLM streaming errors). */
function inStreamError(e: unknown): { label: ReturnType<typeof statusLabel>; message: string } {
  const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const code = typeof o.code === 'number' ? o.code : Number(o.code);
  const msg = typeof o.message === 'string' ? o.message : JSON.stringify(e);
  return {
    label: Number.isFinite(code) && code >= 400 ? statusLabel(code) : 'other',
    message: `error in response: ${msg.slice(0, 512)}`,
  };
}
