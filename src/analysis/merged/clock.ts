/**
 * -j N: putting N load generators' records on one time base. Every record carries times of its
 * own generator's CLOCK_MONOTONIC (src/util/clock.ts); processes of one kernel share that clock,
 * pods on other nodes do not (their readings differ by the nodes' uptimes). Each generator stores
 * its clock anchor (monotonic and epoch ms read together, and the clock's domain: the kernel boot
 * id) in loadgen_health.json, so:
 * - same domain as the reference generator (the first with an anchor): monotonic readings compare
 *   directly, shift 0 — exact;
 * - another domain: shift = its (epoch − mono) − the reference's (epoch − mono), i.e. aligned on
 *   wall clock. The assumption: the nodes' wall clocks agree (NTP, typically within a few ms);
 *   the error of that assumption moves a generator's whole window, never a latency (latencies are
 *   differences of one generator's readings);
 * - no anchor (results from before anchors were written, or another tool): shift 0, with a warning.
 * Latencies never depend on the alignment; the merged window (throughputs) and the skew do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HEALTH_FILE, type MergeBrief } from '../../metrics/seed-summary.ts';

export interface ClockAnchorFile {
  mono_ms: number;
  epoch_ms: number;
  domain: string;
}

export interface Alignment {
  method: MergeBrief['clock_alignment'];
  /** Per generator (in order): ms added to its monotonic readings to land on the common base. */
  shiftsMs: number[];
  /** Epoch ms = common-base ms + this (undefined: no generator recorded an anchor). */
  epochOffsetMs?: number;
  warnings: string[];
}

/** The clock anchor a results directory recorded (loadgen_health.json `clock`), if any. */
export function readClockAnchor(resultsDir: string): ClockAnchorFile | undefined {
  const f = join(resultsDir, HEALTH_FILE);
  if (!existsSync(f)) return undefined;
  try {
    const c = (JSON.parse(readFileSync(f, 'utf8')) as { clock?: Partial<ClockAnchorFile> }).clock;
    if (c && Number.isFinite(c.mono_ms) && Number.isFinite(c.epoch_ms)) return { mono_ms: c.mono_ms!, epoch_ms: c.epoch_ms!, domain: String(c.domain ?? '') };
  } catch {
    // A torn health file: treated as no anchor (warned below).
  }
  return undefined;
}

/** Align the generators of `resultsDirs` (see the header for the rules). */
export function alignClocks(resultsDirs: readonly string[], anchors: readonly (ClockAnchorFile | undefined)[] = resultsDirs.map(readClockAnchor)): Alignment {
  const ref = anchors.find((a) => a !== undefined);
  const warnings: string[] = [];
  if (!ref) {
    warnings.push('no generator recorded a clock anchor (loadgen_health.json "clock"): their monotonic times are taken as one clock (true for processes on one machine only)');
    return { method: 'assumed-shared', shiftsMs: resultsDirs.map(() => 0), warnings };
  }
  const refOffset = ref.epoch_ms - ref.mono_ms;
  let wall = false;
  const shiftsMs = anchors.map((a, i) => {
    if (!a) {
      warnings.push(`${basename(resultsDirs[i]!)} recorded no clock anchor: its times are taken as on the first generator's clock`);
      return 0;
    }
    if (a.domain !== '' && a.domain === ref.domain) return 0;
    wall = true;
    return a.epoch_ms - a.mono_ms - refOffset;
  });
  return { method: wall ? 'wall-clock' : 'shared-monotonic', shiftsMs, epochOffsetMs: refOffset, warnings };
}
