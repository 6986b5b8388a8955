/**
 * Goodput of a results directory from its raw records (records.jsonl, written by
 * every harness on our engine): for the whole run and per stage, under the SLOs of
 * `--slo` merged over the profile's own (records read with the project's one record reader).
 * Written as goodput.json next to the reports.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import { readRecords } from '../../engine/record/reader.ts';
import { GoodputAccumulator, type Goodput, type Slo } from '../../metrics/slo.ts';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';

export const GOODPUT_FILE = 'goodput.json';

export interface GoodputReport {
  all: Goodput;
  stages: (Goodput & { stage: number })[];
}

/** Goodput for the run and per stage; takes any (async) iterable of records. */
export async function goodputOf(records: AsyncIterable<RequestRecord> | Iterable<RequestRecord>, slo: Slo): Promise<GoodputReport | undefined> {
  const all = new GoodputAccumulator(slo);
  const stages = new Map<number, GoodputAccumulator>();
  for await (const r of records) {
    all.add(r);
    let s = stages.get(r.stage);
    if (!s) stages.set(r.stage, (s = new GoodputAccumulator(slo)));
    s.add(r);
  }
  const total = all.result();
  if (total.total === 0) return undefined;
  return {
    all: total,
    stages: [...stages.entries()].sort((a, b) => a[0] - b[0]).map(([stage, acc]) => ({ stage, ...acc.result() })),
  };
}

/** Compute and write goodput.json; undefined when there are no records or no SLO. */
export async function writeGoodput(resultsDir: string, outDir: string, slo: Slo): Promise<GoodputReport | undefined> {
  const file = join(resultsDir, RECORDS_FILE);
  if (Object.keys(slo).length === 0 || !existsSync(file)) return undefined;
  const g = await goodputOf(await readRecords(file), slo);
  if (g) writeFileSync(join(outDir, GOODPUT_FILE), `${JSON.stringify(g, null, 2)}\n`);
  return g;
}

export function formatGoodput(g: Goodput): string {
  const slo = Object.entries(g.slo)
    .map(([k, v]) => `${k}≤${v}ms`)
    .join(' ');
  return `goodput (${slo}): ${g.good}/${g.total} requests = ${(g.share * 100).toFixed(1)} %, ${g.ratePerS.toFixed(3)} req/s`;
}
