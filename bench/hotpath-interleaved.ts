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
import type { Recorder } from '../src/engine/client/recorder.ts';
import { HotPath } from './hotpath-work.ts';

/** Events recorded by `requests` responses, `streams` of them in flight at once. */
export function runInterleaved(requests: number, parts: readonly string[], streams: number): number {
  const hp = new HotPath(parts);
  const n = hp.reads.length;
  let ns = 43_790 * 1e9;
  let opened = 0;
  let inFlight = 0;
  const live: Array<Recorder | undefined> = new Array<Recorder | undefined>(streams).fill(undefined);
  const next: number[] = new Array<number>(streams).fill(0);
  // Staggered starts, as a closed loop settles into: stream s opens its first response in round s mod the response's length.
  for (let round = 0; opened < requests || inFlight > 0; round++) {
    for (let s = 0; s < streams; s++) {
      let r = live[s];
      if (!r) {
        if (opened >= requests || round < s % n) continue;
        r = live[s] = hp.recorder(opened++, ns / 1e6);
        r.onHeaders(200, 'text/event-stream', ns / 1e6);
        next[s] = 0;
        inFlight++;
      }
      const k = next[s]!;
      hp.feed(r, k, ns / 1e6);
      // 512 streams × 20 ms apart: ~39 µs between reads.
      ns += 39_000 + (s % 13) * 977;
      if (k + 1 < n) next[s] = k + 1;
      else {
        r.onEnd(ns / 1e6);
        live[s] = undefined;
        inFlight--;
      }
    }
  }
  return hp.events;
}

// Standalone (bundled): `node hotpath-interleaved.mjs <requests> <parts> <streams>`.
if (process.argv[1]?.endsWith('hotpath-interleaved.mjs')) {
  const parts = (process.argv[3] ?? 'recorder').split(',');
  process.stdout.write(`${runInterleaved(Number(process.argv[2] ?? 1000), parts, Number(process.argv[4] ?? 512))}\n`);
}
