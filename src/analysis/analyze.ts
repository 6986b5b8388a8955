/**
 * The analysis step for one result directory (and `-z`: for every result directory a work
 * directory holds): the llm-d benchmark reports v0.1/v0.2/v0.2.1 from the harness's native files
 * (report/end-of-run.ts), then ONE pass over records.jsonl with the one strict reader (bad lines
 * reported with file and line, counted; pass.ts) giving the summary under the producing harness's
 * definitions, goodput and the plots' data; the load-generator health; then the reporters
 * (summary.json/txt, plots, report.html) from those results without reading the records again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { describeBadLine } from '../engine/record/reader.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import type { Slo } from '../metrics/slo.ts';
import { HEALTH_FILE, RECORDS_FILE, type LoadgenHealthFile, type ResultSummary } from '../metrics/seed-summary.ts';
import type { Logger } from '../util/logger.ts';
import type { LlmdbenchError } from '../util/errors.ts';
import { writeFailure } from '../util/files.ts';
import { definitionsFor } from './definitions.ts';
import { jsonFileProblem } from './json-torn.ts';
import { RUN_METADATA_FILE } from './metadata.ts';
import { COMPLETE_MARKER } from './marker.ts';
import { METRICS_DIR, monitoringBrief, summarizeMetricsDir, type MonitoringBrief } from './monitoring.ts';
import { reportResult } from './reporters/registry.ts';
import { recordsPass } from './pass.ts';
import type { PlotData } from './plots/collect.ts';
import { requestedRates } from './reporters/plots.ts';
import { readRunContext } from './report/context.ts';
import { profileSloOf, writeRunReports } from './report/end-of-run.ts';
import { formatGoodput, writeGoodputFile } from './report/goodput-report.ts';
import { sloFromProfile } from './report/slo-source.ts';
import { openMerge, writeMergedReports } from './merged/index.ts';
import { mergedMonitoringBrief } from './merged/observability.ts';
import type { ServerScrape } from './reporters/types.ts';

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
  /** Goodput bounds (`--slo`), merged over the workload profile's own SLO keys (the command line wins). */
  slo?: Slo;
  /** `-z`: a bad records.jsonl line makes the result incomplete (found in the analysis pass; records are read once). */
  badLinesMakeIncomplete?: boolean;
  /** The attempt this result is (when it took more than one). */
  attempt?: { number: number; failedAttempts: string[] };
}

