/**
 * The reporter plugin family: what the analysis step leaves behind for one result directory
 * and for a whole work directory (summary, plots, HTML report, benchmark reports...). Each
 * reporter is registered once (registry.ts); the analysis step runs them all in registration
 * order, so a reporter may read the files an earlier one wrote (the HTML report inlines the plots).
 */
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import type { Logger } from '../../util/logger.ts';
import type { PlotData } from '../plots/collect.ts';
import type { ClockAnchorFile } from '../merged/clock.ts';

/** Where a result's -f scrape is and the clock that puts it on the records' time base. */
export interface ServerScrape {
  /** The results directory holding `metrics/`. */
  resultsDir: string;
  /** Its clock anchor on the records' time base (undefined: none recorded; the first scrape is t = 0). */
  clock?: ClockAnchorFile;
}

export interface ResultReportContext {
  /** The result directory's name (its folder name). */
  name: string;
  resultsDir: string;
  /** Where this result's analysis files go (exists). */
  analysisDir: string;
  summary: ResultSummary;
  /** The plot data, when the analysis step's single pass over records.jsonl collected it (else the plots reporter reads the records). */
  plotData?: PlotData;
  /** -f: the scrape to plot, when not `resultsDir`'s own on its own clock (-j N merged: one generator's, shifted onto the merged base). */
  server?: ServerScrape;
  log?: Logger;
}

export interface WorkDirResult {
  resultsDir: string;
  analysisDir: string;
  summary: ResultSummary;
}

export interface WorkDirReportContext {
  workDir: string;
  /** `<workDir>/analysis` (exists). */
  analysisRoot: string;
  /** Every analysed result directory, in name order. */
  results: WorkDirResult[];
  log?: Logger;
}

export interface Reporter {
  readonly kind: string;
  description: string;
  /** A failure of a required reporter fails the analysis; any other is warned and skipped. */
  required?: boolean;
  /** Takes seconds (plots, HTML): skipped when the run was interrupted, so Ctrl-C exits fast; `-z` draws them later. */
  slow?: boolean;
  /** Write this reporter's files for one result directory; returns the paths written. */
  forResult?(ctx: ResultReportContext): Promise<string[]> | string[];
  /** Write this reporter's files for the work directory; returns the paths written. */
  forWorkDir?(ctx: WorkDirReportContext): Promise<string[]> | string[];
}
