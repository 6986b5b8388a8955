/**
 * -j N: one merge of N generators' results directories. `openMerge` aligns their clocks
 * (clock.ts); `records(sink)` streams every generator's records.jsonl once, shifted onto the
 * merged time base, into the report accumulator and the caller's sink (the merged summary of
 * analysis/analyze.ts analyzeMerged); then `writeReports` writes the merged llm-d benchmark
 * reports (v0.1, v0.2, v0.2.1 through report/convert.ts renderAll, one per stage, the same file
 * names as a generator's), `reports.json` and `merge.json` into the merged analysis folder
 * (each file written atomically: a cut run leaves the old file or the new one, never half).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { forEachRecord, type BadRecordLine } from '../../engine/record/reader.ts';
import type { RequestRecord } from '../../engine/types.ts';
import { RECORDS_FILE, type MergeBrief } from '../../metrics/seed-summary.ts';
import { goodputBlock } from '../../metrics/slo.ts';
import { writeFileAtomic } from '../../util/files.ts';
import type { Logger } from '../../util/logger.ts';
import { deltaString, RUN_METADATA_FILE } from '../metadata.ts';
import { REPORT_INDEX_FILE } from '../report/analyze.ts';
import { readRunContext } from '../report/context.ts';
import { detectHarness, renderAll, type RenderedReport } from '../report/convert.ts';
import { type GoodputReport } from '../report/goodput-report.ts';
import { reportYaml } from '../report/files.ts';
import { REPORT_VERSIONS, type CommonReport, type ReportVersion, type RunContext } from '../report/types.ts';
import { MergeAccumulator } from './accumulate.ts';
import { describeMerge, mergeBrief } from './brief.ts';
import { alignClocks, type Alignment } from './clock.ts';
import { mergedCommon } from './common.ts';
import { perRequestFor } from './per-request.ts';
import { mergedObservability, mergedScrape, type MergedScrape } from './observability.ts';
import { shiftRecord } from './shift.ts';
import { generatorReports, stageParts } from './stage-reports.ts';
import { mergeSessionReports } from './summaries.ts';

export const MERGE_FILE = 'merge.json';

export interface Merge {
  readonly resultsDirs: readonly string[];
  readonly alignment: Alignment;
  /** Stream every generator's records (shifted) into the accumulator and `sink`. */
  records(sink: (r: RequestRecord) => void, bad: BadRecordLine[]): Promise<void>;
  /** After records(): the clock alignment, skew and overlap. */
  brief(): MergeBrief;
  /** After records(): write the merged reports into `analysisDir` (each stage with its goodput, when given); the files written. */
  writeReports(analysisDir: string, o?: { log?: Logger; versions?: readonly ReportVersion[]; goodput?: GoodputReport }): string[];
  /** -f: the generator scrape that describes the merged run's servers (observability.ts); undefined when none was monitored. */
  scrape(): MergedScrape | undefined;
}

