/**
 * -f with -j N: every generator scrapes the same serving pods (locally each generator process runs
 * its own scraper against the one endpoint; on Kubernetes each launcher pod scrapes the stack), so
 * the generators' `metrics/` folders are N samplings of ONE set of servers over the same window.
 * Summing them would count each server N times; interleaving them would break counter increases
 * (scrapes from different nodes at nearly the same instant, their wall clocks a few ms apart, read
 * as a counter going back = a reset). The merged result therefore describes the servers with one
 * generator's scrape: the one with the most snapshots (the most complete view; ties: the first).
 * The report's `observability` says which (`scrape_source`), its raw_data_path points at that
 * generator's files (relative to the merged analysis folder), and the server-metrics plot aligns
 * that scrape with the merged records through that generator's clock anchor plus its shift.
 */
import { basename, join, relative } from 'node:path';
import type { MonitoringSummary } from '../../metrics/monitoring.ts';
import { observabilitySection } from '../../metrics/observability.ts';
import { METRICS_DIR, monitoringBrief, readMonitoringSummary, type MonitoringBrief } from '../monitoring.ts';
import { readClockAnchor, type Alignment, type ClockAnchorFile } from './clock.ts';

export interface MergedScrape {
  /** The generator whose scrape describes the merged run. */
  resultsDir: string;
  summary: MonitoringSummary;
  /** Its clock anchor moved onto the merged time base (undefined: it recorded none). */
  clock?: ClockAnchorFile;
}

/** The scrape the merged result uses (see the header); undefined when no generator was monitored. */
export function mergedScrape(resultsDirs: readonly string[], alignment: Alignment): MergedScrape | undefined {
  let best: { i: number; summary: MonitoringSummary; snapshots: number } | undefined;
  resultsDirs.forEach((d, i) => {
    let summary: MonitoringSummary | undefined;
    try {
      summary = readMonitoringSummary(d);
    } catch {
      summary = undefined; // a torn processed summary: this generator's scrape is not used
    }
    if (!summary?.targets.length) return;
    const snapshots = summary.targets.reduce((n, t) => n + t.snapshots, 0);
    if (!best || snapshots > best.snapshots) best = { i, summary, snapshots };
  });
  if (!best) return undefined;
  const dir = resultsDirs[best.i]!;
  const anchor = readClockAnchor(dir);
  const shift = alignment.shiftsMs[best.i] ?? 0;
  return { resultsDir: dir, summary: best.summary, ...(anchor ? { clock: { ...anchor, mono_ms: anchor.mono_ms + shift } } : {}) };
}

/** The merged reports' `results.observability` (the v0.2 section of that scrape, plus which generator it is). */
export function mergedObservability(s: MergedScrape, analysisDir: string): Record<string, unknown> {
  const raw = relative(analysisDir, join(s.resultsDir, METRICS_DIR, 'raw'));
  return { ...observabilitySection(s.summary, { rawDataPath: (t) => `${raw}/${t}_*_metrics.txt` }), scrape_source: basename(s.resultsDir) };
}

/** The merged summary's `monitoring` brief (summary.json / summary.txt), from the same scrape. */
export function mergedMonitoringBrief(s: MergedScrape): MonitoringBrief {
  return monitoringBrief(s.summary);
}
