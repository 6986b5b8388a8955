/**
 * The analysis step for one result directory (and `-z`: for every result directory a work
 * directory holds): read records.jsonl with the one strict reader (bad lines reported with file
 * and line, counted), summarise with the producing harness's definitions, carry the
 * load-generator health, write analysis/<dir>/summary.json and summary.txt, and the llm-d
 * benchmark reports v0.1/v0.2/v0.2.1 from the harness's native files (report/end-of-run.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { describeBadLine, forEachRecord, type BadRecordLine } from '../engine/record/reader.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import { HEALTH_FILE, RECORDS_FILE, type LoadgenHealthFile, type ResultSummary } from '../metrics/seed-summary.ts';
import type { Logger } from '../util/logger.ts';
import type { LlmdbenchError } from '../util/errors.ts';
import { writeFailure } from '../util/files.ts';
import { definitionsFor } from './definitions.ts';
import { RUN_METADATA_FILE } from './metadata.ts';
import { COMPLETE_MARKER } from './marker.ts';
import { METRICS_DIR, monitoringBrief, summarizeMetricsDir, type MonitoringBrief } from './monitoring.ts';
import { reportResult } from './reporters/registry.ts';
import { summarizeRecordStream } from './summary.ts';
import { writeRunReports } from './report/end-of-run.ts';
import { openMerge, writeMergedReports } from './merged/index.ts';

export interface AnalyzeOptions {
  /** The producing harness's definitions; default inference-perf's. */
  definitions?: MetricDefinitionSet;
  /** Bad record lines are warned here (they are also listed in the summary). */
  log?: Logger;
  /** Interrupted: write the summary only, skip the slow reporters (plots, HTML). */
  quick?: boolean;
  /** Why the directory is incomplete (-z), written into the summary. */
  incompleteReasons?: string[];
  /** Writing summary.json/txt failed; without it the E_WRITE error is thrown. */
  onWriteError?: (err: LlmdbenchError) => void;
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
  if (opts.incompleteReasons?.length) summary.incomplete_reasons = opts.incompleteReasons;
  if (opts.attempt) summary.attempt = { number: opts.attempt.number, failed_attempts: opts.attempt.failedAttempts };
  const hf = join(resultsDir, HEALTH_FILE);
  if (existsSync(hf)) summary.loadgen_health = JSON.parse(readFileSync(hf, 'utf8')) as LoadgenHealthFile;
  if (monitoring) summary.monitoring = monitoring;
  // The reporters (reporters/registry.ts) write summary.json/.txt, the plots, report.html...
  await writeReports(name, resultsDir, analysisDir, summary, opts);
  return summary;
}

/** -f: summarise the scraped snapshots (writes metrics/processed/*), with the scraper's own warnings. */
function monitoringOf(resultsDir: string): MonitoringBrief | undefined {
  const rep = join(resultsDir, METRICS_DIR, 'scrape_report.json');
  let warnings: string[] = [];
  try {
    if (existsSync(rep)) warnings = (JSON.parse(readFileSync(rep, 'utf8')) as { warnings?: string[] }).warnings ?? [];
  } catch {
    warnings = [`${rep} is not JSON (torn)`];
  }
  const s = summarizeMetricsDir(resultsDir, warnings);
  return s ? monitoringBrief(s) : undefined;
}

/**
 * Every reporter for one result. A full disk: the summary is still returned (the console shows
 * it), the failure reported. Only the required summary reporter throws; the others warn and are skipped.
 */
async function writeReports(name: string, resultsDir: string, analysisDir: string, summary: ResultSummary, opts: AnalyzeOptions): Promise<void> {
  try {
    await reportResult({ name, resultsDir, analysisDir, summary, ...(opts.log ? { log: opts.log } : {}) }, { quick: opts.quick === true });
  } catch (e) {
    const err = writeFailure(join(analysisDir, 'summary.json'), e);
    if (!opts.onWriteError) throw err;
    opts.onWriteError(err);
  }
}

/**
 * `-j N`: one summary over the records of every generator's results directory (streamed, file
 * after file): counts add up, percentiles come from the merged values (never averaged), the
 * throughputs are over the merged span (max end − min start). Written to `analysisDir`;
 * undefined when no generator produced records.
 */
