/**
 * One clock for the whole tool: CLOCK_MONOTONIC in milliseconds (float, ~100 ns
 * resolution). process.hrtime reads the system-wide monotonic clock, so values
 * taken in different processes or worker threads on one host compare directly —
 * that is how the simulator's recorded send times are checked against the
 * client's receive times. performance.now() is per-process and would not.
 */
export function monoMs(): number {
  // The [seconds, nanoseconds] form, not hrtime.bigint(): once inlined into a hot caller the pair
  // array is escape-analysed away, so a stamp allocates nothing (a BigInt per stamp was ~7 % of the
  // simulator's allocations at 1,000 streams: more scavenges, longer ITL tails). The same double as
  // Number(ns) / 1e6: t[0] * 1e9 is exact and the sum rounds once, as Number(bigint) does.
  const t = process.hrtime();
  return (t[0] * 1e9 + t[1]) / 1e6;
}

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A pairing of the monotonic clock with wall time, stored with results to convert. */
export interface ClockAnchor {
  monoMs: number;
  epochMs: number;
}

export function clockAnchor(): ClockAnchor {
  return { monoMs: monoMs(), epochMs: Date.now() };
}

/** Wall-clock epoch ms for a monotonic reading, given an anchor taken in the same run. */
export function toEpochMs(anchor: ClockAnchor, mono: number): number {
  return anchor.epochMs + (mono - anchor.monoMs);
}

/**
 * Which monotonic clock a reading belongs to: CLOCK_MONOTONIC is one per kernel, so every
 * process and container of one boot shares it (`boot:<boot_id>` on Linux, else `host:<name>`).
 * Two results with the same domain compare monotonic readings directly; others only through
 * their wall-clock anchors (-j N merges, src/analysis/merged/clock.ts).
 */
export function clockDomain(): string {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (id) return `boot:${id}`;
  } catch {
    // not Linux, or /proc not mounted
  }
  return `host:${hostname()}`;
}
