/**
 * The undici transport: one undici `Pool` (explicit `connections`, keep-alive,
 * headers/body timeouts) driven through `Pool.dispatch()` with a minimal
 * handler, no intermediate streams. Kept for what the lean h1 transport does
 * not cover (https and its TLS options). `onRequestStart` runs inside undici's
 * writeH1 right before the request is written to the connected socket: that is
 * the send stamp.
 */
import { undici } from '../../util/undici.ts';
import type { Dispatcher } from 'undici';
import { monoMs } from '../../util/clock.ts';
import type { AbortFn, ResponseSink, Transport, TransportOptions, TransportPool, WireRequest } from './transport.ts';

class UndiciHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private pendingAbort: Error | undefined;

  constructor(private readonly sink: ResponseSink) {}

  abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) {
      controller.abort(this.pendingAbort);
      return;
    }
    this.sink.onSent(monoMs());
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    const ct = headers['content-type'];
    this.sink.onHeaders(statusCode, typeof ct === 'string' ? ct : undefined, monoMs());
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.sink.onData(chunk, 0, chunk.length, monoMs());
  }

  onResponseEnd(): void {
    this.sink.onEnd(monoMs());
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.sink.onError(err);
  }
}

class UndiciPool implements TransportPool {
  private readonly pool: Dispatcher;

  constructor(o: TransportOptions) {
    this.pool = new (undici().Pool)(o.origin, {
      connections: o.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: o.headersTimeoutMs,
      bodyTimeout: o.bodyTimeoutMs,
      connect: { timeout: o.connectTimeoutMs },
    });
  }

  dispatch(req: WireRequest, sink: ResponseSink): AbortFn {
    const h = new UndiciHandler(sink);
    try {
      this.pool.dispatch({ path: req.path, method: 'POST', headers: req.headers, body: req.body }, h);
    } catch (err) {
      queueMicrotask(() => sink.onError(err));
    }
    return (reason) => h.abort(reason);
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }
}

export const undiciTransport: Transport = {
  kind: 'undici',
  accepts: (url) => url.protocol === 'http:' || url.protocol === 'https:',
  create: (o) => new UndiciPool(o),
};
