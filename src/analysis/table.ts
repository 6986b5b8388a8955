/**
 * The final table of `llmdbench run`: the seed's ten metrics (rows) for every result
 * directory (columns); distributions as mean / p50 / p90 / p99; units in the row headers.
 */
import { healthWord, sloText, type Dist, type ResultSummary } from './summary.ts';

type Row = [label: string, value: (s: ResultSummary) => string];

const n = (v: number | undefined, d: number): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

function distRows(name: string, get: (s: ResultSummary) => Dist | null): Row[] {
  return (['mean', 'p50', 'p90', 'p99'] as const).map((k) => [`${name} ${k} (ms)`, (s: ResultSummary) => n(get(s)?.[k], 2)]);
}

const ROWS: Row[] = [
  ['output tokens/s (tok/s)', (s) => n(s.output_tokens_per_s, 2)],
  ['input tokens/s (tok/s)', (s) => n(s.input_tokens_per_s, 2)],
  ['requests/s (req/s)', (s) => n(s.requests_per_s, 3)],
  ...distRows('TTFT', (s) => s.ttft_ms),
  ...distRows('TPOT', (s) => s.tpot_ms),
  ...distRows('request latency', (s) => s.request_latency_ms),
  ...distRows('NTPOT', (s) => s.ntpot_ms),
  ...distRows('ITL', (s) => s.itl_ms),
  ['failure rate (%)', (s) => n(s.failure_rate * 100, 2)],
  ['benchmark duration (s)', (s) => n(s.benchmark_duration_s, 2)],
  ['requests (ok/failed)', (s) => `${s.requests.succeeded}/${s.requests.failed}`],
  ['load generator', (s) => (s.loadgen_health ? healthWord(s.loadgen_health) : '-')],
];

/** Shown when some result has SLOs (`--slo` or the profile's own goodput keys). */
const GOODPUT_ROWS: Row[] = [
  ['goodput (% of requests)', (s) => n(s.goodput ? s.goodput.good_fraction * 100 : undefined, 1)],
  ['goodput (req/s)', (s) => n(s.goodput?.good_requests_per_s, 3)],
];

export function formatFinalTable(summaries: readonly ResultSummary[]): string {
  if (summaries.length === 0) return 'no results\n';
  const heads = summaries.map((s, i) => (summaries.length === 1 ? 'value' : `#${i + 1}`) + (s.complete ? '' : ' (incomplete)'));
  const slos = [...new Set(summaries.flatMap((s) => (s.goodput ? [sloText(s.goodput.slo_ms)] : [])))];
  const rows = slos.length ? [...ROWS.slice(0, -2), ...GOODPUT_ROWS, ...ROWS.slice(-2)] : ROWS;
  const cells = rows.map(([label, get]) => [label, ...summaries.map(get)]);
  const header = ['metric', ...heads];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  const label = (s: ResultSummary): string => `${s.name}${s.attempt ? ` (attempt ${s.attempt.number})` : ''}`;
  if (summaries.length > 1) out.push('', ...summaries.map((s, i) => `#${i + 1}  ${label(s)}`));
  else out.push('', label(summaries[0]!));
  if (slos.length) out.push(`goodput: requests that succeeded and met every SLO (${slos.join('; ')})`);
  out.push(...failureLines(summaries));
  return `${out.join('\n')}\n`;
}

/** How many failure labels the table lists per result directory. */
export const TOP_FAILURE_LABELS = 5;

/** The top failure labels of each result, with counts and one example message each. */
function failureLines(summaries: readonly ResultSummary[]): string[] {
  const out: string[] = [];
  summaries.forEach((s, i) => {
    const labels = Object.entries(s.failures_by_label).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (labels.length === 0) return;
    out.push('', `failures${summaries.length > 1 ? ` #${i + 1}` : ''} (${s.requests.failed} of ${s.requests.total}):`);
    for (const [l, c] of labels.slice(0, TOP_FAILURE_LABELS)) {
      const ex = s.failure_examples?.[l];
      out.push(`  ${l}  ${c}${ex ? `  e.g. "${ex}"` : ''}`);
    }
    if (labels.length > TOP_FAILURE_LABELS) out.push(`  ... ${labels.length - TOP_FAILURE_LABELS} more label(s): see summary.txt`);
  });
  return out;
}
