/**
 * The HTML report of one result directory: what ran (run_metadata.yaml), the ten metrics, every
 * plot inline, load-generator health, notes, and the configuration (the rendered profile as the
 * harness read it, secrets masked).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import { RUN_METADATA_FILE } from '../metadata.ts';
import { esc, figure, page, scrubYaml, table, type Section } from './page.ts';
import { healthHtml, mergeHtml, metricsTable, notes, notesHtml } from './sections.ts';

/** A plot the report inlines: its SVG text and where its PNG is, relative to the report. */
export interface InlinePlot {
  kind: string;
  title: string;
  svg: string;
  pngHref?: string;
}

function readText(f: string): string | undefined {
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

export function resultPage(s: ResultSummary, resultsDir: string, plots: InlinePlot[]): string {
  const mdText = readText(join(resultsDir, RUN_METADATA_FILE));
  const md = (mdText ? (parse(mdText) ?? {}) : {}) as Record<string, unknown>;
  const str = (k: string): string => (md[k] === undefined || md[k] === null ? '-' : String(md[k]));
  const workload = typeof md.harness_workload === 'string' ? md.harness_workload : undefined;
  const profile = workload ? readText(join(resultsDir, workload)) : undefined;
  const facts: Array<[string, string]> = [
    ['harness', str('harness_name')],
    ['workload profile', str('harness_workload')],
    ['model', str('model')],
    ['endpoint', str('endpoint_url')],
    ['experiment id', str('experiment_id')],
    ['treatment', str('treatment')],
    ['started / stopped (UTC)', `${str('harness_start')} / ${str('harness_stop')}`],
    ['complete', s.complete ? 'yes' : 'NO (interrupted)'],
  ];
  const merged = mergeHtml(s);
  const sections: Section[] = [
    { id: 'run', title: 'Run', html: table(['', 'value'], facts.map(([k, v]) => [esc(k), esc(v)])) },
    // -j N: the generators this result merges (the run facts above are the first generator's).
    ...(merged ? [{ id: 'merge', title: 'Merged load generators', html: merged }] : []),
    { id: 'summary', title: 'Summary', html: metricsTable([s], ['value']) },
    {
      id: 'plots',
      title: 'Plots',
      html: plots.length ? plots.map((p) => figure(p.kind, p.title, p.svg, p.pngHref)).join('\n') : '<p>No plots (no records).</p>',
    },
    { id: 'health', title: 'Load-generator health', html: healthHtml(s) },
    { id: 'notes', title: 'Notes', html: notesHtml(notes(s, ['Plots use inference-perf definitions on the raw records; the summary uses the producing harness\'s definitions.'])) },
    {
      id: 'config',
      title: 'Configuration',
      html:
        (profile ? `<p>Rendered profile <code>${esc(workload!)}</code> (as the harness read it):</p><pre>${esc(scrubYaml(profile))}</pre>` : '<p>The rendered profile was not found in the results directory.</p>') +
        (mdText ? `<p><code>${RUN_METADATA_FILE}</code>:</p><pre>${esc(scrubYaml(mdText))}</pre>` : ''),
    },
  ];
  return page(`llmdbench result: ${s.name}`, `${str('harness_name')} · ${str('model')} · ${s.requests.total} requests`, sections);
}
