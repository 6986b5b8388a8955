/**
 * The analysis step for one result directory (and `-z`: for every result directory a work
 * directory holds): read records.jsonl with the one strict reader (bad lines reported with file
 * and line, counted), summarise with the producing harness's definitions, carry the
 * load-generator health, write analysis/<dir>/summary.json and summary.txt, and the llm-d
 * benchmark reports v0.1/v0.2/v0.2.1 from the harness's native files (report/end-of-run.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { describeBadLine, forEachRecord, type BadRecordLine } from '../engine/record/reader.ts';
import type { RequestRecord } from '../engine/types.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import { HEALTH_FILE, RECORDS_FILE, type LoadgenHealthFile, type ResultSummary } from '../metrics/seed-summary.ts';
import type { Logger } from '../util/logger.ts';
import { definitionsFor } from './definitions.ts';
import { RUN_METADATA_FILE } from './metadata.ts';
import { METRICS_DIR, monitoringBrief, summarizeMetricsDir, type MonitoringBrief } from './monitoring.ts';
import { formatSummaryText, summarizeRecordStream } from './summary.ts';
import { writeRunReports } from './report/end-of-run.ts';

export interface AnalyzeOptions {
  /** The producing harness's definitions; default inference-perf's. */
  definitions?: MetricDefinitionSet;
  /** Bad record lines are warned here (they are also listed in the summary). */
  log?: Logger;
  /** The attempt this result is (when it took more than one). */
  attempt?: { number: number; failedAttempts: string[] };
}

/** Analyse one results directory into its analysis directory; undefined when it holds no records. */
export async function analyzeResultDir(name: string, resultsDir: string, analysisDir: string, complete: boolean, opts: AnalyzeOptions = {}): Promise<ResultSummary | undefined> {
  // -f: the scraped server metrics first (metrics/processed/*), so the v0.2 reports carry them.
  const monitoring = monitoringOf(resultsDir);
  // llm-d benchmark reports from the harness's native files (records or not).
  mkdirSync(analysisDir, { recursive: true });
  await writeRunReports(resultsDir, analysisDir, opts.log);
  const scanBad: BadRecordLine[] = [];
  // Streamed: one record at a time through the definitions' accumulator (docs/performance.md).
  const summary = await summarizeRecordStream(name, (sink) => forEachRecord(join(resultsDir, RECORDS_FILE), sink, scanBad), complete, opts.definitions);
  const bad = scanBad.map(describeBadLine);
  for (const b of bad) opts.log?.warn(b);
  if (summary.requests.total === 0) return undefined;
  if (bad.length > 0) summary.bad_record_lines = bad;
  if (opts.attempt) summary.attempt = { number: opts.attempt.number, failed_attempts: opts.attempt.failedAttempts };
  const hf = join(resultsDir, HEALTH_FILE);
  if (existsSync(hf)) summary.loadgen_health = JSON.parse(readFileSync(hf, 'utf8')) as LoadgenHealthFile;
  if (monitoring) summary.monitoring = monitoring;
  writeSummary(analysisDir, summary);
  return summary;
}

/** -f: summarise the scraped snapshots (writes metrics/processed/*), with the scraper's own warnings. */
function monitoringOf(resultsDir: string): MonitoringBrief | undefined {
  const rep = join(resultsDir, METRICS_DIR, 'scrape_report.json');
  const warnings = existsSync(rep) ? ((JSON.parse(readFileSync(rep, 'utf8')) as { warnings?: string[] }).warnings ?? []) : [];
  const s = summarizeMetricsDir(resultsDir, warnings);
  return s ? monitoringBrief(s) : undefined;
}

function writeSummary(analysisDir: string, summary: ResultSummary): void {
  mkdirSync(analysisDir, { recursive: true });
  writeFileSync(join(analysisDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(analysisDir, 'summary.txt'), formatSummaryText(summary));
}

/**
 * `-j N`: one summary over the records of every generator's results directory (streamed, file
 * after file): counts add up, percentiles come from the merged values (never averaged), the
 * throughputs are over the merged span (max end − min start) and, to check, their per-generator
 * sum. Written to `analysisDir`; undefined when no generator produced records.
 */
export async function analyzeMerged(name: string, resultsDirs: readonly string[], analysisDir: string, complete: boolean, opts: AnalyzeOptions = {}): Promise<ResultSummary | undefined> {
  const bad: BadRecordLine[] = [];
  const all = async (sink: (r: RequestRecord) => void): Promise<void> => {
    for (const d of resultsDirs) await forEachRecord(join(d, RECORDS_FILE), sink, bad);
  };
  const summary = await summarizeRecordStream(name, all, complete, opts.definitions);
  if (summary.requests.total === 0) return undefined;
  if (bad.length > 0) summary.bad_record_lines = bad.map(describeBadLine);
  summary.merged_from = resultsDirs.map((d) => basename(d));
  writeSummary(analysisDir, summary);
  return summary;
}
/** What run_metadata.yaml says about a result directory (absent file: complete, harness unknown). */
function metadataOf(resultsDir: string): { complete: boolean; harness?: string } {
  const file = join(resultsDir, RUN_METADATA_FILE);
  if (!existsSync(file)) return { complete: true };
  const m = (parse(readFileSync(file, 'utf8')) ?? {}) as { complete?: unknown; harness_name?: unknown };
  return { complete: m.complete !== false, ...(typeof m.harness_name === 'string' ? { harness: m.harness_name } : {}) };
}

/**
 * `-z`: analyse every result directory under `<workDir>/results` into `<workDir>/analysis`,
 * each with its harness's definitions (from run_metadata.yaml). Returns the summaries in name order.
 */
export async function reanalyze(workDir: string, opts: { log?: Logger } = {}): Promise<ResultSummary[]> {
  const resultsRoot = join(workDir, 'results');
  const out: ResultSummary[] = [];
  for (const name of existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []) {
    const dir = join(resultsRoot, name);
    const meta = metadataOf(dir);
    mkdirSync(join(workDir, 'analysis', name), { recursive: true });
    const s = await analyzeResultDir(name, dir, join(workDir, 'analysis', name), meta.complete, { definitions: definitionsFor(meta.harness), ...(opts.log ? { log: opts.log } : {}) });
    if (s) out.push(s);
  }
  // -j N: the generators `<base>_1 … _N` (N ≥ 2) also get their merged summary `<base>_merged`.
  const groups = new Map<string, string[]>();
  for (const name of existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []) {
    const m = /^(.*)_\d+$/.exec(name);
    if (m) groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), name]);
  }
  for (const [base, names] of groups) {
    if (names.length < 2) continue;
    const dirs = names.map((n) => join(resultsRoot, n));
    const meta = metadataOf(dirs[0]!);
    const s = await analyzeMerged(`${base}_merged`, dirs, join(workDir, 'analysis', `${base}_merged`), dirs.every((d) => metadataOf(d).complete), { definitions: definitionsFor(meta.harness) });
    if (s) out.push(s);
  }
  return out;
}
