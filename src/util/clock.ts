/**
 * One clock for the whole tool: CLOCK_MONOTONIC in milliseconds (float, ~100 ns
 * resolution). process.hrtime reads the system-wide monotonic clock, so values
 * taken in different processes or worker threads on one host compare directly —
 * that is how the simulator's recorded send times are checked against the
 * client's receive times. performance.now() is per-process and would not.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

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
