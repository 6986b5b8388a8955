/**
 * `llmdbench compare`: the seed's ten metrics of several runs side by side, one
 * block per stage (matched by position: the k-th results directory of a work directory and its
 * stage index; each run's requested rate / concurrency on top),
 * with Δ % of each run against the first. Runs of different harnesses compare
 * through their v0.2 reports (SummaryRow), converted from the native files or
 * read from report files already written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { analysisDirFor, resultDirs } from './analyze.ts';
import { detectHarness, render } from './convert.ts';
import { readRunContext } from './context.ts';
import { reportVersionOf } from './files.ts';
import { summaryRow, type Dist, type SummaryRow } from './summary-row.ts';
import { goodputOfFile } from './goodput-report.ts';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';
import type { Slo } from '../../metrics/slo.ts';

export interface RunRows {
  label: string;
  rows: SummaryRow[];
}

function reportFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => reportVersionOf(f) === '0.2')
    .sort()
    .map((f) => join(dir, f));
}

/** One v0.2 report of a run, with where it sits (which results directory of a work directory). */
export interface RunReport {
  report: unknown;
  group?: number;
  /** The native duration of this stage (inference-perf: its send duration), when known. */
  durationS?: number;
}

/**
 * The v0.2 reports of one run directory (a results dir, a work dir, or a dir of v0.2 report
 * files): converted from the native files, else read from the report files. In stage order.
 */
export function reportsOf(dir: string): RunReport[] {
  const out: RunReport[] = [];
  const dirs = resultDirs(dir);
  for (const [k, rd] of dirs.entries()) {
    const found = detectHarness(rd)!;
    const ctx = readRunContext(rd);
    for (const src of found.sources) {
      for (const c of found.converter.convert(src, ctx)) {
        if (c.v01Only) continue;
        out.push({ report: render(c, ctx, '0.2'), ...(dirs.length > 1 ? { group: k } : {}), ...(c.v01Time.duration > 0 ? { durationS: c.v01Time.duration } : {}) });
      }
    }
  }
  if (out.length > 0) return out;
  const abs = resolve(dir);
  const candidates = [abs, join(abs, 'analysis'), analysisDirFor(abs)];
  if (existsSync(join(abs, 'analysis'))) for (const n of readdirSync(join(abs, 'analysis'))) candidates.push(join(abs, 'analysis', n));
  for (const d of candidates) for (const f of reportFilesIn(d)) out.push({ report: parse(readFileSync(f, 'utf8')) });
  return out;
}

/** Rows of one run directory (a results dir, a work dir, or a dir of v0.2 report files). */
export function rowsOf(dir: string, reports: RunReport[] = reportsOf(dir)): SummaryRow[] {
  const rows = reports.map((r) => {
    const row = summaryRow(r.report);
    if (r.durationS !== undefined) row.durationS = r.durationS;
    if (r.group !== undefined) row.group = r.group;
    return row;
  });
  return rows.sort((a, b) => (a.group ?? 0) - (b.group ?? 0) || a.stage - b.stage);
}

/**
 * Goodput per stage from each results directory's records.jsonl (runs of our engine), onto
 * the rows `rowsOf(dir)` gave (same order of results directories).
 */
export async function attachGoodput(dir: string, rows: SummaryRow[], slo: Slo): Promise<void> {
  const dirs = resultDirs(dir);
  for (const [k, rd] of dirs.entries()) {
    // Streamed: never every record in memory.
    const g = await goodputOfFile(join(rd, RECORDS_FILE), slo);
    if (!g) continue;
    for (const st of g.stages) {
      const row = rows.find((r) => (r.group ?? 0) === (dirs.length > 1 ? k : 0) && r.stage === st.stage);
      if (row) {
        row.goodputShare = st.share;
        row.goodputPerS = st.ratePerS;
      }
    }
  }
}

