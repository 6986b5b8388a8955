/**
 * Goodput of a results directory from its raw records (records.jsonl, written by
 * every harness on our engine): for the whole run and per stage, under the SLOs of
 * `--slo` merged over the profile's own. Written as goodput.json next to the reports.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import { readRecords } from '../../engine/record/reader.ts';
import { goodput, type Goodput, type Slo } from '../../metrics/slo.ts';
import { RECORDS_FILE } from '../../metrics/seed-summary.ts';

export const GOODPUT_FILE = 'goodput.json';

export interface GoodputReport {
  all: Goodput;
  stages: (Goodput & { stage: number })[];
}

export function goodputOf(records: readonly RequestRecord[], slo: Slo): GoodputReport {
  const byStage = new Map<number, RequestRecord[]>();
  for (const r of records) {
    let a = byStage.get(r.stage);
    if (!a) byStage.set(r.stage, (a = []));
    a.push(r);
  }
  return {
    all: goodput(records, slo),
    stages: [...byStage.entries()].sort((a, b) => a[0] - b[0]).map(([stage, rs]) => ({ stage, ...goodput(rs, slo) })),
  };
}

/** Compute and write goodput.json; undefined when there are no records or no SLO. */
export async function writeGoodput(resultsDir: string, outDir: string, slo: Slo): Promise<GoodputReport | undefined> {
  const file = join(resultsDir, RECORDS_FILE);
  if (Object.keys(slo).length === 0 || !existsSync(file)) return undefined;
  const records = await readRecords(file);
  if (records.length === 0) return undefined;
  const g = goodputOf(records, slo);
  writeFileSync(join(outDir, GOODPUT_FILE), `${JSON.stringify(g, null, 2)}\n`);
  return g;
}

export function formatGoodput(g: Goodput): string {
  const slo = Object.entries(g.slo)
    .map(([k, v]) => `${k}≤${v}ms`)
    .join(' ');
  return `goodput (${slo}): ${g.good}/${g.total} requests = ${(g.share * 100).toFixed(1)} %, ${g.ratePerS.toFixed(3)} req/s`;
}
