/**
 * Turns one request's transport events into its RequestRecord, whichever
 * transport moved the bytes. Streamed bodies are framed at byte level
 * (SseByteFramer: only `data:` values are decoded); each event is stamped with
 * the time of the read that completed it (events of one read share it and are
 * counted in `sameReadChunks`). Whole / error bodies are kept as bytes and
 * decoded once at the end. `keepRaw` copies the body bytes and notes where each
 * content event's payload lies in them (RawBytes: no string per event; a payload
 * the framer had to copy — several data lines, CR line ends — is kept as text).
 * While the framer is between events, whole events of the last token chunk's shape
 * are framed and matched in one pass over their bytes (SameShape.matchEvent: the
 * framer's line search and the template compare were two passes and two native
 * calls per streamed event); anything else goes to the framer, same result. A kept body also
 * notes which template each matched payload is (RawBytes.shapeOf): a writer that escapes the body
 * (inference-perf's per_request file) escapes a template once, its values not at all.
 */
import { monoMs } from '../../util/clock.ts';
import type { RawBytes, RequestRecord } from '../types.ts';
import type { ApiClient, ChunkView } from './api.ts';
import { bodyBuffer, releaseBodyBuffer } from './body-pool.ts';
import { classifyError, errorMessage, statusLabel } from './errors.ts';
import { SameShape } from './same-shape.ts';
import { SseByteFramer } from './sse-bytes.ts';
import type { ResponseSink } from './transport.ts';

const enum Mode {
  Stream,
  Whole,
  Error,
}

export interface RecorderOptions {
  keepText: boolean;
  keepRaw: boolean;
  maxErrorBodyChars: number;
}

/** One request's parse state; `done` gets the record exactly once. */
export class Recorder implements ResponseSink {
  private mode = Mode.Stream;
  private framer: SseByteFramer | undefined;
  private readTimeMs = 0;
  /** Stamp of the read that delivered the last content event (same-read detection). */
  private lastContentReadMs = -1;
  private sameRead = 0;
  private textParts: string[] | undefined;
  /** Body bytes kept (whole / error bodies, or every body when keepRaw). */
  private bytes: Buffer | undefined;
  private bytesLen = 0;
  /** keepRaw: payload spans in `bytes` (RawBytes.chunkSpans), and the payloads kept as text. */
  private rawSpans: number[] | undefined;
  private rawTexts: string[] | undefined;
  /** keepRaw: per content event its template (RawBytes.shapeOf), the templates' lengths, the last one's generation. */
  private rawShapeOf: number[] | undefined;
  private rawShapeLens: number[] | undefined;
  private rawShapeGen = -1;
  /** The read being framed, and where its first byte sits in `bytes`. */
  private readBuf: Buffer | undefined;
  private readBase = 0;
  private rawUsage: Record<string, unknown> | null = null;
  private lastCum = -1;
  private dataEvents = 0;
  private badJson = 0;
  private badJsonSample = '';
  private streamError: { label: ReturnType<typeof statusLabel>; message: string } | undefined;
  private settled = false;
  private readonly view: ChunkView = { text: '', hasChoices: false, finishReason: undefined };
  private shape: SameShape = NO_SHAPE;

  constructor(
    readonly record: RequestRecord,
    private readonly api: ApiClient,
    private readonly o: RecorderOptions,
    keepText: boolean,
    private readonly done: (rec: RequestRecord) => void,
  ) {
    if (keepText) this.textParts = [];
    if (o.keepRaw) {
      this.rawSpans = [];
      this.rawTexts = [];
      this.rawShapeOf = [];
      this.rawShapeLens = [];
    }
  }

  get isSettled(): boolean {
    return this.settled;
  }

  onSent(atMs: number): void {
    this.record.sentAtMs = atMs;
  }