type Get = (r: SummaryRow) => number | undefined;
const NAMES: Record<string, string> = { ttftMs: 'TTFT', tpotMs: 'TPOT', requestLatencyMs: 'request latency', ntpotMs: 'NTPOT', itlMs: 'ITL' };
const d = (k: keyof SummaryRow, s: keyof Dist): Get => (r) => (r[k] as Dist | undefined)?.[s];
const LINES: [string, Get, number][] = [
  ['requested rate (req/s)', (r) => r.rateQps, 3],
  ['concurrency', (r) => r.concurrency, 0],
  ['output tokens/s', (r) => r.outputTokensPerS, 2],
  ['input tokens/s', (r) => r.inputTokensPerS, 2],
  ['requests/s', (r) => r.requestsPerS, 3],
  ...(['ttftMs', 'tpotMs', 'requestLatencyMs', 'ntpotMs', 'itlMs'] as const).flatMap((k) =>
    (['mean', 'p50', 'p90', 'p99'] as const).map((s) => [`${NAMES[k]} ${s} (ms)`, d(k, s), 2] as [string, Get, number]),
  ),
  ['failure rate (%)', (r) => (r.failureRate === undefined ? undefined : r.failureRate * 100), 2],
  ['goodput (% of requests)', (r) => (r.goodputShare === undefined ? undefined : r.goodputShare * 100), 1],
  ['goodput (req/s)', (r) => r.goodputPerS, 3],
  ['duration (s)', (r) => r.durationS, 2],
];

const fmt = (v: number | undefined, p: number): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(p));

/** Δ % of `v` against `base`: '-' when either is missing or the base is 0. */
export function deltaPct(base: number | undefined, v: number | undefined): string {
  if (base === undefined || v === undefined || !Number.isFinite(base) || !Number.isFinite(v) || base === 0) return '-';
  const x = ((v - base) / Math.abs(base)) * 100;
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}


/** One stage's block of the comparison: header cells and rows (metric name, values, Δ % against the first run). */
export interface ComparisonBlock {
  title: string;
  head: string[];
  rows: string[][];
}

/** Run letter: A, B, C… (the table's columns, the plots' legends). */
export const runLetter = (i: number): string => String.fromCharCode(65 + i);

/** The comparison as data: the legend lines (A = …) and one block per stage / rate. */
export function comparisonBlocks(runs: readonly RunRows[]): { legend: string[]; blocks: ComparisonBlock[] } {
  const keyOf = (x: SummaryRow): string => `${x.group ?? 0}:${x.stage}`;
  const stages = [...new Map(runs.flatMap((r) => r.rows.map((x) => [keyOf(x), x] as const))).values()]
    .sort((a, b) => (a.group ?? 0) - (b.group ?? 0) || a.stage - b.stage)
    .map(keyOf);
  const grouped = runs.some((r) => r.rows.some((x) => x.group !== undefined));
  const legend = runs.map((r, i) => `${runLetter(i)} = ${r.label} (${[...new Set(r.rows.map((x) => x.tool))].join(', ') || 'no results'})`);
  const blocks = stages.map((st) => {
    const found = runs.map((r) => r.rows.find((x) => keyOf(x) === st));
    const [g, n] = st.split(':');
    const head = [grouped ? `run ${Number(g) + 1}, stage ${n}` : `stage ${n}`, ...runs.map((_, i) => runLetter(i)), ...runs.slice(1).map((_, i) => `Δ ${runLetter(i + 1)} vs A`)];
    const rows: string[][] = [];
    for (const [name, get, p] of LINES) {
      const vals = found.map((r) => (r ? get(r) : undefined));
      if (vals.every((v) => v === undefined)) continue;
      rows.push([name, ...vals.map((v) => fmt(v, p)), ...vals.slice(1).map((v) => deltaPct(vals[0], v))]);
    }
    return { title: head[0]!, head, rows };
  });
  return { legend, blocks };
}

/** The side-by-side table as text. */
export function formatComparison(runs: readonly RunRows[]): string {
  const { legend, blocks } = comparisonBlocks(runs);
  const colW = 14;
  const nameW = 28;
  const line = (cells: string[]): string => cells[0]!.padEnd(nameW) + cells.slice(1).map((c) => c.padStart(colW)).join('');
  const lines = [...legend];
  for (const b of blocks) lines.push('', line(b.head), ...b.rows.map(line));
  return `${lines.join('\n')}\n`;
}
