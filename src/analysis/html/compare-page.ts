/**
 * `llmdbench compare`'s self-contained compare.html: which runs (letter, directory, harness), the
 * overlay plots inline, and the side-by-side table of the seed's metrics per stage / rate with
 * Δ % against the first run (the same blocks the console prints).
 */
import { comparisonBlocks, type RunRows } from '../report/compare.ts';
import { esc, figure, page, table, type Section } from './page.ts';
import type { InlinePlot } from './result-page.ts';

export function comparePage(runs: ReadonlyArray<RunRows & { dir: string }>, plots: InlinePlot[]): string {
  const { legend, blocks } = comparisonBlocks(runs);
  const tables = blocks.map((b) => table(b.head.map(esc), b.rows.map((r) => r.map(esc)))).join('\n<p></p>\n');
  const sections: Section[] = [
    { id: 'runs', title: 'Runs', html: `<ul>${legend.map((l, i) => `<li>${esc(l)} — <code>${esc(runs[i]!.dir)}</code></li>`).join('')}</ul>` },
    { id: 'plots', title: 'Plots', html: plots.length ? plots.map((p) => figure(p.kind, p.title, p.svg, p.pngHref)).join('\n') : '<p>No plots (no latency or throughput in the runs).</p>' },
    { id: 'table', title: 'Metrics side by side', html: `<p class="sub">Per stage / rate; Δ % of each run against A.</p>${tables}` },
  ];
  return page('llmdbench compare', runs.map((r, i) => `${String.fromCharCode(65 + i)} = ${r.label}`).join(' · '), sections);
}
