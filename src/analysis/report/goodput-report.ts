/**
 * Goodput of a results directory from its raw records (records.jsonl, written by
 * every harness on our engine): for the whole run and per stage, under the SLOs of
 * `--slo` merged over the profile's own (records read with the project's one record reader).
 * Written as goodput.json next to the reports.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import { forEachRecordStrict } from '../../engine/record/reader.ts';
import { GoodputAccumulator, goodputBlock, type Goodput, type Slo } from '../../metrics/slo.ts';
import { isWarmup } from '../../metrics/warmup.ts';
import type { CommonReport } from './types.ts';

export const GOODPUT_FILE = 'goodput.json';

export interface GoodputReport {
  all: Goodput;
  stages: (Goodput & { stage: number })[];
}

/** Goodput for the run and per stage, fed one record at a time (memory: counters only); warm-up requests are left out, as from every metric. */
export function goodputCollector(slo: Slo): { add(r: RequestRecord): void; result(): GoodputReport | undefined } {
  const all = new GoodputAccumulator(slo);
  const stages = new Map<number, GoodputAccumulator>();
  return {
    add(r: RequestRecord): void {
      if (isWarmup(r)) return;
      all.add(r);
      let s = stages.get(r.stage);
      if (!s) stages.set(r.stage, (s = new GoodputAccumulator(slo)));
      s.add(r);
    },
    result(): GoodputReport | undefined {
      const total = all.result();
      if (total.total === 0) return undefined;
      return {
        all: total,
        stages: [...stages.entries()].sort((a, b) => a[0] - b[0]).map(([stage, acc]) => ({ stage, ...acc.result() })),
      };
    },
  };
}

/** Goodput for the run and per stage; takes any (async) iterable of records. */
export async function goodputOf(records: AsyncIterable<RequestRecord> | Iterable<RequestRecord>, slo: Slo): Promise<GoodputReport | undefined> {
  const c = goodputCollector(slo);
  for await (const r of records) c.add(r);
  return c.result();
}

/** Goodput of a records file, streamed (1M-record runs: never every record in memory); undefined without records or SLO. */
export async function goodputOfFile(file: string, slo: Slo): Promise<GoodputReport | undefined> {
  if (Object.keys(slo).length === 0 || !existsSync(file)) return undefined;
  const c = goodputCollector(slo);
  await forEachRecordStrict(file, (r) => c.add(r));
  return c.result();
}

/** Write goodput.json into `outDir`; returns its path. */
export function writeGoodputFile(outDir: string, g: GoodputReport): string {
  const f = join(outDir, GOODPUT_FILE);
  writeFileSync(f, `${JSON.stringify(g, null, 2)}\n`);
  return f;
}

export function formatGoodput(g: Goodput): string {
  const slo = Object.entries(g.slo)
    .map(([k, v]) => `${k}≤${v}ms`)
    .join(' ');
  return `goodput (${slo}): ${g.good}/${g.total} requests = ${(g.share * 100).toFixed(1)} %, ${g.ratePerS.toFixed(3)} req/s`;
}

/**
 * Each report with its stage's goodput. Records number stages as the load ran them; a harness's
 * reports may number them otherwise (fmperf: one CSV per rate, its warm-up stages left out): by
 * stage number when every report's stage has goodput, else by position when the counts agree,
 * else one report of the whole run gets the run's; otherwise none (never a wrong stage's).
 */
export function withGoodput(commons: readonly CommonReport[], g: GoodputReport | undefined): CommonReport[] {
  if (!g) return [...commons];
  const stages = [...new Set(commons.map((c) => c.load.stage))].sort((a, b) => a - b);
  const byStage = new Map(g.stages.map((s) => [s.stage, s]));
  let pick: ((stage: number) => Goodput | undefined) | undefined;
  if (stages.every((s) => byStage.has(s))) pick = (s) => byStage.get(s);
  else if (stages.length === g.stages.length) pick = (s) => g.stages[stages.indexOf(s)];
  else if (stages.length === 1) pick = () => g.all;
  if (!pick) return [...commons];
  return commons.map((c) => {
    const x = pick!(c.load.stage);
    return x ? { ...c, goodput: goodputBlock(x) } : c;
  });
}
