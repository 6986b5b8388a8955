/**
 * inference-perf's per_request_lifecycle_metrics.json: one entry per request in v0.6.1's shape,
 * streamed as requests finish. `perRequestEntry` is the entry as an object (the definition);
 * `writeEntry` writes the same entry's bytes directly — the file holds every response verbatim
 * (~350 bytes per streamed event), so the generic writer's per-value work was the largest
 * per-event cost of a run: a response kept as ASCII bytes (RawBytes) is escaped once from its
 * bytes, each payload copied from the escaped body. Escaping was still the entry's largest cost
 * (~4 ns a byte in a JavaScript loop; JSON.stringify is no faster), so a payload that matched the
 * client's same-shape template (RawBytes.shapeOf) is written as the template's escaped prefix and
 * suffix — escaped once per response, then copied — around its value, copied unescaped (the
 * template match guarantees the value needs no escape). The two agree byte for byte
 * (per-request-json.test.ts, per-request-shaped.test.ts); entries go out in ~1 MiB writes.
 */
import { isAscii } from 'node:buffer';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { rawBody, rawChunk, rawChunks } from '../../engine/client/raw.ts';
import type { RawBytes, RequestRecord } from '../../engine/types.ts';
import type { LlmdbenchError } from '../../util/errors.ts';
import { partialPath, writeFailure } from '../../util/files.ts';
import type { IpConfig } from './config-map.ts';
import { inputTokens, outputLen, outputTimesMs } from './lifecycle.ts';
import { JsonBytes } from './json-bytes.ts';
import { pyJson, pyJsonVerbatim, type PyJsonOptions } from './py-json.ts';

/** per_request entries: token counts are ints, the server's usage is written as it sent it. */
export const PER_REQUEST_JSON: PyJsonOptions = { intKeys: new Set(['input_tokens', 'output_tokens']), verbatimKeys: new Set(['server_usage']) };

/** v0.6.1's `error_type`: "HTTP Error <code>" for HTTP errors, else the Python exception class it would have raised. */
export function errorType(r: RequestRecord): string {
  if (r.httpStatus !== undefined && (r.httpStatus < 200 || r.httpStatus >= 300)) return `HTTP Error ${r.httpStatus}`;
  switch (r.error?.label) {
    case 'timeout':
      return 'TimeoutError';
    case 'connection_refused':
      return 'ClientConnectorError';
    case 'connection_reset':
      return 'ServerDisconnectedError';
    case 'malformed_sse':
    case 'malformed_json':
      return 'JSONDecodeError';
    case 'aborted':
      return 'CancelledError';
    default:
      return 'Exception';
  }
}

/**
 * `server_usage` as v0.6.1 keeps it: every `usage` object of the response merged, verbatim
 * (record.raw). Records without it (raw not kept) fall back to the counts we parsed, in vLLM's
 * key order, with total_tokens = prompt + completion.
 */
function serverUsage(r: RequestRecord): Record<string, unknown> | null {
  if (r.raw) return r.raw.usage;
  if (r.promptTokensServer === undefined && r.completionTokensServer === undefined) return null;
  const u: Record<string, unknown> = {};
  if (r.promptTokensServer !== undefined) u.prompt_tokens = r.promptTokensServer;
  if (r.promptTokensServer !== undefined && r.completionTokensServer !== undefined) u.total_tokens = r.promptTokensServer + r.completionTokensServer;
  if (r.completionTokensServer !== undefined) u.completion_tokens = r.completionTokensServer;
  if (r.cachedPromptTokensServer !== undefined) u.prompt_tokens_details = { cached_tokens: r.cachedPromptTokensServer };
  return u;
}

/**
 * One per_request entry exactly in v0.6.1's shape; times are monotonic seconds. `response` is the
 * raw body (the SSE stream as received) and `response_chunks` the content events' JSON payloads,
 * 1:1 with `chunk_times`, both from `record.raw` (ClientOptions.keepRaw). A streamed success has
 * StreamedResponseMetrics, a non-streamed one v0.6.1's unary {output_tokens, server_usage}; a
 * failure has none (null), as inference-perf's process_failure leaves it.
 */