export function openMerge(resultsDirs: readonly string[]): Merge {
  const alignment = alignClocks(resultsDirs);
  const kind = harnessName(resultsDirs[0]!) ?? detectHarness(resultsDirs[0]!)?.converter.kind;
  const defs = perRequestFor(kind);
  const acc = new MergeAccumulator(resultsDirs.length, defs);
  // The records each generator's own report counts (fmperf: its CSV rows), judged on its own clock.
  const filters = resultsDirs.map((d) => defs.reportFilter?.(d));
  return {
    resultsDirs,
    alignment,
    async records(sink, bad) {
      for (const [i, d] of resultsDirs.entries()) {
        const shift = alignment.shiftsMs[i]!;
        const keep = filters[i];
        await forEachRecord(join(d, RECORDS_FILE), (r) => {
          const inReport = keep ? keep(r) : true;
          shiftRecord(r, shift);
          acc.add(r, i, inReport);
          sink(r);
        }, bad);
      }
    },
    brief: () => mergeBrief(resultsDirs, acc.windows, alignment),
    writeReports(analysisDir, o = {}) {
      const brief = mergeBrief(resultsDirs, acc.windows, alignment);
      mkdirSync(analysisDir, { recursive: true });
      writeFileAtomic(join(analysisDir, MERGE_FILE), `${JSON.stringify(brief, null, 2)}\n`);
      if (acc.stages.size === 0) return [];
      const own = generatorReports(resultsDirs, o.log);
      const harness = own.find((g) => g?.requests.length)?.requests[0]?.harness ?? kind ?? 'inference-perf';
      const description = describeMerge(brief);
      const commons: CommonReport[] = [];
      const stages = [...acc.stages.keys()].sort((a, b) => a - b);
      // Without a template of its own, a stage still reads as this harness's (versions, tool name).
      const like = own.find((g) => g?.requests.length)?.requests[0];
      for (const stage of stages) {
        const values = acc.stages.get(stage)!;
        const parts = stageParts(own, 'requests', stage, stages);
        const g = o.goodput?.stages.find((x) => x.stage === stage);
        commons.push(
          mergedCommon({
            stage,
            values,
            ...(parts[0] ? { template: parts[0] } : {}),
            ...(like ? { like } : {}),
            harness,
            ...(alignment.epochOffsetMs !== undefined ? { epochOffsetMs: alignment.epochOffsetMs } : {}),
            description,
            v01Metadata: { stage, parallelism: resultsDirs.length, merged_from: brief.generators.map((x) => x.name), clock_alignment: brief.clock_alignment, start_skew_s: brief.start_skew_s, windows_overlap: brief.windows_overlap },
            parts,
            ...(g ? { goodput: goodputBlock(g) } : {}),
          }),
        );
        // Multi-turn session reports, where the generators wrote them (inference-perf session lifecycle files).
        const sessions = mergeSessionReports(stageParts(own, 'sessions', stage, stages), values.windowS());
        if (sessions) commons.push({ ...sessions, loadDescription: description, v01LoadMetadata: { ...(sessions.v01LoadMetadata ?? {}), parallelism: resultsDirs.length } });
      }
      const ctx = mergedContext(resultsDirs);
      const scrape = mergedScrape(resultsDirs, alignment);
      if (scrape) ctx.observability = mergedObservability(scrape, analysisDir);
      const rendered = renderAll(commons, ctx, o.versions ?? REPORT_VERSIONS);
      const files: string[] = [];
      for (const r of rendered) {
        const f = join(analysisDir, r.fileName);
        writeFileAtomic(f, reportYaml(r.report));
        files.push(f);
      }
      writeFileAtomic(join(analysisDir, REPORT_INDEX_FILE), `${JSON.stringify(indexOf(harness, resultsDirs.length, rendered), null, 2)}\n`);
      return files;
    },
    scrape: () => mergedScrape(resultsDirs, alignment),
  };
}

function harnessName(resultsDir: string): string | undefined {
  const f = join(resultsDir, RUN_METADATA_FILE);
  if (!existsSync(f)) return undefined;
  try {
    const n = (parse(readFileSync(f, 'utf8')) as { harness_name?: unknown } | null)?.harness_name;
    return typeof n === 'string' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The first generator's run context, with the merged run's parallelism and the generators' whole span. */
function mergedContext(resultsDirs: readonly string[]): RunContext {
  const ctx = readRunContext(resultsDirs[0]!);
  ctx.parallelism = resultsDirs.length;
  // -f: the generators scraped the same servers; writeReports sets the one scrape used (observability.ts).
  delete ctx.observability;
  // run_metadata times are ISO 8601 UTC of one format: they sort as strings.
  const all = resultsDirs.map((d) => readRunContext(d));
  const starts = all.map((c) => c.start).filter((x): x is string => x !== undefined).sort();
  const ends = all.map((c) => c.end).filter((x): x is string => x !== undefined).sort();
  if (starts.length) ctx.start = starts[0];
  if (ends.length) ctx.end = ends[ends.length - 1];
  if (starts.length && ends.length) {
    const s = Date.parse(ctx.start!);
    const e = Date.parse(ctx.end!);
    if (Number.isFinite(s) && Number.isFinite(e)) ctx.duration = deltaString((e - s) / 1000);
  }
  return ctx;
}

function indexOf(harness: string, n: number, rendered: RenderedReport[]): unknown {
  const entries = new Map<CommonReport, { stage: number; native_file: string; index?: number; rate_qps?: number | null; concurrency?: number | null; files: Record<string, string> }>();
  for (const r of rendered) {
    let e = entries.get(r.common);
    if (!e) entries.set(r.common, (e = { stage: r.common.load.stage, native_file: r.common.nativeFile, index: r.common.index, rate_qps: r.common.load.rateQps, concurrency: r.common.load.concurrency, files: {} }));
    e.files[r.version] = r.fileName;
  }
  return { harness, merged_generators: n, reports: [...entries.values()] };
}
