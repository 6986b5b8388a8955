/**
 * Buffers for response bodies kept verbatim (ClientOptions.keepRaw), reused once their reader
 * hands them back. Why: a run that writes every response out (inference-perf's per_request file)
 * kept ~10–30 KB of fresh ArrayBuffer per request; V8 counts ArrayBuffers as external memory and
 * starts a full GC for every ~64 MiB of it. A reader that is done with a record's `raw` (and drops
 * it) calls `recycleRaw`, and the buffer becomes a later body's. Only buffers made here are taken
 * back (a WeakSet of their ArrayBuffers): a hand-made RawBytes, or a slice of Buffer's shared pool,
 * is never reused. A recycled RawBytes is emptied, so a late reader sees no bytes, not another body.
 */
import type { RawResponse } from '../types.ts';

const own = new WeakSet<ArrayBufferLike>();
const spare: Buffer[] = [];
/** Spare buffers kept at most (a body is ~10–20 KB for 64 tokens: ~1 MiB here). */
const MAX_SPARE = 64;

/** A buffer of at least `size` bytes for a kept body (contents undefined). */
export function bodyBuffer(size: number): Buffer {
  const s = spare.pop();
  if (s !== undefined && s.length >= size) return s;
  const b = Buffer.allocUnsafeSlow(size);
  own.add(b.buffer);
  return b;
}

/** A body buffer nothing refers to any more (outgrown while the body was read). */
export function releaseBodyBuffer(b: Buffer): void {
  if (spare.length < MAX_SPARE && own.has(b.buffer)) spare.push(b);
}

/**
 * Hand a record's kept response back for reuse: call it only when nothing will read `raw` again
 * (the caller drops it). Emptied here, so a mistaken later read finds nothing rather than another body.
 */
export function recycleRaw(raw: RawResponse | undefined): void {
  if (raw === undefined || !('bytes' in raw)) return;
  const ab = raw.bytes.buffer;
  raw.bytes = EMPTY;
  raw.chunkSpans = [];
  raw.shapeOf = undefined;
  raw.shapeLens = undefined;
  if (spare.length < MAX_SPARE && own.has(ab)) spare.push(Buffer.from(ab));
}

const EMPTY = new Uint8Array(0);
