/**
 * Each generator's own reports (the harness's converter on its native files), and which of them
 * is a given merged stage. Records number stages as the load ran them; a harness's reports may
 * number them otherwise (fmperf: one CSV per rate, the warm-up stages between left out). Per
 * generator: by stage number when every merged stage is among its reports' stages, else by
 * position when it has one report per merged stage, else by stage number where one matches (a
 * stage whose native file is missing gets none: its merged report is named after records.jsonl).
 */
import type { Logger } from '../../util/logger.ts';
import { readRunContext } from '../report/context.ts';
import { detectHarness } from '../report/convert.ts';
import type { CommonReport } from '../report/types.ts';

export interface GeneratorReports {
  /** Request reports (one per stage / benchmark / CSV). */
  requests: CommonReport[];
  /** Session reports (inference-perf session lifecycle files). */
  sessions: CommonReport[];
}

/** Each generator's own reports; undefined where no native file converts. */
export function generatorReports(resultsDirs: readonly string[], log?: Logger): (GeneratorReports | undefined)[] {
  return resultsDirs.map((d) => {
    const found = detectHarness(d);
    if (!found) return undefined;
    const ctx = readRunContext(d);
    const out: CommonReport[] = [];
    for (const src of found.sources) {
      try {
        out.push(...found.converter.convert(src, ctx));
      } catch (e) {
        log?.debug(`merged report: ${src.file} did not convert: ${(e as Error).message}`);
      }
    }
    return { requests: out.filter((c) => !c.sessions), sessions: out.filter((c) => c.sessions) };
  });
}

/** The report of merged stage `stage` among one generator's `reports` (see the header); `stages`: every merged stage, sorted. */
export function reportOfStage(reports: readonly CommonReport[], stage: number, stages: readonly number[]): CommonReport | undefined {
  const own = new Set(reports.map((c) => c.load.stage));
  if (stages.every((s) => own.has(s))) return reports.find((c) => c.load.stage === stage);
  if (reports.length === stages.length) return [...reports].sort((a, b) => a.load.stage - b.load.stage)[stages.indexOf(stage)];
  return reports.find((c) => c.load.stage === stage);
}

/** Every generator's report of `stage` (`kind`: request or session reports), in generator order. */
export function stageParts(all: readonly (GeneratorReports | undefined)[], kind: keyof GeneratorReports, stage: number, stages: readonly number[]): CommonReport[] {
  return all.flatMap((g) => {
    const c = g ? reportOfStage(g[kind], stage, stages) : undefined;
    return c ? [c] : [];
  });
}
