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
import { writeFileAtomic } from '../../util/files.ts';
import type { Logger } from '../../util/logger.ts';
import { deltaString, RUN_METADATA_FILE } from '../metadata.ts';
import { REPORT_INDEX_FILE } from '../report/analyze.ts';
import { readRunContext } from '../report/context.ts';
import { detectHarness, renderAll, type RenderedReport } from '../report/convert.ts';
import { reportYaml } from '../report/files.ts';
import { REPORT_VERSIONS, type CommonReport, type ReportVersion, type RunContext } from '../report/types.ts';
import { MergeAccumulator } from './accumulate.ts';
import { describeMerge, mergeBrief } from './brief.ts';
import { alignClocks, type Alignment } from './clock.ts';
import { mergedCommon } from './common.ts';
import { perRequestFor } from './per-request.ts';
import { shiftRecord } from './shift.ts';

export const MERGE_FILE = 'merge.json';

export interface Merge {
  readonly resultsDirs: readonly string[];
  readonly alignment: Alignment;
  /** Stream every generator's records (shifted) into the accumulator and `sink`. */
  records(sink: (r: RequestRecord) => void, bad: BadRecordLine[]): Promise<void>;
  /** After records(): the clock alignment, skew and overlap. */
  brief(): MergeBrief;
  /** After records(): write the merged reports into `analysisDir`; the files written. */
  writeReports(analysisDir: string, o?: { log?: Logger; versions?: readonly ReportVersion[] }): string[];
}

export function openMerge(resultsDirs: readonly string[]): Merge {
  const alignment = alignClocks(resultsDirs);
  const kind = harnessName(resultsDirs[0]!) ?? detectHarness(resultsDirs[0]!)?.converter.kind;
  const acc = new MergeAccumulator(resultsDirs.length, perRequestFor(kind));
  return {
    resultsDirs,
    alignment,
    async records(sink, bad) {
      for (const [i, d] of resultsDirs.entries()) {
        const shift = alignment.shiftsMs[i]!;
        await forEachRecord(join(d, RECORDS_FILE), (r) => {
          shiftRecord(r, shift);
          acc.add(r, i);
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
      const templates = templatesOf(resultsDirs, o.log);
      const harness = templates.find((t) => t)?.[0]?.harness ?? kind ?? 'inference-perf';
      const description = describeMerge(brief);
      const commons: CommonReport[] = [];
      const stages = [...acc.stages.keys()].sort((a, b) => a - b);
      // Without a template of its own, a stage still reads as this harness's (versions, tool name).
      const like = templates.find((t) => t?.length)?.[0];
      for (const [stage, values] of [...acc.stages.entries()].sort((a, b) => a[0] - b[0])) {
        commons.push(
          mergedCommon({
            stage,
            values,
            template: templateFor(templates, stage, stages),
            ...(like ? { like } : {}),
            harness,
            ...(alignment.epochOffsetMs !== undefined ? { epochOffsetMs: alignment.epochOffsetMs } : {}),
            description,
            v01Metadata: { stage, parallelism: resultsDirs.length, merged_from: brief.generators.map((g) => g.name), clock_alignment: brief.clock_alignment, start_skew_s: brief.start_skew_s, windows_overlap: brief.windows_overlap },
          }),
        );
      }
      const rendered = renderAll(commons, mergedContext(resultsDirs), o.versions ?? REPORT_VERSIONS);
      const files: string[] = [];
      for (const r of rendered) {
        const f = join(analysisDir, r.fileName);
        writeFileAtomic(f, reportYaml(r.report));
        files.push(f);
      }
      writeFileAtomic(join(analysisDir, REPORT_INDEX_FILE), `${JSON.stringify(indexOf(harness, resultsDirs.length, rendered), null, 2)}\n`);
      return files;
    },
  };
}

/** Each generator's own CommonReports (the harness's converter on its native files); undefined where none convert. */
function templatesOf(resultsDirs: readonly string[], log?: Logger): (CommonReport[] | undefined)[] {
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
    return out.filter((c) => !c.sessions);
  });
}

/**
 * The first generator's report of `stage`; else, when a generator wrote exactly one report per
 * stage the records hold, the report at the same position (harnesses whose native files number
 * their stages otherwise: fmperf's CSVs by qps while its records also count warm-up stages).
 */
function templateFor(templates: readonly (CommonReport[] | undefined)[], stage: number, stages: readonly number[]): CommonReport | undefined {
  for (const t of templates) {
    const hit = t?.find((c) => c.load.stage === stage);
    if (hit) return hit;
  }
  const same = templates.find((t) => t && t.length === stages.length);
  return same ? [...same].sort((a, b) => a.load.stage - b.load.stage)[stages.indexOf(stage)] : undefined;
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
  // -f observability belongs to each generator's own reports (each scraped the same servers).
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
