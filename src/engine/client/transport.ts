/**
 * HTTP transports behind one interface, so the request recorder (recorder.ts)
 * is the same whichever moves the bytes: `undici` (TLS, proxies, anything
 * undici covers) and `h1` (a lean HTTP/1.1 client over node:net for plain
 * http). A transport calls the sink with ONE monotonic stamp per network read;
 * every body slice of that read carries that same stamp.
 */
import { Registry } from '../../util/registry.ts';

/** What a transport reports about one request, in order; exactly one of onEnd / onError ends it. */
export interface ResponseSink {
  /** The request's bytes are about to be written to a connected socket (after any connect / pool wait). */
  onSent(atMs: number): void;
  onHeaders(status: number, contentType: string | undefined, atMs: number): void;
  /** Body bytes `buf[start, end)` of the read stamped `atMs` (several calls may share one read). `buf` is reused after the call. */
  onData(buf: Buffer, start: number, end: number, atMs: number): void;
  onEnd(atMs: number): void;
  onError(err: unknown): void;
}

export interface WireRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Cancels one request; the sink then gets onError(reason) unless it already ended. */
export type AbortFn = (reason: Error) => void;

export interface TransportOptions {
  /** Origin, e.g. `http://127.0.0.1:8000`. */
  origin: string;
  connections: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connectTimeoutMs: number;
}

export interface TransportPool {
  dispatch(req: WireRequest, sink: ResponseSink): AbortFn;
  close(): Promise<void>;
}

export type TransportKind = 'undici' | 'h1';

export interface Transport {
  readonly kind: TransportKind;
  /** Whether this transport can serve the URL (scheme, options). */
  accepts(url: URL): boolean;
  create(opts: TransportOptions): TransportPool;
}

/** Transports keyed by kind (registered in transports-index.ts). */
export const transports = new Registry<TransportKind, Transport>('HTTP transport');
