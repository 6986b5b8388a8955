/**
 * The client's per-event JavaScript work, without sockets: `node hotpath-work.mjs <requests> <parts> [uptime s]`
 * (bundled by hotpath.bench.ts) runs `requests` streamed responses of 64 token events through the
 * Recorder exactly as the h1 transport hands them over — one event per read, each read into the
 * same 64 KiB buffer followed by its chunk's CRLF, a monotonic stamp per read (the paced pattern of a model server) — then, per
 * `parts` (a comma list): `records` writes each record's records.jsonl line (LineBytes), `per_request`
 * writes its inference-perf per_request entry (writeEntry, raw body kept). No I/O, no timers, no
 * randomness: under `valgrind --tool=callgrind` and `node --single-threaded` its instruction count
 * repeats to ~0.1 %, which a timed run on a shared VM cannot (±10–40 %).
 */
import { completionClient } from '../src/engine/client/api.ts';
import { recycleRaw } from '../src/engine/client/body-pool.ts';
import { Recorder } from '../src/engine/client/recorder.ts';
import { LineBytes } from '../src/engine/record/line-bytes.ts';
import type { RequestRecord } from '../src/engine/types.ts';
import { JsonBytes } from '../src/harness/inference-perf/json-bytes.ts';
import { writeEntry } from '../src/harness/inference-perf/per-request.ts';

const TOKENS = 64;
const event = (text: string, finish: string | null): string =>
  `data: {"id":"cmpl-7f3a","object":"text_completion","created":1764740000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)},"stop_reason":null}],"usage":null}\n\n`;
const WORDS = [' the', ' model', ' serves', ' tokens', ' at', ' a', ' steady', ' pace', ',', ' one', ' per', ' step', '.'];

/** The reads of one response: 63 token events, the last token with its finish reason, then usage and [DONE]. */
function responseReads(): Buffer[] {
  const reads: Buffer[] = [];
  for (let i = 0; i < TOKENS - 1; i++) reads.push(Buffer.from(event(WORDS[i % WORDS.length]!, null)));
  reads.push(Buffer.from(event(' end', 'length')));
  reads.push(
    Buffer.from(
      'data: {"id":"cmpl-7f3a","object":"text_completion","created":1764740000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[],"usage":{"prompt_tokens":16,"total_tokens":80,"completion_tokens":64}}\n\ndata: [DONE]\n\n',
    ),
  );
  return reads;
}

/**
 * What both workloads share (this one and hotpath-interleaved.ts): the reads of a response, the
 * one read buffer, and what happens to a finished record per `parts`, counting its events.
 */
export class HotPath {
  readonly reads = responseReads();
  readonly readBuf = Buffer.allocUnsafe(64 * 1024).fill(0x20);
  events = 0;
  private readonly records: LineBytes | undefined;
  private readonly perRequest: JsonBytes | undefined;
  private readonly body = { model: 'meta-llama/Llama-3.1-8B-Instruct', prompt: ' a prompt of some sixteen tokens, give or take a few words', max_tokens: TOKENS, stream: true };

  constructor(parts: readonly string[]) {
    this.records = parts.includes('records') ? new LineBytes() : undefined;
    this.perRequest = parts.includes('per_request') ? new JsonBytes(1 << 21) : undefined;
  }

  /** A Recorder for request `id`, sent at `sentMs` (its body kept when per_request is written). */
  recorder(id: number, sentMs: number): Recorder {
    const rec = { id, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: sentMs, dispatchedAtMs: sentMs, chunkTimesMs: [], chunkTokens: [], endAtMs: 0, maxTokens: TOKENS } as unknown as RequestRecord;
    const r = new Recorder(rec, completionClient, { keepText: false, keepRaw: this.perRequest !== undefined, maxErrorBodyChars: 2000 }, false, this.done);
    r.onSent(sentMs);
    return r;
  }

  /** Read k of the response into the shared buffer, at a place that moves with k (as the transport's chunk framing leaves it), and hand it to `r`. */
  feed(r: Recorder, k: number, atMs: number): void {
    const b = this.reads[k]!;
    const buf = this.readBuf;
    const at = 5 + ((k * 37) % 61);
    b.copy(buf, at);
    // The CRLF that ends an HTTP/1.1 chunk follows the data, as in the h1 transport's buffer.
    buf[at + b.length] = 13;
    buf[at + b.length + 1] = 10;
    r.onData(buf, at, at + b.length, atMs);
  }

  private readonly done = (x: RequestRecord): void => {
    this.events += (x.choiceEventCount ?? 0) + 1;
    const { records, perRequest } = this;
    if (records) {
      records.record(x);
      if (records.pos > 1 << 20) records.pos = 0;
    }
    if (perRequest) {
      writeEntry(perRequest, x, this.body, false);
      if (perRequest.pos > 1 << 20) perRequest.pos = 0;
    }
    recycleRaw(x.raw);
  };
}

export function runHotPath(requests: number, parts: readonly string[], uptimeS = 43_790): number {
  const hp = new HotPath(parts);
  const n = hp.reads.length;
  // Stamps as monoMs() makes them (integer ns / 1e6), 20 ms apart plus a few µs of jitter.
  let ns = uptimeS * 1e9;
  for (let i = 0; i < requests; i++) {
    const r = hp.recorder(i, ns / 1e6);
    ns += 100_000_000 + (i % 7) * 1_013;
    r.onHeaders(200, 'text/event-stream', ns / 1e6);
    for (let k = 0; k < n; k++) {
      hp.feed(r, k, ns / 1e6);
      ns += 20_000_000 + ((i + k) % 13) * 977;
    }
    r.onEnd(ns / 1e6);
  }
  return hp.events;
}

// Standalone (bundled): `node hotpath-work.mjs <requests> <parts>`.
if (process.argv[1]?.endsWith('hotpath-work.mjs')) {
  const n = Number(process.argv[2] ?? 1000);
  const parts = (process.argv[3] ?? 'recorder').split(',');
  process.stdout.write(`${runHotPath(n, parts, Number(process.argv[4] ?? 43_790))}\n`);
}
