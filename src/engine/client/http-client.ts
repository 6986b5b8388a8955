import { monoMs } from '../../util/clock.ts';
import type { ApiKind, RequestRecord, RequestSpec } from '../types.ts';
import { apiClients } from './api.ts';
import { LabelledAbort } from './errors.ts';
import { Handoff } from './handoff.ts';
import { Recorder, type RecorderOptions } from './recorder.ts';
import type { AbortFn, TransportKind, TransportPool } from './transport.ts';
import { pickTransport } from './transports.ts';

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
  /** HTTP transport; default: the first registered one that serves the URL (`h1` for http, `undici` for https). */
  transport?: TransportKind;
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
 * Sends OpenAI-compatible requests over one HTTP transport (transport.ts: the
 * lean `h1` for plain http by default, `undici` otherwise) and turns each into
 * a RequestRecord (recorder.ts). Each network read is timestamped once with
 * monoMs(); `dispatchedAtMs` is when `send` was called, `sentAtMs` when the
 * request's bytes were written to a connected socket. `send` never throws;
 * every failure becomes a record with an ErrorLabel. Records reach `done` after
 * the I/O phase that finished them (handoff.ts), never inside a read callback.
 */
export class EngineClient {
  private readonly pool: TransportPool;
  private readonly inFlight = new Map<Recorder, AbortFn>();
  private readonly recOpts: RecorderOptions;
  private readonly handoff = new Handoff();
  readonly opts: ClientOptions;
  /** The transport in use. */
  readonly transport: TransportKind;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    const u = new URL(opts.baseUrl);
    const t = pickTransport(u, opts.transport);
    this.transport = t.kind;
    this.pool = t.create({
      origin: u.origin,
      connections: Math.max(1, Math.ceil(opts.connections)),
      headersTimeoutMs: opts.headersTimeoutMs ?? 300_000,
      bodyTimeoutMs: opts.bodyTimeoutMs ?? 300_000,
      connectTimeoutMs: 10_000,
    });
    this.recOpts = { keepText: Boolean(opts.keepText), keepRaw: Boolean(opts.keepRaw), maxErrorBodyChars: opts.maxErrorBodyChars ?? 1024 };
  }

  /** Serialise the body and headers (do this ahead of the send time). */
  prepare(spec: RequestSpec): PreparedRequest {
    return prepareRequest(spec, this.opts);
  }

  /** Send now; `done` gets the record exactly once. */
  send(req: PreparedRequest, meta: SendMeta, done: (rec: RequestRecord) => void): void {
    const spec = req.spec;
    const rec: RequestRecord = {
      id: meta.id,
      stage: meta.stage,
      worker: meta.worker,
      api: spec.api,
      stream: spec.stream,
      scheduledAtMs: meta.scheduledAtMs,
      dispatchedAtMs: 0,
      sentAtMs: 0,
      chunkTimesMs: [],
      chunkTokens: [],
      endAtMs: 0,
      requestBytes: req.bodyBytes,
    };
    if (spec.maxTokens !== undefined) rec.maxTokens = spec.maxTokens;
    if (spec.promptTokensClient !== undefined) rec.promptTokensClient = spec.promptTokensClient;
    if (spec.tags) rec.tags = spec.tags;
    let timer: NodeJS.Timeout | undefined;
    const r: Recorder = new Recorder(rec, apiClients.get(spec.api), this.recOpts, this.recOpts.keepText || spec.sessionKey !== undefined, (x) => {
      if (timer) clearTimeout(timer);
      this.inFlight.delete(r);
      // Never connected / never written: the request starts when it was dispatched.
      if (x.sentAtMs === 0) x.sentAtMs = x.dispatchedAtMs!;
      this.handoff.push(done, x);
    });
    rec.dispatchedAtMs = monoMs();
    const abort = this.pool.dispatch(req, r);
    if (!r.isSettled) this.inFlight.set(r, abort);
    const t = this.opts.requestTimeoutMs ?? 0;
    if (t > 0 && !r.isSettled) timer = setTimeout(() => abort(new LabelledAbort('timeout', `request timeout after ${t} ms`)), t);
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
    for (const abort of [...this.inFlight.values()]) abort(new LabelledAbort(label, message));
  }

  async close(): Promise<void> {
    this.abortAll();
    await this.pool.close();
    this.handoff.flush();
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
