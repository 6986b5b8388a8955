/**
 * The analysis step for one result directory (and `-z`: for every result directory a work
 * directory holds): read records.jsonl with the one strict reader (bad lines reported with file
 * and line, counted), summarise with the producing harness's definitions, carry the
 * load-generator health, then run every reporter (summary.json/.txt, plots, report.html, ...);
 * and the llm-d benchmark reports v0.1/v0.2/v0.2.1 from the harness's native files
 * (report/end-of-run.ts; these need no records, so they run first, outside the reporter list).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeBadLine, scanRecords } from '../engine/record/reader.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import { HEALTH_FILE, RECORDS_FILE, type LoadgenHealthFile, type ResultSummary } from '../metrics/seed-summary.ts';
import type { Logger } from '../util/logger.ts';
import { definitionsFor } from './definitions.ts';
import { RUN_METADATA_FILE } from './metadata.ts';
import { reportResult } from './reporters/registry.ts';
import { summarizeRecords } from './summary.ts';
import { writeRunReports } from './report/end-of-run.ts';

export interface AnalyzeOptions {
  /** The producing harness's definitions; default inference-perf's. */
  definitions?: MetricDefinitionSet;
  /** Bad record lines are warned here (they are also listed in the summary). */
  log?: Logger;
  /** Interrupted: write the summary only, skip the slow reporters (plots, HTML). */
  quick?: boolean;
  /** The attempt this result is (when it took more than one). */
  attempt?: { number: number; failedAttempts: string[] };
}

/** Analyse one results directory into its analysis directory; undefined when it holds no records. */
export async function analyzeResultDir(name: string, resultsDir: string, analysisDir: string, complete: boolean, opts: AnalyzeOptions = {}): Promise<ResultSummary | undefined> {
  // llm-d benchmark reports from the harness's native files (records or not).
  mkdirSync(analysisDir, { recursive: true });
  await writeRunReports(resultsDir, analysisDir, opts.log);
  const scan = await scanRecords(join(resultsDir, RECORDS_FILE));
  const bad = scan.bad.map(describeBadLine);
  for (const b of bad) opts.log?.warn(b);
  if (scan.records.length === 0) return undefined;
  const summary = summarizeRecords(name, scan.records, complete, opts.definitions);
  if (bad.length > 0) summary.bad_record_lines = bad;
  if (opts.attempt) summary.attempt = { number: opts.attempt.number, failed_attempts: opts.attempt.failedAttempts };
  const hf = join(resultsDir, HEALTH_FILE);
  if (existsSync(hf)) summary.loadgen_health = JSON.parse(readFileSync(hf, 'utf8')) as LoadgenHealthFile;
  // The reporters (reporters/registry.ts) write summary.json/.txt, the plots, report.html...
  await reportResult({ name, resultsDir, analysisDir, summary, ...(opts.log ? { log: opts.log } : {}) }, { quick: opts.quick === true });
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
  return out;
}
