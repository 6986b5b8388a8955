/**
 * The analysis of a directory as the CLI (and the end of `llmdbench run`) wants
 * it: every results directory converted into reports, goodput from the records
 * when SLOs are known, and a few lines saying where everything went.
 */
import { analyzeResultsDir, resultDirs, type AnalyzedDir } from './analyze.ts';
import { formatGoodput, writeGoodput } from './goodput-report.ts';
import { readRunContext } from './context.ts';
import { sloFromProfile } from './slo-source.ts';
import type { ReportVersion } from './types.ts';
import type { Slo } from '../../metrics/slo.ts';

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
    const a = analyzeResultsDir(rd, { versions: o.versions, outDir: dirs.length === 1 ? o.outDir : undefined, configFile: o.configFile });
    if (!a) continue;
    out.push(a);
    lines.push(`${a.harness}: ${a.commons.length} stage${a.commons.length === 1 ? '' : 's'}, ${a.files.length} reports in ${a.outDir}`);
    for (const p of a.problems) lines.push(`  error: ${p}`);
    if (a.problems.length > 0) failed = true;
    const slo = { ...sloFromProfile(a.harness, readRunContext(rd, o.configFile).config), ...(o.slo ?? {}) };
    const g = await writeGoodput(rd, a.outDir, slo);
    if (g) {
      lines.push(`  ${formatGoodput(g.all)}`);
      if (g.stages.length > 1) for (const s of g.stages) lines.push(`    stage ${s.stage}: ${(s.share * 100).toFixed(1)} %, ${s.ratePerS.toFixed(3)} req/s`);
    }
  }
  return { dirs: out, text: `${lines.join('\n')}\n`, failed };
}
