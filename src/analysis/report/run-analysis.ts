/**
 * The analysis of a directory as the CLI (and the end of `llmdbench run`) wants
 * it: every results directory converted into reports, goodput from the records
 * when SLOs are known, and a few lines saying where everything went.
 */
import { analyzeResultsDir, resultDirs, type AnalyzedDir } from './analyze.ts';
import { join } from 'node:path';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';
import { detectHarness } from './convert.ts';
import { profileSloOf } from './end-of-run.ts';
import { formatGoodput, goodputCollector, goodputOfFile, writeGoodputFile } from './goodput-report.ts';
import { readRunContext } from './context.ts';
import { sloFromProfile } from './slo-source.ts';
import type { ReportVersion } from './types.ts';
import type { Slo } from '../../metrics/slo.ts';
import { mergeGroups, openMerge } from '../merged/index.ts';

/** Merged reports for every -j N group among `dirs` (with SLOs, each stage's goodput over the merged records, and goodput.json); one line each. */
async function writeMergedGroups(dirs: readonly string[], versions?: readonly ReportVersion[], slo?: Slo): Promise<string[]> {
  const lines: string[] = [];
  for (const g of mergeGroups(dirs)) {
    const merge = openMerge(g.dirs);
    const bounds = { ...profileSloOf(g.dirs[0]!), ...(slo ?? {}) };
    const good = Object.keys(bounds).length ? goodputCollector(bounds) : undefined;
    await merge.records((r) => good?.add(r), []);
    const goodput = good?.result();
    const files = merge.writeReports(g.analysisDir, { ...(versions ? { versions } : {}), ...(goodput ? { goodput } : {}) });
    if (goodput) writeGoodputFile(g.analysisDir, goodput);
    const b = merge.brief();
    lines.push(`merged ${g.dirs.length} load generators: ${files.length} reports in ${g.analysisDir} (clocks ${b.clock_alignment}, start skew ${b.start_skew_s.toFixed(3)} s)`);
    for (const w of b.warnings) lines.push(`  warning: ${w}`);
  }
  return lines;
}

export interface AnalyzeAllOptions {
  versions?: readonly ReportVersion[];
  slo?: Slo;
  outDir?: string;
  configFile?: string;
}

export interface AnalyzeAllResult {
  dirs: AnalyzedDir[];
  text: string;
  /** Some native file did not convert, or nothing was found. */
  failed: boolean;
}

export async function analyzeAll(dir: string, o: AnalyzeAllOptions = {}): Promise<AnalyzeAllResult> {
  const dirs = resultDirs(dir);
  const lines: string[] = [];
  const out: AnalyzedDir[] = [];
  let failed = dirs.length === 0;
  if (dirs.length === 0) lines.push(`no harness results found in ${dir} (looked for inference-perf, GuideLLM, vllm bench, fmperf and nop files)`);
  for (const rd of dirs) {
    // Goodput first (its own pass over records.jsonl): every report carries its stage's.
    const found = detectHarness(rd);
    const slo = { ...(found ? sloFromProfile(found.converter.kind, readRunContext(rd, o.configFile).config) : {}), ...(o.slo ?? {}) };
    const g = await goodputOfFile(join(rd, RECORDS_FILE), slo);
    const a = analyzeResultsDir(rd, { versions: o.versions, outDir: dirs.length === 1 ? o.outDir : undefined, configFile: o.configFile, ...(g ? { goodput: g } : {}) });
    if (!a) continue;
    out.push(a);
    lines.push(`${a.harness}: ${a.commons.length} stage${a.commons.length === 1 ? '' : 's'}, ${a.files.length} reports in ${a.outDir}`);
    for (const p of a.problems) lines.push(`  error: ${p}`);
    if (a.problems.length > 0) failed = true;
    if (g) {
      writeGoodputFile(a.outDir, g);
      lines.push(`  ${formatGoodput(g.all)}`);
      if (g.stages.length > 1) for (const s of g.stages) lines.push(`    stage ${s.stage}: ${(s.share * 100).toFixed(1)} %, ${s.ratePerS.toFixed(3)} req/s`);
    }
  }
  // -j N: the generators `<base>_1 … _N` of a work dir also get their merged reports (analysis/merged/).
  if (o.outDir === undefined || dirs.length > 1) lines.push(...(await writeMergedGroups(dirs, o.versions, o.slo)));
  return { dirs: out, text: `${lines.join('\n')}\n`, failed };
}