export function perRequestEntry(r: RequestRecord, body: unknown, perToken: boolean): Record<string, unknown> {
  const usage = serverUsage(r);
  let responseMetrics: Record<string, unknown> | null = null;
  if (!r.error) {
    responseMetrics =
      r.stream === false
        ? { output_tokens: outputLen(r), server_usage: usage }
        : {
            output_tokens: outputLen(r),
            server_usage: usage,
            response_chunks: r.raw ? rawChunks(r.raw) : [],
            chunk_times: r.chunkTimesMs.map((t) => t / 1000),
            output_token_times: outputTimesMs(r, perToken).map((t) => t / 1000),
          };
  }
  return {
    start_time: r.sentAtMs / 1000,
    end_time: r.endAtMs / 1000,
    request: typeof body === 'string' ? body : JSON.stringify(body),
    response: r.raw ? rawBody(r.raw) : (r.outputText ?? ''),
    info: {
      request_metrics: { text: { input_tokens: inputTokens(r) }, image: null, video: null, audio: null },
      response_metrics: responseMetrics,
      extra_info: {},
      lora_adapter: null,
      // v0.6.1's labels are its own (none for these data types); our grouping tags stay in records.jsonl.
      labels: {},
      input_tokens: inputTokens(r),
    },
    error: r.error ? { error_type: errorType(r), error_msg: r.error.message } : null,
  };
}

// Indentation of an entry written at depth 1 of the file's array.
const I2 = '\n    ';
const I3 = '\n      ';
const I4 = '\n        ';
const I5 = '\n          ';
const OPEN5 = Buffer.from(`[${I5}`);
const NEXT5 = Buffer.from(`,${I5}`);
const CLOSE4 = Buffer.from(`${I4}]`);
const int = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

/**
 * A list of ms times as seconds at depth 4 (`[]` when empty), written into `out`; a time equal to
 * the one before it (chunks of one read share its stamp) is a copy of that time's bytes.
 */
function secondsList(out: JsonBytes, ms: readonly number[]): void {
  if (ms.length === 0) {
    out.text('[]');
    return;
  }
  let prev = NaN;
  let a = 0;
  let b = 0;
  for (let i = 0; i < ms.length; i++) {
    out.bytes(i === 0 ? OPEN5 : NEXT5);
    const v = ms[i]!;
    // Equal, and not ±0 (pyFloat tells -0.0 from 0.0)
    if (v === prev && v !== 0) out.copyShort(a, b);
    else {
      a = out.pos;
      out.seconds(v);
      b = out.pos;
      prev = v;
    }
  }
  out.bytes(CLOSE4);
}

/** Same values, ±0 told apart (pyFloat writes -0.0 and 0.0). */
const sameList = (a: readonly number[], b: readonly number[]): boolean => a === b || (a.length === b.length && a.every((x, i) => Object.is(x, b[i])));

/**
 * The response as a JSON string; for ASCII RawBytes escaped from the bytes, and the batch
 * positions of each payload's escapes are returned (payload k at [at[2k], at[2k+1]), −1: none).
 * A payload that matched a same-shape template (RawBytes.shapeOf) is the template's prefix, a
 * value JSON does not escape, and its suffix: the prefix and suffix are escaped at their first
 * event and copied from there at the others, the value copied as it is — most of a streamed
 * body's bytes are never escaped byte by byte. Between two payloads of one template, the bytes
 * from the first's value to the second's (its suffix, the SSE separator `\n\ndata: `, the next
 * prefix) are the same at every event: written once, then copied as one span (a joint), so a
 * streamed event costs one copy and its value.
 */
function writeResponse(out: JsonBytes, r: RequestRecord): number[] | undefined {
  const raw = r.raw;
  if (!raw || !('bytes' in raw) || !isAscii(raw.bytes)) {
    out.text(JSON.stringify(raw ? rawBody(raw) : (r.outputText ?? '')));
    return undefined;
  }
  const { bytes, chunkSpans: sp, shapeOf, shapeLens: lens } = raw;
  const shaped = shapeOf !== undefined && lens !== undefined && lens.length > 0 && shapeOf.length * 2 === sp.length;
  const w: Walk = {
    out,
    bytes,
    // Per template: where its escaped prefix and suffix are in the batch ([a, b) each; −1: not yet),
    tpl: shaped ? new Array<number>(lens.length * 2).fill(-1) : [],
    // and its joint ([a, b); −1: not yet), which holds the separator first seen between two payloads of one template.
    joint: shaped ? new Array<number>(lens.length).fill(-1) : [],
    sepA: -1,
    sepB: -1,
    at: new Array<number>(sp.length).fill(-1),
  };
  out.byte(34);
  let done = 0;
  // The last payload's template when its suffix is not written yet (raw [pendAt, done)), and its `at` slot.
  let pend = -1;
  let pendAt = 0;
  let pendSlot = 0;
  for (let k = 0; k < sp.length; k += 2) {
    const a = sp[k]!;
    const b = sp[k + 1]!;
    if (a < done || b < a || b > bytes.length) continue;
    const j = shaped ? shapeOf[k >> 1]! : -1;
    const fits = j >= 0 && 2 * j + 1 < lens!.length && lens![2 * j]! + lens![2 * j + 1]! <= b - a;
    const vs = fits ? a + lens![2 * j]! : a;
    const ve = fits ? b - lens![2 * j + 1]! : b;
    if (pend >= 0 && pend === j && fits && w.joint[2 * j]! >= 0 && sameBytes(bytes, w.sepA, w.sepB, done, a)) {
      // The usual streamed event: the joint, then the value.
      const from = w.joint[2 * j]!;
      const s0 = out.pos;
      out.copy(from, w.joint[2 * j + 1]!);
      w.at[pendSlot] = s0 + (w.tpl[4 * j + 3]! - w.tpl[4 * j + 2]!);
      w.at[k] = out.pos - (w.tpl[4 * j + 1]! - w.tpl[4 * j]!);
    } else {
      const s0 = out.pos;
      if (pend >= 0) {
        escapedOnce(w, pendAt, done, 4 * pend + 2);
        w.at[pendSlot] = out.pos;
      }
      out.escaped(bytes, done, a);
      w.at[k] = out.pos;
      if (fits) {
        escapedOnce(w, a, vs, 4 * j);
        if (pend === j) noteJoint(w, j, s0, done, a);
      }
    }
    // The value holds nothing JSON escapes (the template match checked): copied as it is.
    if (fits) {
      out.bytes(bytes, vs, ve);
      pend = j;
      pendAt = ve;
      pendSlot = k + 1;
    } else {
      out.escaped(bytes, a, b);
      w.at[k + 1] = out.pos;
      pend = -1;
    }
    done = b;
  }
  if (pend >= 0) {
    escapedOnce(w, pendAt, done, 4 * pend + 2);
    w.at[pendSlot] = out.pos;
  }
  out.escaped(bytes, done, bytes.length);
  out.byte(34);
  return w.at;
}

