/**
 * The hot path's work with many streams in flight, for cache-locality measurements:
 * `node hotpath-interleaved.mjs <requests> <parts> <streams>` (bundled with esbuild like
 * hotpath-work.ts) gives `streams` open responses one read each in turn — as `streams` paced
 * streams arrive at a client — and opens a new response where one ends. Same reads, parts and
 * stamps' spacing as hotpath-work.ts; only the order differs. Why: run one request at a time, the
 * whole Recorder + records + per_request path costs ~1.3 µs/event with everything in cache; with
 * 512 streams each one's recorder, record, template and kept body are touched once per round of
 * 512 reads. Instruction counts (callgrind) do not see that; `valgrind --tool=cachegrind
 * --cache-sim=yes` counts the last-level misses it costs, deterministically (docs/performance.md).
 */
import { completionClient } from '../src/engine/client/api.ts';
import { recycleRaw } from '../src/engine/client/body-pool.ts';
import { Recorder } from '../src/engine/client/recorder.ts';
import { LineBytes } from '../src/engine/record/line-bytes.ts';
import type { RequestRecord } from '../src/engine/types.ts';
import { JsonBytes } from '../src/harness/inference-perf/json-bytes.ts';
import { writeEntry } from '../src/harness/inference-perf/per-request.ts';
import { responseReads, TOKENS } from './hotpath-work.ts';

/** Events recorded by `requests` responses, `streams` of them in flight at once. */
export function runInterleaved(requests: number, parts: readonly string[], streams: number): number {
  const reads = responseReads();
  const readBuf = Buffer.allocUnsafe(64 * 1024).fill(0x20);
  const records = parts.includes('records') ? new LineBytes() : undefined;
  const perRequest = parts.includes('per_request') ? new JsonBytes(1 << 21) : undefined;
  const body = { model: 'meta-llama/Llama-3.1-8B-Instruct', prompt: ' a prompt of some sixteen tokens, give or take a few words', max_tokens: TOKENS, stream: true };
  let events = 0;
  let ns = 43_790 * 1e9;
  const done = (x: RequestRecord): void => {
    events += (x.choiceEventCount ?? 0) + 1;
    if (records) {
      records.record(x);
      if (records.pos > 1 << 20) records.pos = 0;
    }
    if (perRequest) {
      writeEntry(perRequest, x, body, false);
      if (perRequest.pos > 1 << 20) perRequest.pos = 0;
    }
    recycleRaw(x.raw);
  };
  let opened = 0;
  const open = (): Recorder => {
    const rec = { id: opened++, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: ns / 1e6, dispatchedAtMs: ns / 1e6, chunkTimesMs: [], chunkTokens: [], endAtMs: 0, maxTokens: TOKENS } as unknown as RequestRecord;
    const r = new Recorder(rec, completionClient, { keepText: false, keepRaw: perRequest !== undefined, maxErrorBodyChars: 2000 }, false, done);
    r.onSent(ns / 1e6);
    r.onHeaders(200, 'text/event-stream', ns / 1e6);
    return r;
  };
  const live: Array<Recorder | undefined> = new Array<Recorder | undefined>(streams).fill(undefined);
  const next: number[] = new Array<number>(streams).fill(0);
  let inFlight = 0;
  // Staggered starts, as a closed loop settles into: stream s opens its first response in round s mod the response's length.
  for (let round = 0; opened < requests || inFlight > 0; round++) {
    for (let s = 0; s < streams; s++) {
      let r = live[s];
      if (!r) {
        if (opened >= requests || round < s % reads.length) continue;
        r = live[s] = open();
        next[s] = 0;
        inFlight++;
      }
      const k = next[s]!;
      const b = reads[k]!;
      const at = 5 + ((k * 37) % 61);
      b.copy(readBuf, at);
      readBuf[at + b.length] = 13;
      readBuf[at + b.length + 1] = 10;
      r.onData(readBuf, at, at + b.length, ns / 1e6);
      // 512 streams × 20 ms apart: ~39 µs between reads.
      ns += 39_000 + (s % 13) * 977;
      if (k + 1 < reads.length) next[s] = k + 1;
      else {
        r.onEnd(ns / 1e6);
        live[s] = undefined;
        inFlight--;
      }
    }
  }
  return events;
}

// Standalone (bundled): `node hotpath-interleaved.mjs <requests> <parts> <streams>`.
if (process.argv[1]?.endsWith('hotpath-interleaved.mjs')) {
  const parts = (process.argv[3] ?? 'recorder').split(',');
  process.stdout.write(`${runInterleaved(Number(process.argv[2] ?? 1000), parts, Number(process.argv[4] ?? 512))}\n`);
}
