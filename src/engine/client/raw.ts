/**
 * Reading a kept response (RequestRecord.raw) whichever form it has: the client keeps the bytes
 * it received and where each content event's payload lies in them (RawBytes: decoded only when
 * asked), hand-made records may hold text (RawText).
 */
import type { RawBytes, RawResponse } from '../types.ts';

/** The body text, decoded as TextDecoder does (a leading BOM dropped, bad bytes as U+FFFD). */
export function rawBody(raw: RawResponse): string {
  return 'body' in raw ? raw.body : new TextDecoder().decode(raw.bytes);
}

/** Content event `i`'s payload text (RawBytes). */
export function rawChunk(raw: RawBytes, i: number): string {
  const a = raw.chunkSpans[2 * i]!;
  if (a < 0) return raw.chunkTexts[-1 - a]!;
  return Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset + a, raw.chunkSpans[2 * i + 1]! - a).toString('utf8');
}

/** Every content event's payload text, 1:1 with chunkTimesMs. */
export function rawChunks(raw: RawResponse): string[] {
  if ('chunks' in raw) return raw.chunks;
  const out: string[] = [];
  for (let i = 0; i < raw.chunkSpans.length / 2; i++) out.push(rawChunk(raw, i));
  return out;
}
