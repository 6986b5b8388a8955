/**
 * The plot types, each a pure function of the collected plot data returning a Vega-Lite spec
 * (or undefined when the run has nothing to draw for it), and the one function that draws
 * them all into a folder as SVG and PNG.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { latencyCdfs } from './cdfs.ts';
import { compareCdfs, type CompareData } from './compare-cdfs.ts';
import { compareThroughput } from './compare-throughput.ts';
import type { PlotData } from './collect.ts';
import { latencyHistograms } from './histograms.ts';
import { paretoPlot } from './pareto.ts';
import type { Series } from './operating-points.ts';
import { renderSvg, svgToPng, type VlSpec } from './render.ts';
import { serverMetricsPlot } from './server-metrics.ts';
import { stageLatencyPlot } from './stage-latency.ts';
import { timelinePlot } from './timeline.ts';
import { tokenRatePlot } from './token-rate.ts';

export interface PlotType<D> {
  /** File stem: <kind>.svg / <kind>.png. */
  kind: string;
  title: string;
  spec(d: D): VlSpec | undefined;
}

/** Per result directory, in report order. */
export const RUN_PLOTS: ReadonlyArray<PlotType<PlotData>> = [
  { kind: 'latency-histograms', title: 'Latency distributions', spec: latencyHistograms },
  { kind: 'latency-cdfs', title: 'Latency CDFs', spec: latencyCdfs },
  { kind: 'timeline', title: 'Latency, in-flight requests and request rate over time', spec: timelinePlot },
  { kind: 'server-metrics', title: 'Server metrics over time (-f: KV cache, running and waiting requests…) under the request rate', spec: serverMetricsPlot },
  { kind: 'token-rate', title: 'Output token rate over time', spec: tokenRatePlot },
  { kind: 'stage-latency', title: 'Per-stage latency vs throughput', spec: stageLatencyPlot },
];

/** Per work directory. */
export const WORKDIR_PLOTS: ReadonlyArray<PlotType<Series[]>> = [{ kind: 'throughput-latency', title: 'Throughput vs latency (all results)', spec: paretoPlot }];

/** `llmdbench compare`: the runs overlaid. */
export const COMPARE_PLOTS: ReadonlyArray<PlotType<CompareData>> = [
  { kind: 'compare-cdfs', title: 'Latency CDFs, one line per run', spec: compareCdfs },
  { kind: 'compare-throughput-latency', title: 'Throughput vs latency, one curve per run', spec: compareThroughput },
];

/** A drawn plot: files written and the SVG text (inlined by the HTML report). */
export interface DrawnPlot {
  kind: string;
  title: string;
  svg: string;
  svgPath: string;
  pngPath?: string;
}

/**
 * Draw every plot type that has data into `dir` (`<kind>.svg`, and `<kind>.png` unless png is
 * false). SVGs are drawn one after another on this thread while the PNGs of earlier plots are
 * rasterised on worker threads.
 */
export async function drawPlots<D>(types: ReadonlyArray<PlotType<D>>, data: D, dir: string, png = true): Promise<DrawnPlot[]> {
  mkdirSync(dir, { recursive: true });
  const out: DrawnPlot[] = [];
  const pngs: Array<Promise<void>> = [];
  for (const t of types) {
    const spec = t.spec(data);
    if (!spec) continue;
    const svg = await renderSvg(spec);
    const svgPath = join(dir, `${t.kind}.svg`);
    writeFileSync(svgPath, svg);
    const p: DrawnPlot = { kind: t.kind, title: t.title, svg, svgPath };
    if (png) {
      const pngPath = join(dir, `${t.kind}.png`);
      p.pngPath = pngPath;
      pngs.push(svgToPng(svg).then((b) => writeFileSync(pngPath, b)));
    }
    out.push(p);
  }
  await Promise.all(pngs);
  return out;
}

export type { CompareData, PlotData, Series };
export { collectPlotData, plotDataCollector, PLOT_DATA_FILE } from './collect.ts';
export type { PlotDataCollector } from './collect.ts';
