import { prepareRequest, type ClientOptions, type PreparedRequest } from '../client/http-client.ts';
import type { RequestSpec } from '../types.ts';
import type { FiniteRequestSource, RequestSource } from './types.ts';

/** One request from the source, on its way to an executor. */
export interface Entry {
  id: number;
  stage: number;
  spec?: RequestSpec;
  prepared?: PreparedRequest;
  ready: boolean;
  /** The source said "no request here" (null). */
  skip?: boolean;
  onReady?: () => void;
}

interface Session {
  busy: boolean;
  waiting: Entry[];
}

/**
 * Pulls requests from the source ahead of time, serialises them, and keeps
 * per-session order: an entry is `ready` once its spec is there and its
 * session (if any) has no other turn in flight.
 */
export class RequestFeed {
  private readonly sessions = new Map<string, Session>();
  private nextId = 0;

  constructor(
    private readonly source: RequestSource | FiniteRequestSource,
    private readonly clientOpts: ClientOptions,
    private readonly onFail: (err: unknown) => void,
  ) {}

  /** Ask the source for the next request (index = global request id). */
  fetch(stage: number): Entry {
    const e: Entry = { id: this.nextId++, stage, ready: false };
    let r: RequestSpec | null | Promise<RequestSpec | null>;
    try {
      r = this.source.next(e.id, stage);
    } catch (err) {
      this.onFail(err);
      return e;
    }
    if (r instanceof Promise) r.then((spec) => this.resolved(e, spec), (err: unknown) => this.onFail(err));
    else this.resolved(e, r);
    return e;
  }

  private resolved(e: Entry, spec: RequestSpec | null): void {
    if (spec === null) {
      e.skip = true;
      this.markReady(e);
      return;
    }
    e.spec = spec;
    try {
      e.prepared = prepareRequest(spec, this.clientOpts);
    } catch (err) {
      this.onFail(err);
      return;
    }
    const key = spec.sessionKey;
    if (key !== undefined) {
      let s = this.sessions.get(key);
      if (!s) this.sessions.set(key, (s = { busy: false, waiting: [] }));
      if (s.busy) {
        s.waiting.push(e);
        return;
      }
      s.busy = true;
    }
    this.markReady(e);
  }

  private markReady(e: Entry): void {
    e.ready = true;
    const f = e.onReady;
    e.onReady = undefined;
    f?.();
  }

  /** The entry's turn is over (finished, dropped or never sent): release its session to the next turn. */
  release(e: Entry): void {
    const key = e.spec?.sessionKey;
    if (key === undefined) return;
    const s = this.sessions.get(key);
    if (!s) return;
    const next = s.waiting.shift();
    if (next) this.markReady(next);
    else this.sessions.delete(key);
  }
}
