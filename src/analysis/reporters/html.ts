/**
 * The `html` reporter: analysis/<dir>/report.html per result and analysis/report.html per work
 * directory, self-contained (the plots inlined as SVG from the `plots` reporter's files; the work
 * directory's report also shows each result's server-metrics plot when the run had -f).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { RUN_PLOTS, WORKDIR_PLOTS, type PlotType } from '../plots/index.ts';
import type { InlinePlot } from '../html/result-page.ts';
import { resultPage } from '../html/result-page.ts';
import { workDirPage } from '../html/workdir-page.ts';
import { PLOTS_DIR } from './plots.ts';
import type { Reporter, WorkDirResult } from './types.ts';

export const HTML_REPORT_FILE = 'report.html';
const SERVER_PLOT = 'server-metrics';

/** The plots of `types` found in `<dir>/plots/`, in report order. */
function inlinePlots(dir: string, types: ReadonlyArray<PlotType<never>>): InlinePlot[] {
  return types.flatMap((t) => {
    const svg = join(dir, PLOTS_DIR, `${t.kind}.svg`);
    if (!existsSync(svg)) return [];
    const png = join(dir, PLOTS_DIR, `${t.kind}.png`);
    return [{ kind: t.kind, title: t.title, svg: readFileSync(svg, 'utf8'), ...(existsSync(png) ? { pngHref: `${PLOTS_DIR}/${t.kind}.png` } : {}) }];
  });
}

/**
 * -f: each result's server-metrics plot, for the work directory's report (PNG linked relative to it).
 * A -j N merged result's plot is one generator's scrape of the same servers every generator scraped,
 * so its generators' own plots would repeat it: they are left out when the merged result has one.
 */
function serverPlots(from: string, results: readonly WorkDirResult[]): InlinePlot[] {
  const svgOf = (r: WorkDirResult): string => join(r.analysisDir, PLOTS_DIR, `${SERVER_PLOT}.svg`);
  const covered = new Set(results.filter((r) => r.summary.merged_from && existsSync(svgOf(r))).flatMap((r) => r.summary.merged_from!));
  return results.flatMap((r) => {
    const svg = svgOf(r);
    if (covered.has(basename(r.resultsDir)) || !existsSync(svg)) return [];
    const png = join(r.analysisDir, PLOTS_DIR, `${SERVER_PLOT}.png`);
    const title = `Server metrics over time (-f): ${r.summary.name}`;
    return [{ kind: SERVER_PLOT, title, svg: readFileSync(svg, 'utf8'), ...(existsSync(png) ? { pngHref: relative(from, png) } : {}) }];
  });
}

export const htmlReporter: Reporter = {
  kind: 'html',
  slow: true,
  description: 'report.html: one self-contained page per result directory and per work directory (configuration, summary, plots, load-generator health, notes)',
  forResult(ctx) {
    const f = join(ctx.analysisDir, HTML_REPORT_FILE);
    writeFileSync(f, resultPage(ctx.summary, ctx.resultsDir, inlinePlots(ctx.analysisDir, RUN_PLOTS as ReadonlyArray<PlotType<never>>)));
    return [f];
  },
  forWorkDir(ctx) {
    const f = join(ctx.analysisRoot, HTML_REPORT_FILE);
    const own = (r: { analysisDir: string }): string | undefined => {
      const p = join(r.analysisDir, HTML_REPORT_FILE);
      return existsSync(p) ? p : undefined;
    };
    writeFileSync(f, workDirPage(ctx.workDir, ctx.analysisRoot, ctx.results, [...inlinePlots(ctx.analysisRoot, WORKDIR_PLOTS as ReadonlyArray<PlotType<never>>), ...serverPlots(ctx.analysisRoot, ctx.results)], own));
    return [f];
  },
};
