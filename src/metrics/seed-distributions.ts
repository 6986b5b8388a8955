/**
 * The seed's latency metrics and token counts as full distributions (the report's
 * Statistics: mean, stddev, mode, min, max, p0.1 … p99.9), in ms, computed from
 * the records with inference-perf's definitions (docs/metrics.md §3, §8): what a
 * report or plot built from records (not a harness's native file) shows.
 */
import type { RequestRecord } from '../engine/types.ts';
import { distribution, type Distribution } from './distribution.ts';
import { inferencePerfRequest, type InferencePerfOptions } from './inference-perf.ts';

export interface SeedDistributions {
  ttftMs?: Distribution;
  tpotMs?: Distribution;
  requestLatencyMs?: Distribution;
  ntpotMs?: Distribution;
  /** Every inter-token gap, pooled across requests. */
  itlMs?: Distribution;
  inputTokens?: Distribution;
  outputTokens?: Distribution;
}

export function seedDistributions(records: readonly RequestRecord[], o: InferencePerfOptions = {}): SeedDistributions {
  const ttft: number[] = [];
  const tpot: number[] = [];
  const lat: number[] = [];
  const ntpot: number[] = [];
  const itl: number[] = [];
  const inTok: number[] = [];
  const outTok: number[] = [];
  for (const r of records) {
    if (r.error) continue;
    const m = inferencePerfRequest(r, o);
    lat.push(m.latencyS * 1000);
    ntpot.push(m.ntpotS * 1000);
    inTok.push(m.inputTokens);
    outTok.push(m.outputTokens);
    if (m.ttftS !== undefined) ttft.push(m.ttftS * 1000);
    if (m.tpotS !== undefined) tpot.push(m.tpotS * 1000);
    if (m.itlS) for (const x of m.itlS) itl.push(x * 1000);
  }
  return {
    ttftMs: distribution(ttft),
    tpotMs: distribution(tpot),
    requestLatencyMs: distribution(lat),
    ntpotMs: distribution(ntpot),
    itlMs: distribution(itl),
    inputTokens: distribution(inTok),
    outputTokens: distribution(outTok),
  };
}