/** writeResponse's state: the batch, the body, the templates' escapes and joints, the payloads' positions. */
interface Walk {
  out: JsonBytes;
  bytes: Uint8Array;
  tpl: number[];
  joint: number[];
  /** The separator the joints hold: its first occurrence in the body ([sepA, sepB); −1: none yet). */
  sepA: number;
  sepB: number;
  at: number[];
}

/** Template j's suffix, the separator bytes[a, b) and j's prefix were just written from batch position s0: a joint, when the separator is the joints' one. */
function noteJoint(w: Walk, j: number, s0: number, a: number, b: number): void {
  if (w.joint[2 * j]! >= 0) return;
  if (w.sepA < 0) {
    w.sepA = a;
    w.sepB = b;
  } else if (!sameBytes(w.bytes, w.sepA, w.sepB, a, b)) return;
  w.joint[2 * j] = s0;
  w.joint[2 * j + 1] = w.out.pos;
}

/** bytes[a, b) equals bytes[c, d) (a few bytes: a loop). */
function sameBytes(bytes: Uint8Array, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let i = 0; i < b - a; i++) if (bytes[a + i] !== bytes[c + i]) return false;
  return true;
}

/** `bytes[a, b)` escaped, or a copy of the same bytes' escapes written before (their batch span at tpl[t], tpl[t + 1]). */
function escapedOnce(w: Walk, a: number, b: number, t: number): void {
  const { out, tpl } = w;
  const from = tpl[t]!;
  if (from >= 0) {
    out.copy(from, tpl[t + 1]!);
    return;
  }
  tpl[t] = out.pos;
  out.escaped(w.bytes, a, b);
  tpl[t + 1] = out.pos;
}

/** `response_chunks` (depth 4): from the escaped body where it holds them, else as text. */
function writeChunks(out: JsonBytes, r: RequestRecord, at: number[] | undefined): void {
  const raw = r.raw;
  const n = !raw ? 0 : 'chunks' in raw ? raw.chunks.length : raw.chunkSpans.length / 2;
  if (n === 0) {
    out.text('[]');
    return;
  }
  for (let i = 0; i < n; i++) {
    out.bytes(i === 0 ? OPEN5 : NEXT5);
    const a = at ? at[2 * i]! : -1;
    if (a >= 0) {
      out.byte(34);
      out.copy(a, at![2 * i + 1]!);
      out.byte(34);
    } else out.text(JSON.stringify('chunks' in raw! ? raw.chunks[i] : rawChunk(raw as RawBytes, i)));
  }
  out.bytes(CLOSE4);
}