/** Analyse one results directory into its analysis directory; undefined when it holds no records. */
export async function analyzeResultDir(name: string, resultsDir: string, analysisDir: string, complete: boolean, opts: AnalyzeOptions = {}): Promise<ResultSummary | undefined> {
  // -f: the scraped server metrics first (metrics/processed/*), so the v0.2 reports carry them.
  const monitoring = monitoringOf(resultsDir);
  mkdirSync(analysisDir, { recursive: true });
  const slo = { ...profileSloOf(resultsDir, opts.log), ...(opts.slo ?? {}) };
  // The one pass over records.jsonl: summary, goodput and the plots' data (pass.ts, docs/performance.md).
  const pass = await recordsPass(name, [join(resultsDir, RECORDS_FILE)], complete, {
    ...(opts.definitions ? { definitions: opts.definitions } : {}),
    slo,
    ...(opts.quick ? {} : { plots: { requestedRates: requestedRates(resultsDir) } }),
  });
  // llm-d benchmark reports from the harness's native files (records or not), each with its stage's goodput.
  await writeRunReports(resultsDir, analysisDir, opts.log, pass.goodput);
  const summary = pass.summary;
  const bad = pass.bad.map(describeBadLine);
  for (const b of bad) opts.log?.warn(b);
  if (summary.requests.total === 0) return undefined;
  if (bad.length > 0) summary.bad_record_lines = bad;
  const reasons = [...(opts.incompleteReasons ?? [])];
  if (opts.badLinesMakeIncomplete && bad.length > 0) {
    const r = `${RECORDS_FILE}: ${bad.length} bad line(s)`;
    opts.log?.warn(`${name}: incomplete: ${r}`);
    reasons.push(r);
    summary.complete = false;
  }
  if (reasons.length) summary.incomplete_reasons = reasons;
  if (opts.attempt) summary.attempt = { number: opts.attempt.number, failed_attempts: opts.attempt.failedAttempts };
  const hf = join(resultsDir, HEALTH_FILE);
  if (existsSync(hf)) summary.loadgen_health = JSON.parse(readFileSync(hf, 'utf8')) as LoadgenHealthFile;
  if (monitoring) summary.monitoring = monitoring;
  if (pass.goodput) {
    try {
      writeGoodputFile(analysisDir, pass.goodput);
    } catch (e) {
      opts.log?.warn(`could not write ${join(analysisDir, 'goodput.json')}: ${(e as Error).message}`);
    }
    opts.log?.info(formatGoodput(pass.goodput.all));
  }
  // The reporters (reporters/registry.ts) write summary.json/.txt, the plots, report.html...
  await writeReports(name, resultsDir, analysisDir, summary, opts, pass.plotData);
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
async function writeReports(name: string, resultsDir: string, analysisDir: string, summary: ResultSummary, opts: AnalyzeOptions, plotData?: PlotData, server?: ServerScrape): Promise<void> {
  try {
    await reportResult({ name, resultsDir, analysisDir, summary, ...(plotData ? { plotData } : {}), ...(server ? { server } : {}), ...(opts.log ? { log: opts.log } : {}) }, { quick: opts.quick === true });
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
  // One pass: records shifted onto one time base (merged/clock.ts) into the summary, goodput, the plots' data and the merged reports.
  const slo = { ...(resultsDirs[0] ? profileSlo(resultsDirs[0]) : {}), ...(opts.slo ?? {}) };
  const merge = openMerge(resultsDirs);
  const pass = await recordsPass(name, (sink, bad) => merge.records(sink, bad), complete, {
    ...(opts.definitions ? { definitions: opts.definitions } : {}),
    slo,
    ...(opts.quick ? {} : { plots: { requestedRates: mergedRequestedRates(resultsDirs) } }),
  });
  const summary = pass.summary;
  if (summary.requests.total === 0) return undefined;
  if (pass.bad.length > 0) summary.bad_record_lines = pass.bad.map(describeBadLine);
  summary.merged_from = resultsDirs.map((d) => basename(d));
  summary.merge = merge.brief();
  for (const w of summary.merge.warnings) opts.log?.warn(`${name}: ${w}`);
  // -f: the servers as one generator scraped them (every generator scraped the same servers: merged/observability.ts).
  const scrape = merge.scrape();
  if (scrape) summary.monitoring = mergedMonitoringBrief(scrape);
  writeMergedReports(merge, analysisDir, opts.log, pass.goodput);
  if (pass.goodput) {
    mkdirSync(analysisDir, { recursive: true });
    writeGoodputFile(analysisDir, pass.goodput);
  }
  // The reporters as for a result: summary, plots (merged records; -f that scrape, on the merged time base), report.html
  // (run facts and profile from the first generator: the generators ran one profile).
  await writeReports(name, resultsDirs[0]!, analysisDir, summary, opts, pass.plotData, scrape ? { resultsDir: scrape.resultsDir, ...(scrape.clock ? { clock: scrape.clock } : {}) } : undefined);
  return summary;
}

/** -j N: every generator ran the profile's rates, so the merged load was asked for Σ of them per stage. */
function mergedRequestedRates(resultsDirs: readonly string[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const d of resultsDirs) for (const [k, v] of Object.entries(requestedRates(d))) out[Number(k)] = (out[Number(k)] ?? 0) + v;
  return out;
}

/** The SLOs the result directory's workload profile declares (by the harness run_metadata.yaml names). */
function profileSlo(resultsDir: string): Slo {
  try {
    return sloFromProfile(harnessOf(resultsDir) ?? '', readRunContext(resultsDir).config);
  } catch {
    return {};
  }
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
      if (f.endsWith('.json')) {
        const problem = jsonFileProblem(file);
        if (problem) reasons.push(`${f}: torn (${problem})`);
      } else if (/\.ya?ml$/.test(f)) {
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
export async function reanalyze(workDir: string, opts: { log?: Logger; names?: readonly string[]; slo?: Slo } = {}): Promise<ResultSummary[]> {
  const resultsRoot = join(workDir, 'results');
  const out: ResultSummary[] = [];
  const names = opts.names ?? (existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []);
  for (const name of names) {
    const dir = join(resultsRoot, name);
    if (!statSync(dir).isDirectory()) continue;
    // Bad record lines are found by the analysis pass itself (records.jsonl read once): they make the result incomplete there.
    const reasons = incompleteReasons(dir, 0);
    for (const r of reasons) opts.log?.warn(`${name}: incomplete: ${r}`);
    mkdirSync(join(workDir, 'analysis', name), { recursive: true });
    const s = await analyzeResultDir(name, dir, join(workDir, 'analysis', name), reasons.length === 0, {
      definitions: await definitionsFor(harnessOf(dir)),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.slo ? { slo: opts.slo } : {}),
      ...(reasons.length > 0 ? { incompleteReasons: reasons } : {}),
      badLinesMakeIncomplete: true,
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
    const s = await analyzeMerged(`${base}_merged`, dirs, join(workDir, 'analysis', `${base}_merged`), complete, { definitions: await definitionsFor(harnessOf(dirs[0]!)), ...(opts.slo ? { slo: opts.slo } : {}) });
    if (s) out.push(s);
  }
  return out;
}
