/**
 * Converting native results into reports: detect which harness wrote a
 * directory (the first converter that finds its files), read its native files
 * into CommonReports, and render each as v0.1 / v0.2 / v0.2.1. Pure of output:
 * writing files is analyze.ts's job, printing the CLI's.
 */
import { basename, dirname, resolve } from 'node:path';
import { converterFor, converters } from './converters/registry.ts';
import { reportFileName } from './files.ts';
import type { CommonReport, Converter, NativeSource, ReportVersion, RunContext } from './types.ts';
import { REPORT_VERSIONS } from './types.ts';
import { toV01 } from './write-v01.ts';
import { toV02 } from './write-v02.ts';
import { LlmdbenchError } from '../../util/errors.ts';

export interface RenderedReport {
  version: ReportVersion;
  fileName: string;
  report: Record<string, unknown>;
  common: CommonReport;
}

/** The converter whose native files are in `dir`, and those files; undefined when none. */
export function detectHarness(dir: string): { converter: Converter; sources: NativeSource[] } | undefined {
  for (const c of converters.all()) {
    const sources = c.find(dir);
    if (sources.length > 0) return { converter: c, sources };
  }
  return undefined;
}

/** The converter for one native file: `-w` when given, else the one that claims it. */
export function converterForFile(file: string, harness?: string): Converter {
  if (harness) return converterFor(harness);
  const c = converters.all().find((x) => x.claims(file));
  if (!c) {
    throw new LlmdbenchError('E_REPORT_UNKNOWN_NATIVE', `cannot tell which harness wrote ${basename(file)}`, {
      hint: `name it with -w (${converters.kinds().join(', ')})`,
      location: { file },
    });
  }
  return c;
}

/** Which versions a CommonReport can be written as (nop: v0.1 only; fmperf: v0.2+ only). */
export function versionsFor(c: CommonReport, wanted: readonly ReportVersion[] = REPORT_VERSIONS): ReportVersion[] {
  return wanted.filter((v) => !(c.v01Only && v !== '0.1') && !(c.v02Only && v === '0.1'));
}

export function render(c: CommonReport, ctx: RunContext, version: ReportVersion): Record<string, unknown> {
  return version === '0.1' ? toV01(c, ctx) : toV02(c, ctx, version);
}

export function renderAll(commons: readonly CommonReport[], ctx: RunContext, wanted: readonly ReportVersion[] = REPORT_VERSIONS): RenderedReport[] {
  const out: RenderedReport[] = [];
  for (const c of commons) {
    for (const version of versionsFor(c, wanted)) {
      out.push({ version, fileName: reportFileName(version, c.nativeFile, c.index), report: render(c, ctx, version), common: c });
    }
  }
  return out;
}

/** Read one native file (any harness) into CommonReports; `forceSession`: an inference-perf session lifecycle file (upstream's -s). */
export function readNativeFile(file: string, ctx: RunContext, harness?: string, forceSession = false): CommonReport[] {
  const conv = converterForFile(file, forceSession ? (harness ?? 'inference-perf') : harness);
  const session = forceSession || /_session_lifecycle_metrics\.json$/.test(file);
  if (forceSession) return conv.convert({ file: resolve(file), session }, ctx);
  const abs = resolve(file);
  const src = conv.find(dirname(abs)).find((s) => resolve(s.file) === abs) ?? { file: abs, session };
  return conv.convert(src, ctx);
}
