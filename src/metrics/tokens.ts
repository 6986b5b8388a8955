import type { RequestRecord } from '../engine/types.ts';

/** Output token count: the server's usage first, then the client tokenizer, then Σ per-chunk tokens. */
export function outputTokens(r: RequestRecord, prefer: 'server' | 'client' = 'server'): number {
  const client = r.completionTokensClient;
  const server = r.completionTokensServer;
  if (prefer === 'client' && client !== undefined) return client;
  if (server !== undefined) return server;
  if (client !== undefined) return client;
  let n = 0;
  for (const t of r.chunkTokens) n += t;
  return n;
}

/** Input token count: the server's usage first, then the client's count, else 0. */
export function inputTokens(r: RequestRecord): number {
  return r.promptTokensServer ?? r.promptTokensClient ?? 0;
}

/**
 * True when the client-side output count (client tokenizer, else Σ per-chunk
 * tokens of a streamed response) and the server's usage disagree. Undefined
 * when either side is unknown.
 */
export function tokenCountMismatch(r: RequestRecord): boolean | undefined {
  if (r.completionTokensServer === undefined) return undefined;
  let client = r.completionTokensClient;
  if (client === undefined && r.chunkTokens.length > 0) {
    client = 0;
    for (const t of r.chunkTokens) client += t;
  }
  if (client === undefined) return undefined;
  return client !== r.completionTokensServer;
}

/**
 * Per-token arrival times: each content chunk's time repeated for each of its
 * tokens (`chunkTokens`), as inference-perf does with a tokenizer (gaps inside a
 * chunk are 0); `perChunk` gives one time per content chunk instead.
 */
export function tokenTimes(r: RequestRecord, perChunk: boolean): number[] {
  if (perChunk) return r.chunkTimesMs;
  const out: number[] = [];
  for (let i = 0; i < r.chunkTimesMs.length; i++) {
    const k = r.chunkTokens[i] ?? 1;
    for (let j = 0; j < k; j++) out.push(r.chunkTimesMs[i]!);
  }
  return out;
}