  onHeaders(status: number, contentType: string | undefined, atMs: number): void {
    const rec = this.record;
    rec.headersAtMs = atMs;
    rec.httpStatus = status;
    if (status < 200 || status >= 300) this.mode = Mode.Error;
    // A server that ignores `stream: true` answers with one JSON body: read it as such.
    else if (!rec.stream || (contentType !== undefined && contentType.includes('application/json'))) this.mode = Mode.Whole;
    else {
      this.framer = new SseByteFramer((b, s, e) => this.onEvent(b, s, e));
      this.shape = new SameShape(this.api.contentKey);
    }
  }

  onData(buf: Buffer, start: number, end: number, atMs: number): void {
    this.readTimeMs = atMs;
    if (this.mode === Mode.Stream) {
      if (this.rawSpans) {
        this.readBuf = buf;
        this.readBase = this.bytesLen - start;
        this.keepBytes(buf, start, end);
      }
      // Whole same-shape events at an event boundary: framed and matched in one pass (same-shape.ts).
      let p = start;
      if (this.shape.canMatchEvents && this.framer!.atBoundary) {
        const sh = this.shape;
        for (let q = sh.matchEvent(buf, p, end); q >= 0; q = sh.matchEvent(buf, p, end)) {
          this.sameShapeEvent(buf, sh.dataStart, sh.dataEnd, sh.valueStart, sh.valueEnd);
          p = q;
        }
      }
      if (p < end) this.framer!.push(buf, p, end);
      this.readBuf = undefined;
    } else if (this.mode === Mode.Whole || this.bytesLen < this.o.maxErrorBodyChars * 4) this.keepBytes(buf, start, end);
  }

  onEnd(atMs: number): void {
    const rec = this.record;
    if (this.mode === Mode.Stream && this.framer) {
      this.readTimeMs = atMs;
      this.framer.end();
      rec.sameReadChunks = this.sameRead;
      if (this.streamError) rec.error = this.streamError;
      else if (this.badJson > 0) rec.error = { label: 'malformed_json', message: `${this.badJson} SSE event(s) not JSON: ${this.badJsonSample}` };
      else if (this.framer.strayLines > 0 || this.dataEvents === 0)
        rec.error = { label: 'malformed_sse', message: `${this.framer.strayLines} line(s) not SSE fields, ${this.dataEvents} data event(s)` };
    } else if (this.mode === Mode.Whole) this.readWhole(this.bodyText());
    else {
      const status = rec.httpStatus ?? 0;
      rec.error = { label: statusLabel(status), message: `HTTP ${status}: ${this.bodyText().slice(0, this.o.maxErrorBodyChars)}` };
    }
    this.finish(atMs);
  }

  onError(err: unknown): void {
    if (this.settled) return;
    this.record.error = { label: classifyError(err), message: errorMessage(err).slice(0, this.o.maxErrorBodyChars) };
    if (this.mode === Mode.Stream && this.framer) this.record.sameReadChunks = this.sameRead;
    this.finish(monoMs());
  }

  private finish(end: number): void {
    if (this.settled) return;
    this.settled = true;
    // No event is matched after this: the template's storage goes to a later response.
    this.shape.release();
    const rec = this.record;
    if (this.textParts) rec.outputText = this.textParts.join('');
    if (this.rawSpans) {
      if (this.mode === Mode.Stream && this.bytesLen > 0) keptBytesHint = Math.min(MAX_HINT_BYTES, this.bytesLen + (this.bytesLen >> 3));
      rec.raw = {
        bytes: this.bytes ? this.bytes.subarray(0, this.bytesLen) : new Uint8Array(0),
        chunkSpans: this.rawSpans,
        chunkTexts: this.rawTexts!,
        usage: this.rawUsage,
        shapeOf: this.rawShapeOf,
        shapeLens: this.rawShapeLens,
      } satisfies RawBytes;
    }
    rec.endAtMs = end;
    this.done(rec);
  }

