/**
 * Where the engine writes a response (rawhttp.ts: the lean front; exchange.ts: node:http), in a
 * file of its own so the per-request state (job.ts) can hold one without importing the engine.
 */

/**
 * Where a response goes. A stream's status and headers leave when it takes a slot (its admission
 * errors are known by then), so the first token is a bare write; other responses send them with the body.
 */
export interface Sink {
  /** Sets status and headers; `flush`: send them now (else with the first body bytes). */
  head(status: number, headers: Record<string, string>, flush?: boolean): void;
  /** After head(): body bytes given to writeBytes must be HTTP/1.1 chunk-framed. */
  readonly chunked: boolean;
  /** Stream bytes, already framed (see frames.ts); `last`: end() follows at once (the two may leave together). */
  writeBytes(b: Uint8Array, last?: boolean): void;
  /** Ends the response; `s` (unframed text) is written first. */
  end(s?: string): void;
  readonly closed: boolean;
}
