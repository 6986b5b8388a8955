/**
 * The HTML report of a work directory (a run, a sweep, a treatment set): every result's metrics
 * side by side with a link to its own report, the throughput-vs-latency curves, each result's
 * load-generator health and notes.
 */
import { relative } from 'node:path';
import type { WorkDirResult } from '../reporters/types.ts';
import { healthWord } from '../summary.ts';
import { esc, figure, page, type Section } from './page.ts';
import type { InlinePlot } from './result-page.ts';
import { metricsTable, notes, notesHtml } from './sections.ts';

/** `reportOf(r)`: the result's own HTML report path (linked relative to `from`), if written. */
export function workDirPage(workDir: string, from: string, results: WorkDirResult[], plots: InlinePlot[], reportOf: (r: WorkDirResult) => string | undefined): string {
  const heads = results.map((r, i) => {
    const rep = reportOf(r);
    const label = `#${i + 1}`;
    return rep ? `<a href="${esc(relative(from, rep))}" title="${esc(r.summary.name)}">${label}</a>` : `<span title="${esc(r.summary.name)}">${label}</span>`;
  });
  const legend = results.map((r, i) => {
    const rep = reportOf(r);
    const name = esc(r.summary.name);
    return `<li>#${i + 1} ${rep ? `<a href="${esc(relative(from, rep))}">${name}</a>` : name}${r.summary.complete ? '' : ' (incomplete)'} — load generator ${esc(r.summary.loadgen_health ? healthWord(r.summary.loadgen_health) : '-')}</li>`;
  });
  const allNotes = results.flatMap((r, i) => notes(r.summary).map((n) => `#${i + 1}: ${n}`));
  const sections: Section[] = [
    { id: 'summary', title: 'Summary', html: results.length ? `${metricsTable(results.map((r) => r.summary), heads)}<ul>${legend.join('')}</ul>` : '<p>No results.</p>' },
    { id: 'plots', title: 'Plots', html: plots.length ? plots.map((p) => figure(p.kind, p.title, p.svg, p.pngHref)).join('\n') : '<p>No plots.</p>' },
    { id: 'notes', title: 'Notes', html: notesHtml(allNotes) },
  ];
  return page('llmdbench work directory report', `${workDir} · ${results.length} result${results.length === 1 ? '' : 's'}`, sections);
}
