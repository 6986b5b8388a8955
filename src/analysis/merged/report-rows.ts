/**
 * Which of a generator's records its harness's own report counts, when that is not "every
 * measured record": fmperf's report is its LMBenchmark CSVs, which hold the successes that
 * finished before the run's cutoff (one tick after `test_duration`; harness/fmperf/run.ts) and
 * nothing else. A record is one of those rows when its launch and finish times, on the
 * generator's wall clock (its clock anchor in loadgen_health.json, the same expression the
 * harness wrote the CSV with), are a row's `launch_time` and `finish_time`: the CSV floats are
 * Python reprs (shortest round trip), so the comparison is exact. The merged report then counts
 * exactly the rows of the generators' reports (counts add up), with percentiles over them.
 */
import { readFileSync } from 'node:fs';
import type { RequestRecord } from '../../engine/types.ts';
import { isWarmup } from '../../metrics/warmup.ts';
import { fmperfConverter, readCsv } from '../report/converters/fmperf.ts';
import { readClockAnchor } from './clock.ts';

/** True for a record the generator's own report counts (evaluated on the generator's own clock, before any shift). */
export type RecordFilter = (r: RequestRecord) => boolean;

/** fmperf: the records that are rows of the generator's CSVs; undefined (count every record) without CSVs or a clock anchor. */
export function lmbenchCsvRows(resultsDir: string): RecordFilter | undefined {
  const sources = fmperfConverter.find(resultsDir);
  const anchor = readClockAnchor(resultsDir);
  if (!sources.length || !anchor) return undefined;
  const rows = new Set<string>();
  for (const s of sources) {
    const c = readCsv(readFileSync(s.file, 'utf8'));
    const launch = c['launch_time'] ?? [];
    const finish = c['finish_time'] ?? [];
    for (let i = 0; i < launch.length; i++) rows.add(`${launch[i]}|${finish[i]}`);
  }
  // util/clock.ts toEpochMs, then seconds: the harness's expression for launch_time / finish_time.
  const epochS = (mono: number): number => (anchor.epoch_ms + (mono - anchor.mono_ms)) / 1000;
  return (r) => !r.error && !isWarmup(r) && rows.has(`${epochS(r.sentAtMs)}|${epochS(r.endAtMs)}`);
}
