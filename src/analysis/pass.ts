/**
 * The analysis step's one pass over records.jsonl: every record is read once (streamed: one
 * 1 MiB read and one record at a time, never the file or the records) and handed to everything
 * that needs it — the summary under the producing harness's definitions (its accumulator: compact
 * numeric columns), the failure labels, goodput under the SLOs, and the plots' data (histograms,
 * time bins, per-stage points). The reporters then work from these results (docs/performance.md).
 * Several files (`-j N` merges) are one stream, file after file.
 */
import { forEachRecord, type BadRecordLine } from '../engine/record/reader.ts';
import type { RequestRecord } from '../engine/types.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import { goodputBlock, type Slo } from '../metrics/slo.ts';
import { plotDataCollector, type PlotData } from './plots/collect.ts';
import { goodputCollector, type GoodputReport } from './report/goodput-report.ts';
import { summarizeRecordStream, summaryKeepsRecords } from './summary.ts';

export interface PassOptions {
  /** The producing harness's definitions; default inference-perf's. */
  definitions?: MetricDefinitionSet;
  /** Goodput under these bounds (none: no goodput). */
  slo?: Slo;
  /** Collect the plots' data too (per-stage requested rates from loadgen_health.json when known). */
  plots?: { requestedRates: Record<number, number> };
}

export interface PassResult {
  summary: ResultSummary;
  /** Lines that were not records, in file order. */
  bad: BadRecordLine[];
  goodput?: GoodputReport;
  plotData?: PlotData;
}

/** Records files read in order, or a source that streams records itself (the `-j` merge: records shifted onto one clock), reporting bad lines into `bad`. */
export type PassSource = readonly string[] | ((sink: (r: RequestRecord) => void, bad: BadRecordLine[]) => Promise<void>);

export async function recordsPass(name: string, source: PassSource, complete: boolean, o: PassOptions = {}): Promise<PassResult> {
  const bad: BadRecordLine[] = [];
  const good = o.slo && Object.keys(o.slo).length > 0 ? goodputCollector(o.slo) : undefined;
  const plots = o.plots ? plotDataCollector(name, o.plots.requestedRates) : undefined;
  // One reused record object for every line (no allocation per record) when nothing keeps
  // records: the summary's accumulator, goodput and the plots' data read each and keep numbers.
  const reuse = !summaryKeepsRecords(o.definitions);
  const summary = await summarizeRecordStream(
    name,
    async (sink) => {
      const each =
        good || plots
          ? (r: RequestRecord): void => {
              sink(r);
              good?.add(r);
              plots?.add(r);
            }
          : sink;
      if (typeof source === 'function') await source(each, bad);
      else for (const f of source) await forEachRecord(f, each, bad, { reuse });
    },
    complete,
    o.definitions,
  );
  const goodput = good?.result();
  if (goodput) summary.goodput = goodputBlock(goodput.all);
  return { summary, bad, ...(goodput ? { goodput } : {}), ...(plots ? { plotData: plots.result() } : {}) };
}
