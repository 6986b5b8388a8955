/**
 * `llmdbench compare --out DIR`: the overlay plots (latency CDFs, throughput vs latency; PNG +
 * SVG), their data (compare_data.json) and the self-contained compare.html, written into one
 * directory. Runs are drawn one after another (records streamed), labelled by the table's letter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { comparePage } from '../html/compare-page.ts';
import { COMPARE_PLOTS, drawPlots } from '../plots/index.ts';
import type { CompareRun } from '../plots/compare-cdfs.ts';
import { runLetter, type RunReport, type RunRows } from './compare.ts';
import { compareRunData } from './compare-data.ts';

export const COMPARE_HTML = 'compare.html';
export const COMPARE_DATA = 'compare_data.json';

export interface CompareInput extends RunRows {
  dir: string;
  reports: RunReport[];
}

/** Everything written, the HTML page first. */
export async function writeCompareOutput(runs: readonly CompareInput[], outDir: string, png = true): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const data: CompareRun[] = [];
  for (const [i, r] of runs.entries()) data.push(await compareRunData(`${runLetter(i)} · ${r.label}`, r.dir, r.rows, r.reports));
  const dataFile = join(outDir, COMPARE_DATA);
  writeFileSync(dataFile, `${JSON.stringify({ runs: data })}\n`);
  const drawn = await drawPlots(COMPARE_PLOTS, { runs: data }, outDir, png);
  const html = join(outDir, COMPARE_HTML);
  writeFileSync(html, comparePage(runs, drawn.map((p) => ({ kind: p.kind, title: p.title, svg: p.svg, ...(p.pngPath ? { pngHref: basename(p.pngPath) } : {}) }))));
  return [html, ...drawn.flatMap((p) => [p.svgPath, ...(p.pngPath ? [p.pngPath] : [])]), dataFile];
}
