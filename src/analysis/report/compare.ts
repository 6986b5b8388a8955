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

/** Rows of one run directory (a results dir, a work dir, or a dir of v0.2 report files). */
export function rowsOf(dir: string): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const dirs = resultDirs(dir);
  for (const [k, rd] of dirs.entries()) {
    const found = detectHarness(rd)!;
    const ctx = readRunContext(rd);
    for (const src of found.sources) {
      for (const c of found.converter.convert(src, ctx)) {
        if (c.v01Only) continue;
        const row = summaryRow(render(c, ctx, '0.2'));
        // The native duration of this stage (inference-perf: its send duration) over the run's.
        if (c.v01Time.duration > 0) row.durationS = c.v01Time.duration;
        if (dirs.length > 1) row.group = k;
        rows.push(row);
      }
    }
  }
  if (rows.length > 0) return rows.sort((a, b) => (a.group ?? 0) - (b.group ?? 0) || a.stage - b.stage);
  const abs = resolve(dir);
  const candidates = [abs, join(abs, 'analysis'), analysisDirFor(abs)];
  if (existsSync(join(abs, 'analysis'))) for (const n of readdirSync(join(abs, 'analysis'))) candidates.push(join(abs, 'analysis', n));
  for (const d of candidates) for (const f of reportFilesIn(d)) rows.push(summaryRow(parse(readFileSync(f, 'utf8'))));
  return rows.sort((a, b) => a.stage - b.stage);
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


/** The side-by-side table as text. */
export function formatComparison(runs: readonly RunRows[]): string {
  const keyOf = (x: SummaryRow): string => `${x.group ?? 0}:${x.stage}`;
  const stages = [...new Map(runs.flatMap((r) => r.rows.map((x) => [keyOf(x), x] as const))).values()]
    .sort((a, b) => (a.group ?? 0) - (b.group ?? 0) || a.stage - b.stage)
    .map(keyOf);
  const grouped = runs.some((r) => r.rows.some((x) => x.group !== undefined));
  const lines: string[] = runs.map((r, i) => `${String.fromCharCode(65 + i)} = ${r.label} (${[...new Set(r.rows.map((x) => x.tool))].join(', ') || 'no results'})`);
  const colW = 14;
  const nameW = 28;
  for (const st of stages) {
    const rows = runs.map((r) => r.rows.find((x) => keyOf(x) === st));
    lines.push('');
    const [g, n] = st.split(':');
    let head = (grouped ? `run ${Number(g) + 1}, stage ${n}` : `stage ${n}`).padEnd(nameW);
    runs.forEach((_, i) => (head += String.fromCharCode(65 + i).padStart(colW)));
    for (let i = 1; i < runs.length; i++) head += `Δ ${String.fromCharCode(65 + i)} vs A`.padStart(colW);
    lines.push(head);
    for (const [name, get, p] of LINES) {
      const vals = rows.map((r) => (r ? get(r) : undefined));
      if (vals.every((v) => v === undefined)) continue;
      let line = name.padEnd(nameW);
      for (const v of vals) line += fmt(v, p).padStart(colW);
      for (let i = 1; i < vals.length; i++) line += deltaPct(vals[0], vals[i]).padStart(colW);
      lines.push(line);
    }
  }
  return `${lines.join('\n')}\n`;
}