export async function analyzeMerged(name: string, resultsDirs: readonly string[], analysisDir: string, complete: boolean, opts: AnalyzeOptions = {}): Promise<ResultSummary | undefined> {
  const bad: BadRecordLine[] = [];
  // One pass: records shifted onto one time base (merged/clock.ts) into the summary and the merged reports.
  const merge = openMerge(resultsDirs);
  const summary = await summarizeRecordStream(name, (sink) => merge.records(sink, bad), complete, opts.definitions);
  if (summary.requests.total === 0) return undefined;
  if (bad.length > 0) summary.bad_record_lines = bad.map(describeBadLine);
  summary.merged_from = resultsDirs.map((d) => basename(d));
  summary.merge = merge.brief();
  for (const w of summary.merge.warnings) opts.log?.warn(`${name}: ${w}`);
  writeMergedReports(merge, analysisDir, opts.log);
  // The merged result has no records file of its own: its summary only (each generator has its plots).
  await writeReports(name, analysisDir, analysisDir, summary, { ...opts, quick: true });
  return summary;
}

/** What run_metadata.yaml says about a result directory (the harness that produced it). */
function harnessOf(resultsDir: string): string | undefined {
  try {
    const m = (parse(readFileSync(join(resultsDir, RUN_METADATA_FILE), 'utf8')) ?? {}) as { harness_name?: unknown };
    return typeof m.harness_name === 'string' ? m.harness_name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `-z`'s verdict on a result directory: complete only with the completion marker (written last,
 * only when the run finished), run_metadata.yaml saying `complete: true`, every JSON/YAML file
 * parsing, no leftover temporary (`.*.partial`) file and no torn records line. Returns the
 * reasons it is incomplete (empty: complete).
 */
export function incompleteReasons(resultsDir: string, badRecordLines: number): string[] {
  const reasons: string[] = [];
  if (!existsSync(join(resultsDir, COMPLETE_MARKER))) reasons.push(`no ${COMPLETE_MARKER} (the run did not finish)`);
  if (!existsSync(join(resultsDir, RUN_METADATA_FILE))) reasons.push(`${RUN_METADATA_FILE} is missing`);
  for (const f of readdirSync(resultsDir).sort()) {
    const file = join(resultsDir, f);
    if (/^\..*\.partial$/.test(f)) {
      reasons.push(`${f}: a file that was being written when the run stopped (torn)`);
      continue;
    }
    try {
      if (f.endsWith('.json')) JSON.parse(readFileSync(file, 'utf8'));
      else if (/\.ya?ml$/.test(f)) {
        const doc = parse(readFileSync(file, 'utf8')) as { complete?: unknown } | null;
        if (f === RUN_METADATA_FILE && doc?.complete === false) reasons.push(`${RUN_METADATA_FILE} says complete: false`);
      }
    } catch (e) {
      reasons.push(`${f}: torn (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (badRecordLines > 0) reasons.push(`${RECORDS_FILE}: ${badRecordLines} bad line(s)`);
  return reasons;
}

/**
 * `-z`: analyse every result directory under `<workDir>/results` into `<workDir>/analysis`,
 * each with its harness's definitions (from run_metadata.yaml). Returns the summaries in name order.
 * `names`: only these result directories.
 */
export async function reanalyze(workDir: string, opts: { log?: Logger; names?: readonly string[] } = {}): Promise<ResultSummary[]> {
  const resultsRoot = join(workDir, 'results');
  const out: ResultSummary[] = [];
  const names = opts.names ?? (existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []);
  for (const name of names) {
    const dir = join(resultsRoot, name);
    if (!statSync(dir).isDirectory()) continue;
    // Bad lines counted streaming (never every record in memory).
    const bad: BadRecordLine[] = [];
    await forEachRecord(join(dir, RECORDS_FILE), () => undefined, bad);
    const reasons = incompleteReasons(dir, bad.length);
    for (const r of reasons) opts.log?.warn(`${name}: incomplete: ${r}`);
    mkdirSync(join(workDir, 'analysis', name), { recursive: true });
    const s = await analyzeResultDir(name, dir, join(workDir, 'analysis', name), reasons.length === 0, {
      definitions: definitionsFor(harnessOf(dir)),
      ...(opts.log ? { log: opts.log } : {}),
      ...(reasons.length > 0 ? { incompleteReasons: reasons } : {}),
    });
    if (s) out.push(s);
  }
  // -j N: the generators `<base>_1 … _N` (N ≥ 2) also get their merged summary `<base>_merged`.
  const groups = new Map<string, string[]>();
  for (const name of existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []) {
    const m = /^(.*)_\d+$/.exec(name);
    if (m && statSync(join(resultsRoot, name)).isDirectory()) groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), name]);
  }
  for (const [base, names] of groups) {
    if (names.length < 2) continue;
    const dirs = names.map((n) => join(resultsRoot, n));
    const complete = dirs.every((d) => existsSync(join(d, COMPLETE_MARKER)));
    const s = await analyzeMerged(`${base}_merged`, dirs, join(workDir, 'analysis', `${base}_merged`), complete, { definitions: definitionsFor(harnessOf(dirs[0]!)) });
    if (s) out.push(s);
  }
  return out;
}