  private keepBytes(buf: Buffer, a: number, b: number): void {
    const need = this.bytesLen + (b - a);
    if (!this.bytes || need > this.bytes.length) {
      // The first buffer is sized from the last kept body (a streamed one is built read by read:
      // doubling from 1 KiB copied it four times and left ~30 KB of buffers per request).
      const size = Math.max(this.bytes || this.mode !== Mode.Stream ? 0 : keptBytesHint, 1024, need * 2);
      // A body kept for the record (keepRaw) comes from the body pool: its reader may hand it back (body-pool.ts).
      const next = this.rawSpans ? bodyBuffer(size) : Buffer.allocUnsafe(size);
      if (this.bytes) {
        next.set(this.bytes.subarray(0, this.bytesLen));
        if (this.rawSpans) releaseBodyBuffer(this.bytes);
      }
      this.bytes = next;
    }
    // TypedArray#set on a plain view: Buffer#copy's argument layers cost more than the copy (once per read).
    this.bytes.set(new Uint8Array(buf.buffer, buf.byteOffset + a, b - a), this.bytesLen);
    this.bytesLen = need;
  }

  private bodyText(): string {
    if (!this.bytes) return '';
    return new TextDecoder().decode(this.bytes.subarray(0, this.bytesLen));
  }

  private onEvent(b: Buffer, s: number, e: number): void {
    const vs = this.shape.match(b, s, e);
    if (vs >= 0) {
      this.sameShapeEvent(b, s, e, vs, this.shape.valueEnd);
      return;
    }
    this.dataEvents++;
    const v = this.view;
    if (e - s === 6 && b[s] === 91 && b.toString('latin1', s, e) === '[DONE]') {
      this.record.doneSeen = true;
      return;
    }
    const data = b.toString('utf8', s, e);
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(data) as Record<string, unknown>;
    } catch {
      if (this.badJson++ === 0) this.badJsonSample = data.slice(0, 200);
      return;
    }
    if (obj === null || typeof obj !== 'object') {
      if (this.badJson++ === 0) this.badJsonSample = data.slice(0, 200);
      return;
    }
    const hasError = obj.error !== undefined && obj.error !== null;
    if (hasError && this.streamError === undefined) this.streamError = inStreamError(obj.error);
    let cum = -1;
    const usage = obj.usage as Record<string, unknown> | null | undefined;
    if (usage && typeof usage === 'object') {
      this.mergeUsage(usage);
      if (typeof usage.completion_tokens === 'number') cum = usage.completion_tokens;
    }
    this.api.readChunk(obj, v);
    this.shape.learn(b, s, e, v.hasChoices && v.text.length > 0 && !hasError && usage == null, v.finishReason);
    if (!v.hasChoices) return;
    this.onChoice(v, cum, b, s, e, false);
  }

  /** A data event `b[s, e)` of the same shape as the last token chunk, value `b[vs, ve)` (same-shape.ts). */
  private sameShapeEvent(b: Buffer, s: number, e: number, vs: number, ve: number): void {
    this.dataEvents++;
    const v = this.view;
    v.hasChoices = true;
    v.finishReason = this.shape.finishReason;
    v.text = this.textParts ? b.toString('utf8', vs, ve) : ve > vs ? NONEMPTY : '';
    this.onChoice(v, -1, b, s, e, true);
  }

  /**
   * An event with a non-empty `choices` array; `cum` = the server's cumulative completion tokens,
   * or -1; `shaped`: it matched the same-shape template.
   */
  private onChoice(v: ChunkView, cum: number, b: Buffer, s: number, e: number, shaped: boolean): void {
    const t = this.readTimeMs;
    const rec = this.record;
    rec.choiceEventCount = (rec.choiceEventCount ?? 0) + 1;
    if (rec.firstChoiceAtMs === undefined) rec.firstChoiceAtMs = t;
    rec.lastChoiceAtMs = t;
    if (v.finishReason !== undefined) rec.finishReason = v.finishReason;
    let delta = 1;
    if (cum >= 0) {
      delta = this.lastCum < 0 ? cum : cum - this.lastCum;
      this.lastCum = cum;
    }
    if (v.text.length > 0) {
      rec.chunkTimesMs.push(t);
      rec.chunkTokens.push(delta < 0 ? 0 : delta);
      if (this.lastContentReadMs === t) this.sameRead++;
      this.lastContentReadMs = t;
      if (this.textParts) this.textParts.push(v.text);
      if (this.rawSpans) this.keepPayload(b, s, e, shaped);
    }
  }

  /**
   * Locate a content event's payload in the kept body, else keep it as text; note the template a
   * located payload matched (`shaped`), a new template's lengths when it is the first match of it.
   */
  private keepPayload(b: Buffer, s: number, e: number, shaped: boolean): void {
    if (b === this.readBuf) {
      this.rawSpans!.push(this.readBase + s, this.readBase + e);
      if (!shaped) this.rawShapeOf!.push(-1);
      else {
        const sh = this.shape;
        const lens = this.rawShapeLens!;
        if (sh.generation !== this.rawShapeGen) {
          this.rawShapeGen = sh.generation;
          lens.push(sh.preLength, sh.sufLength);
        }
        this.rawShapeOf!.push((lens.length >> 1) - 1);
      }
    } else {
      this.rawSpans!.push(-1 - this.rawTexts!.length, 0);
      this.rawTexts!.push(b.toString('utf8', s, e));
      this.rawShapeOf!.push(-1);
    }
  }

  private mergeUsage(u: Record<string, unknown>): void {
    const rec = this.record;
    if (this.rawSpans) this.rawUsage = this.rawUsage ? Object.assign(this.rawUsage, u) : { ...u };
    if (typeof u.prompt_tokens === 'number') rec.promptTokensServer = u.prompt_tokens;
    if (typeof u.completion_tokens === 'number') rec.completionTokensServer = u.completion_tokens;
    const d = u.prompt_tokens_details as Record<string, unknown> | null | undefined;
    if (d && typeof d.cached_tokens === 'number') rec.cachedPromptTokensServer = d.cached_tokens;
  }

  private readWhole(text: string): void {
    const rec = this.record;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text) as Record<string, unknown>;
      if (obj === null || typeof obj !== 'object') throw new Error('not an object');
    } catch {
      rec.error = { label: 'malformed_json', message: `response body not JSON: ${text.slice(0, 200)}` };
      return;
    }
    if (obj.error !== undefined && obj.error !== null) {
      rec.error = inStreamError(obj.error);
      return;
    }
    const usage = obj.usage as Record<string, unknown> | null | undefined;
    if (usage && typeof usage === 'object') this.mergeUsage(usage);
    const w = this.api.readWhole(obj);
    if (w.finishReason !== undefined) rec.finishReason = w.finishReason;
    if (this.textParts) this.textParts.push(w.text);
  }
}

/**
 * Size of a kept streamed body's first buffer: the last one's size and an eighth (module-wide; a
 * size hint only). Capped, so a run mixing long and short responses does not give every short one
 * a long one's buffer (requests in flight × the cap at most; doubling still serves longer bodies).
 */
let keptBytesHint = 0;
const MAX_HINT_BYTES = 32 * 1024;

/** A non-empty stand-in for content text nobody keeps (only its non-emptiness counts). */
const NONEMPTY = ' ';
const NO_SHAPE = new SameShape('text');

/** An `{"error": ...}` payload after HTTP 200 (vLLM streaming errors). */
function inStreamError(e: unknown): { label: ReturnType<typeof statusLabel>; message: string } {
  const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const code = typeof o.code === 'number' ? o.code : Number(o.code);
  const msg = typeof o.message === 'string' ? o.message : JSON.stringify(e);
  return {
    label: Number.isFinite(code) && code >= 400 ? statusLabel(code) : 'other',
    message: `error in response: ${msg.slice(0, 512)}`,
  };
}
