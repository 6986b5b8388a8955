/** Sections shared by the result and work-directory reports: the metric table, health, notes. */
import type { Dist, ResultSummary } from '../../metrics/seed-summary.ts';
import { healthDetail, healthWord } from '../summary.ts';
import { esc, table } from './page.ts';

const num = (v: number | undefined, d: number): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

type Row = [label: string, tip: string, get: (s: ResultSummary) => string];
const dist = (label: string, tip: string, get: (s: ResultSummary) => Dist | null): Row[] =>
  (['mean', 'p50', 'p90', 'p99'] as const).map((k) => [`${label} ${k} (ms)`, tip, (s: ResultSummary) => num(get(s)?.[k], 2)]);

/** The seed's ten metrics with units, as rows. */
const ROWS: Row[] = [
  ['output tokens/s (tok/s)', 'output tokens of successful requests / (last end − first send)', (s) => num(s.output_tokens_per_s, 2)],
  ['input tokens/s (tok/s)', 'input tokens of successful requests / (last end − first send)', (s) => num(s.input_tokens_per_s, 2)],
  ['requests/s (req/s)', 'successful requests / (last end − first send)', (s) => num(s.requests_per_s, 3)],
  ...dist('TTFT', 'time to first token', (s) => s.ttft_ms),
  ...dist('TPOT', 'time per output token after the first', (s) => s.tpot_ms),
  ...dist('request latency', 'send to last byte', (s) => s.request_latency_ms),
  ...dist('NTPOT', 'request latency / output tokens', (s) => s.ntpot_ms),
  ...dist('ITL', 'gaps between streamed chunks, pooled', (s) => s.itl_ms),
  ['failure rate (%)', 'failed / all requests', (s) => num(s.failure_rate * 100, 2)],
  ['benchmark duration (s)', 'last end − first send', (s) => num(s.benchmark_duration_s, 2)],
  ['requests (ok / failed)', 'successful / failed requests', (s) => `${s.requests.succeeded} / ${s.requests.failed}`],
  ['load generator', 'was the load generator itself the bottleneck?', (s) => (s.loadgen_health ? healthWord(s.loadgen_health) : '-')],
];

/** The SLOs of a goodput block, stated: `ttft ≤ 200 ms, tpot ≤ 50 ms`. */
export function sloText(slo: Record<string, number>): string {
  return Object.entries(slo)
    .map(([k, v]) => `${k} ≤ ${v} ms`)
    .join(', ');
}

/** Goodput (docs/metrics.md §8): present when SLOs were known (`--slo`, LLMDBENCH_HARNESS_SLO, the profile's own keys). */
const GOODPUT_ROWS: Row[] = [
  ['goodput: requests meeting every SLO (%)', 'succeeded and met every SLO below / all requests', (s) => (s.goodput ? num(s.goodput.good_fraction * 100, 2) : '-')],
  ['goodput rate (req/s)', 'requests meeting every SLO / (last end − first send)', (s) => (s.goodput ? num(s.goodput.good_requests_per_s, 3) : '-')],
  ['goodput SLOs', 'the bounds a good request meets, all of them', (s) => (s.goodput ? sloText(s.goodput.slo_ms) : '-')],
];

/** Metrics as rows, one column per summary (header cells are HTML, e.g. links); the goodput rows when any summary has goodput. */
export function metricsTable(summaries: readonly ResultSummary[], heads: string[]): string {
  const rows = summaries.some((s) => s.goodput) ? [...ROWS, ...GOODPUT_ROWS] : ROWS;
  return table(
    ['metric', ...heads],
    rows.map(([label, tip, get]) => [`<span title="${esc(tip)}">${esc(label)}</span>`, ...summaries.map((s) => esc(get(s)))]),
  );
}

/**
 * -j N: what a merged result is made of — the generators (each linked to its own report, a
 * sibling analysis folder), the clock alignment, start skew, window overlap and the merge's warnings.
 */
export function mergeHtml(s: ResultSummary): string | undefined {
  const m = s.merge;
  if (!m) return undefined;
  const rows = m.generators.map((g) => [`<a href="../${esc(encodeURIComponent(g.name))}/report.html">${esc(g.name)}</a>`, String(g.requests), g.first_send_s.toFixed(3), g.last_end_s.toFixed(3)]);
  const facts = `<p>Merged from ${m.generators.length} load generators: counts add up, percentiles over every generator's requests together (never averaged), throughputs over the union window. Clocks: <b>${esc(m.clock_alignment)}</b>; start skew ${m.start_skew_s.toFixed(3)} s; windows ${m.windows_overlap ? 'overlap' : '<span class="bad">DO NOT overlap</span>'}. The run facts and configuration on this page are the first generator's (all ran one profile).</p>`;
  const warn = m.warnings.length ? `<ul class="notes">${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '';
  return facts + table(['generator', 'requests', 'first send (s)', 'last end (s)'], rows) + warn;
}

/** Load-generator health: the verdict word, the sentence, the detail lines. */
export function healthHtml(s: ResultSummary): string {
  const h = s.loadgen_health;
  if (!h) return '<p>No loadgen_health.json was written for this result.</p>';
  const word = healthWord(h);
  return `<p>Load generator: <span class="${h.client_bottleneck ? 'bad' : 'ok'}">${esc(word)}</span>${h.verdict ? ` — ${esc(h.verdict)}` : ''}</p>
<pre>${esc(healthDetail(h).join('\n'))}</pre>`;
}

/** Notes worth reading before trusting the numbers. */
export function notes(s: ResultSummary, extra: string[] = []): string[] {
  const out: string[] = [];
  if (!s.complete) out.push('INCOMPLETE: the run was interrupted or the harness could not finish; the numbers cover what finished.');
  if (s.requests.failed > 0) out.push(`${s.requests.failed} of ${s.requests.total} requests failed (${Object.entries(s.failures_by_label).map(([k, v]) => `${k}: ${v}`).join(', ')}).`);
  if (s.bad_record_lines?.length) out.push(`${s.bad_record_lines.length} records.jsonl line(s) were not records and are not counted: ${s.bad_record_lines.slice(0, 3).join('; ')}`);
  if (s.attempt) out.push(`This is attempt ${s.attempt.number}; earlier attempts are kept in ${s.attempt.failed_attempts.join(', ') || '-'}.`);
  if (s.loadgen_health?.client_bottleneck) out.push('The load generator was a bottleneck: these numbers understate the server.');
  return [...out, ...extra];
}

export function notesHtml(lines: string[]): string {
  return lines.length ? `<ul class="notes">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '<p>Nothing to note.</p>';
}
