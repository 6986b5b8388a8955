/**
 * The `plots` reporter: per result, the plot data of the analysis step's single pass over
 * records.jsonl (or, called alone, its own pass) into plot_data.json and draw every
 * run plot (analysis/<dir>/plots/<kind>.svg + .png; with -f the scraped server metrics too); per work directory, the throughput-vs-latency
 * curves of all results from their plot_data.json (analysis/plots/).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_FILE, RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { collectPlotData, drawPlots, PLOT_DATA_FILE, RUN_PLOTS, WORKDIR_PLOTS, type PlotData, type Series } from '../plots/index.ts';
import { readClockAnchor } from '../merged/clock.ts';
import { serverDataFor } from '../plots/server-data.ts';
import type { Reporter } from './types.ts';

export const PLOTS_DIR = 'plots';

/** Requested rate per stage from loadgen_health.json, when the harness wrote one. */
export function requestedRates(resultsDir: string): Record<number, number> {
  const f = join(resultsDir, HEALTH_FILE);
  if (!existsSync(f)) return {};
  try {
    const h = JSON.parse(readFileSync(f, 'utf8')) as { stages?: Array<{ stage?: number; requestedRate?: number }> };
    const out: Record<number, number> = {};
    for (const s of h.stages ?? []) if (typeof s.stage === 'number' && typeof s.requestedRate === 'number') out[s.stage] = s.requestedRate;
    return out;
  } catch {
    return {};
  }
}

export const plotsReporter: Reporter = {
  kind: 'plots',
  slow: true,
  description: 'plots (SVG + PNG): latency histograms and CDFs, timeline, server metrics over time (-f), token rate, per-stage latency vs throughput; per work directory throughput vs latency',
  async forResult(ctx) {
    const data = ctx.plotData ?? await collectPlotData(ctx.name, join(ctx.resultsDir, RECORDS_FILE), requestedRates(ctx.resultsDir));
    // -f: the server's metrics on the same time axis (server-metrics plot), aligned by the run's clock anchor.
    const scrape = ctx.server ?? { resultsDir: ctx.resultsDir, clock: readClockAnchor(ctx.resultsDir) };
    const server = serverDataFor(scrape.resultsDir, data, scrape.clock);
    if (server) data.server = server;
    const dataPath = join(ctx.analysisDir, PLOT_DATA_FILE);
    writeFileSync(dataPath, `${JSON.stringify(data)}\n`);
    const drawn = await drawPlots(RUN_PLOTS, data, join(ctx.analysisDir, PLOTS_DIR));
    return [dataPath, ...drawn.flatMap((p) => [p.svgPath, ...(p.pngPath ? [p.pngPath] : [])])];
  },
  async forWorkDir(ctx) {
    const series: Series[] = [];
    for (const r of ctx.results) {
      const f = join(r.analysisDir, PLOT_DATA_FILE);
      if (!existsSync(f)) continue;
      const d = JSON.parse(readFileSync(f, 'utf8')) as PlotData;
      series.push({ label: r.summary.name, points: d.stages });
    }
    if (!series.length) return [];
    const drawn = await drawPlots(WORKDIR_PLOTS, series, join(ctx.analysisRoot, PLOTS_DIR));
    return drawn.flatMap((p) => [p.svgPath, ...(p.pngPath ? [p.pngPath] : [])]);
  },
};
