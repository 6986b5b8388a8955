import type { ProfileIssue } from '../../util/issues.ts';
import type { Logger } from '../../util/logger.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { ApiKind, RequestSpec } from '../types.ts';

/** Key path inside the harness document where a data source's config sits, e.g. ['data']. */
export type KeyPath = (string | number)[];

export interface DataSourceContext {
  tokenizer: Tokenizer;
  /** Seed of every random choice of the source; record it with the results. */
  seed: number;
  /** Which API the requests target (some sources support only `completion`). */
  api: ApiKind;
  stream: boolean;
  /** Sent as the body field ignore_eos when set. */
  ignoreEos?: boolean;
  log: Logger;
  /** Largest number of requests any stage will ask for (pre-draw hint; sources work without it). */
  totalCount?: number;
  /** Server context length when known (multi-turn context truncation). */
  maxModelLen?: number;
  /**
   * The run's stop signal (Ctrl-C): a source that builds or reads much up front yields to the
   * event loop every ~50 ms and stops with E_INTERRUPTED once it fires.
   */
  signal?: AbortSignal;
  /** Resolve relative file paths against this directory (default: cwd). */
  baseDir?: string;
}

/** What the dispatcher reports back about one finished request. */
export interface ResponseInfo {
  ok: boolean;
  /** Generated text (needed by multi-turn sources). */
  text?: string;
  /** Completion tokens when known (server usage): spares the source a client-side count on the event loop. */
  tokens?: number;
  /** When the request was due, sent and finished (monotonic ms), for sources whose next turn depends on it. */
  scheduledAtMs?: number;
  sentAtMs?: number;
  endAtMs?: number;
}

/**
 * A stream of requests. `get(i)` builds the request with global index i
 * (0, 1, 2, ... in send order), deterministically from the seed: two sources
 * made with the same config and seed give identical specs for every i.
 *
 * Session sources (multi-turn): specs carry `sessionKey`; `get(i)` for a later
 * turn resolves only once the previous turn of that session has been reported
 * through `onResponse` (plus any think/tool time), so call `get` from one task
 * per request at its send time, never in a serial loop. `onResponse` must be
 * called for every request whose spec had a sessionKey, failed ones included.
 */
export interface RequestSource {
  readonly kind: string;
  /** Distinct items when the source is a finite dataset (requests cycle through them). */
  readonly size?: number;
  /** True when specs carry session keys and `get` may wait for earlier turns. */
  readonly sessions: boolean;
  get(i: number): RequestSpec | Promise<RequestSpec>;
  /** Session key of request i without building it (worker pinning). */
  sessionKeyOf?(i: number): string | undefined;
  onResponse?(spec: RequestSpec, res: ResponseInfo): void;
  /** Release timers (sources with think/tool time). */
  close?(): void;
}

/** A data source plugin, registered by `kind` in the datagen registry. */
export interface DataSourcePlugin<C = unknown> {
  readonly kind: string;
  readonly description: string;
  /** Every problem of `cfg` at once, with key paths under `at`. */
  validate(cfg: unknown, at?: KeyPath): ProfileIssue[];
  /** Build the source. Call `validate` first; `create` throws on invalid config. */
  create(cfg: C, ctx: DataSourceContext): Promise<RequestSource>;
}
