/**
 * What a merge says about its generators' timing (summary.json `merge`, merge.json, the merged
 * reports' load metadata): the clock alignment used, the start-time skew (latest first send −
 * earliest first send on the merged base) and whether every pair of load windows overlapped. Non
 * overlapping windows mean the load was not simultaneous (the start barrier failed, a pod started
 * late): the merged throughput then reads lower than the system sustained and is warned about.
 */
import { basename } from 'node:path';
import type { MergeBrief } from '../../metrics/seed-summary.ts';
import type { GeneratorWindow } from './accumulate.ts';
import type { Alignment } from './clock.ts';

/** Skew above which a warning is given even when the windows overlap: a share of the shortest window. */
export const SKEW_WARN_SHARE = 0.1;

export function mergeBrief(resultsDirs: readonly string[], windows: readonly GeneratorWindow[], alignment: Alignment): MergeBrief {
  const withLoad = windows.map((w, i) => ({ w, name: basename(resultsDirs[i]!) })).filter((x) => x.w.requests > 0);
  const t0 = Math.min(...withLoad.map((x) => x.w.firstSentMs));
  const firsts = withLoad.map((x) => x.w.firstSentMs);
  const lasts = withLoad.map((x) => x.w.lastEndMs);
  const skewMs = withLoad.length ? Math.max(...firsts) - Math.min(...firsts) : 0;
  // All pairwise intervals overlap iff the latest start is before the earliest end.
  const overlap = withLoad.length < 2 || Math.max(...firsts) < Math.min(...lasts);
  const warnings = [...alignment.warnings];
  for (const [i, w] of windows.entries()) if (w.requests === 0) warnings.push(`${basename(resultsDirs[i]!)} recorded no requests`);
  const shortest = withLoad.length ? Math.min(...withLoad.map((x) => x.w.lastEndMs - x.w.firstSentMs)) : 0;
  if (!overlap) {
    warnings.push(`the generators' load windows did not overlap (start skew ${(skewMs / 1000).toFixed(3)} s): the load was not simultaneous (did the start barrier fail?); merged throughputs are over the union window and read low`);
  } else if (withLoad.length > 1 && skewMs > SKEW_WARN_SHARE * shortest) {
    warnings.push(`the generators started ${(skewMs / 1000).toFixed(3)} s apart (more than ${SKEW_WARN_SHARE * 100} % of the shortest window)`);
  }
  return {
    clock_alignment: alignment.method,
    start_skew_s: skewMs / 1000,
    windows_overlap: overlap,
    generators: windows.map((w, i) => ({
      name: basename(resultsDirs[i]!),
      requests: w.requests,
      first_send_s: w.requests ? (w.firstSentMs - t0) / 1000 : 0,
      last_end_s: w.requests ? (w.lastEndMs - t0) / 1000 : 0,
    })),
    warnings,
  };
}

/** One line for the report's load metadata and the log. */
export function describeMerge(b: MergeBrief): string {
  return `merged from ${b.generators.length} load generators (${b.generators.map((g) => g.name).join(', ')}); clocks ${b.clock_alignment}; start skew ${b.start_skew_s.toFixed(3)} s; windows ${b.windows_overlap ? 'overlap' : 'DO NOT overlap'}`;
}
