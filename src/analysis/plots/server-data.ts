/**
 * `-f`: the server-metrics plot data of a results directory: the monitoring summary
 * (metrics/processed/, else the raw snapshots) mapped onto the timeline's time axis. The records
 * carry monotonic times, the scrapes wall-clock times; the clock anchor the harness wrote into
 * loadgen_health.json (`clock: {mono_ms, epoch_ms, domain}`, read by merged/clock.ts) joins them. Without an anchor (results from
 * before it was written) the first scrape, taken just before the load starts, is put at t = 0 and
 * the plot says so.
 */
import type { ClockAnchorFile } from '../merged/clock.ts';
import { readMonitoringSummary } from '../monitoring.ts';
import type { PlotData } from './collect.ts';
import { serverPlotData, type ServerPlotData } from './server-series.ts';

/** The server panels for `data`'s time axis; undefined when the run was not monitored (or nothing plottable was scraped). */
export function serverDataFor(resultsDir: string, data: PlotData, clock: ClockAnchorFile | undefined): ServerPlotData | undefined {
  const s = readMonitoringSummary(resultsDir);
  if (!s?.targets.length) return undefined;
  if (clock && data.originMs !== undefined) {
    const originEpochMs = clock.epoch_ms + (data.originMs - clock.mono_ms);
    return serverPlotData(s, (e) => (e - originEpochMs) / 1000, 'clock');
  }
  const first = Math.min(...s.targets.map((t) => t.firstMs));
  return serverPlotData(s, (e) => (e - first) / 1000, 'first-scrape');
}