/** The bytes of `pyJson(perRequestEntry(r, body, perToken), PER_REQUEST_JSON, '  ')`, appended to `out`. */
export function writeEntry(out: JsonBytes, r: RequestRecord, body: unknown, perToken: boolean): void {
  const request = typeof body === 'string' ? body : JSON.stringify(body);
  out.text(`{${I2}"start_time": `);
  out.seconds(r.sentAtMs);
  out.text(`,${I2}"end_time": `);
  out.seconds(r.endAtMs);
  out.text(`,${request === undefined ? '' : `${I2}"request": ${JSON.stringify(request)},`}${I2}"response": `);
  const at = writeResponse(out, r);
  const input = int(inputTokens(r));
  out.text(`,${I2}"info": {${I3}"request_metrics": {${I4}"text": {${I5}"input_tokens": ${input}${I4}},${I4}"image": null,${I4}"video": null,${I4}"audio": null${I3}},${I3}"response_metrics": `);
  if (r.error) out.text('null');
  else {
    const usage = pyJsonVerbatim(serverUsage(r), PER_REQUEST_JSON, '        ');
    out.text(`{${I4}"output_tokens": ${int(outputLen(r))},${I4}"server_usage": ${usage}`);
    if (r.stream !== false) {
      out.text(`,${I4}"response_chunks": `);
      writeChunks(out, r, at);
      out.text(`,${I4}"chunk_times": `);
      const a = out.pos;
      secondsList(out, r.chunkTimesMs);
      const b = out.pos;
      out.text(`,${I4}"output_token_times": `);
      const tokenTimes = outputTimesMs(r, perToken);
      if (sameList(tokenTimes, r.chunkTimesMs)) out.copy(a, b);
      else secondsList(out, tokenTimes);
    }
    out.text(`${I3}}`);
  }
  const error = r.error ? `{${I3}"error_type": ${JSON.stringify(errorType(r))},${I3}"error_msg": ${JSON.stringify(r.error.message)}${I2}}` : 'null';
  out.text(`,${I3}"extra_info": {},${I3}"lora_adapter": null,${I3}"labels": {},${I3}"input_tokens": ${input}${I2}},${I2}"error": ${error}\n  }`);
}

/** Entries are written in batches of about this many bytes. */
const BATCH_BYTES = 1 << 20;

/**
 * per_request_lifecycle_metrics.json written incrementally (a JSON array), so a long run
 * never holds every prompt and response in memory and an interrupted run keeps what finished.
 * It is streamed under a temporary name and renamed when closed, so a killed run never leaves
 * a truncated JSON under inference-perf's name. A write error (a full disk) stops the file:
 * the temporary one is removed (freeing its space) and `close()` throws E_WRITE. Entries are
 * built as bytes in one batch and written ~1 MiB at a time.
 */
export class PerRequestWriter {
  private readonly out: WriteStream;
  private readonly path: string;
  private readonly tmp: string;
  private n = 0;
  private error: LlmdbenchError | undefined;
  private readonly batch = new JsonBytes(BATCH_BYTES + (BATCH_BYTES >> 2));
  /** Buffers of batches already written (the stream's write callback ran), for the next batches. */
  private readonly spare: Buffer[] = [];
  readonly name: string;

  constructor(dir: string, cfg: IpConfig) {
    this.name = `${cfg.storage.local_storage.report_file_prefix ?? ''}per_request_lifecycle_metrics.json`;
    this.path = join(dir, this.name);
    this.tmp = partialPath(this.path);
    this.out = createWriteStream(this.tmp);
    this.out.on('error', (e) => {
      this.error ??= writeFailure(this.path, e);
      this.out.destroy();
      rmSync(this.tmp, { force: true });
    });
    this.batch.byte(91);
  }

  /** No write error so far. */
  get ok(): boolean {
    return this.error === undefined;
  }

  /** One entry as an object (perRequestEntry's shape, or any other). */
  add(entry: Record<string, unknown>): void {
    if (this.error || this.out.destroyed) return;
    this.batch.text(`${this.n === 0 ? '\n  ' : ',\n  '}${pyJson(entry, PER_REQUEST_JSON, '  ')}`);
    this.added();
  }

  /** One record's entry: the same bytes as `add(perRequestEntry(r, body, perToken))`. */
  addRecord(r: RequestRecord, body: unknown, perToken: boolean): void {
    if (this.error || this.out.destroyed) return;
    this.batch.text(this.n === 0 ? '\n  ' : ',\n  ');
    writeEntry(this.batch, r, body, perToken);
    this.added();
  }

  private added(): void {
    this.n++;
    if (this.batch.pos < BATCH_BYTES) return;
    // A written batch's buffer is the next batch's (the file gets ~350 bytes per streamed event: a
    // fresh 1.25 MiB buffer per batch was hundreds of MiB of external memory a run, each 64 MiB of it a full GC).
    const full = this.batch.buf;
    this.out.write(this.batch.take(full.length, this.spare.pop()), () => {
      if (this.spare.length < 2) this.spare.push(full);
    });
  }

  async close(): Promise<void> {
    if (!this.error && !this.out.destroyed) {
      this.batch.text(this.n === 0 ? ']' : '\n]');
      this.out.end(this.batch.take(0));
      await Promise.race([once(this.out, 'finish'), once(this.out, 'close')]).catch(() => undefined);
    }
    if (this.error) throw this.error;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw writeFailure(this.path, e);
    }
  }
}
