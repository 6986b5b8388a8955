/**
 * `llmdbench analyze` and the end-of-run analysis: for each results directory
 * (`<workdir>/results/<name>/`, or a directory the Python tools wrote), detect the
 * harness, convert its native files and write every report version into the
 * analysis location — `<workdir>/analysis/<name>/` when the directory sits in a
 * work directory, else `<dir>/analysis/` (the in-pod layout) — plus
 * `reports.json`, the index plots, the HTML report and `compare` read.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { detectHarness, renderAll, type RenderedReport } from './convert.ts';
import { readRunContext } from './context.ts';
import { reportYaml } from './files.ts';
import { withGoodput, type GoodputReport } from './goodput-report.ts';
import type { CommonReport, ReportVersion } from './types.ts';
import { REPORT_VERSIONS } from './types.ts';

export const REPORT_INDEX_FILE = 'reports.json';

export interface AnalyzedDir {
  resultsDir: string;
  outDir: string;
  harness: string;
  commons: CommonReport[];
  files: string[];
  problems: string[];
}

export interface AnalyzeOptions {
  outDir?: string;
  configFile?: string;
  versions?: readonly ReportVersion[];
  /** Goodput of the run's records (per stage): each report carries its stage's (goodput-report.ts withGoodput). */
  goodput?: GoodputReport;
}

/** The results directories under `dir`: itself when it holds native files, else `dir/results/*`, else its children. */
export function resultDirs(dir: string): string[] {
  const abs = resolve(dir);
  if (detectHarness(abs)) return [abs];
  const parent = existsSync(join(abs, 'results')) ? join(abs, 'results') : abs;
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .map((n) => join(parent, n))
    .filter((p) => statSync(p).isDirectory() && detectHarness(p) !== undefined)
    .sort();
}

/** Where a results directory's analysis goes. */
export function analysisDirFor(resultsDir: string): string {
  const abs = resolve(resultsDir);
  if (basename(dirname(abs)) === 'results') return join(dirname(dirname(abs)), 'analysis', basename(abs));
  return join(abs, 'analysis');
}

/** Convert one results directory; undefined when no harness's native files are there. */
export function analyzeResultsDir(resultsDir: string, o: AnalyzeOptions = {}): AnalyzedDir | undefined {
  const found = detectHarness(resultsDir);
  if (!found) return undefined;
  const ctx = readRunContext(resultsDir, o.configFile);
  const outDir = o.outDir ?? analysisDirFor(resultsDir);
  mkdirSync(outDir, { recursive: true });
  const commons: CommonReport[] = [];
  const problems: string[] = [];
  for (const src of found.sources) {
    try {
      commons.push(...found.converter.convert(src, ctx));
    } catch (e) {
      // Upstream's loop goes on after a failed conversion; so do we, and say so.
      problems.push(`${basename(src.file)}: ${(e as Error).message}`);
    }
  }
  const rendered: RenderedReport[] = renderAll(withGoodput(commons, o.goodput), ctx, o.versions ?? REPORT_VERSIONS);
  const files: string[] = [];
  for (const r of rendered) {
    const f = join(outDir, r.fileName);
    writeFileSync(f, reportYaml(r.report));
    files.push(f);
  }
  writeFileSync(join(outDir, REPORT_INDEX_FILE), `${JSON.stringify(indexOf(found.converter.kind, rendered), null, 2)}\n`);
  return { resultsDir, outDir, harness: found.converter.kind, commons, files, problems };
}

/** reports.json: one entry per stage / benchmark with its report files, for plots and the HTML report. */
function indexOf(harness: string, rendered: RenderedReport[]): unknown {
  const entries = new Map<CommonReport, { stage: number; native_file: string; index?: number; rate_qps?: number | null; concurrency?: number | null; files: Record<string, string> }>();
  for (const r of rendered) {
    let e = entries.get(r.common);
    if (!e) {
      e = { stage: r.common.load.stage, native_file: r.common.nativeFile, index: r.common.index, rate_qps: r.common.load.rateQps, concurrency: r.common.load.concurrency, files: {} };
      entries.set(r.common, e);
    }
    e.files[r.version] = r.fileName;
  }
  return { harness, reports: [...entries.values()] };
}
