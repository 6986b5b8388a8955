import type { RequestRecord } from '../engine/types.ts';
import { weightedSummary, type WeightedSummary } from './stats.ts';
import { inputTokens } from './tokens.ts';

/**
 * GuideLLM definitions (harness-formats §3.5–3.6), successful requests, ms:
 * TTFT = first token iteration − start; TPOT = (last iteration − start)/out,
 * weighted by out; ITL = (last − first)/(out − 1) per request, weighted by
 * out − 1; output tokens = server usage, else the number of token iterations.
 * Percentiles are weighted nearest-rank. Rates are window averages
 * (Σ / (window end − window start)); the window defaults to first send → last end.
 * Token iterations are our content chunks (reasoning/tool deltas are not kept).
 */
export interface GuidellmMetrics {
  successful: number;
  errored: number;
  incomplete: number;
  requestLatencyMs: WeightedSummary;
  ttftMs: WeightedSummary;
  tpotMs: WeightedSummary;
  itlMs: WeightedSummary;
  requestsPerS: number;
  outputTokensPerS: number;
  promptTokensPerS: number;
  tokensPerS: number;
}

export function guidellmMetrics(records: readonly RequestRecord[], window?: { startMs: number; endMs: number }): GuidellmMetrics {
  const lat: number[] = [];
  const ttft: number[] = [];
  const tpot: number[] = [];
  const tpotW: number[] = [];
  const itl: number[] = [];
  const itlW: number[] = [];
  let ok = 0;
  let errored = 0;
  let incomplete = 0;
  let outTot = 0;
  let inTot = 0;
  let s = Infinity;
  let e = -Infinity;
  for (const r of records) {
    s = Math.min(s, r.sentAtMs);
    e = Math.max(e, r.endAtMs);
    if (r.error) {
      if (r.error.label === 'aborted') incomplete++;
      else errored++;
      continue;
    }
    ok++;
    const iters = r.chunkTimesMs.length;
    const out = r.completionTokensServer ?? iters;
    outTot += out;
    inTot += inputTokens(r);
    lat.push(r.endAtMs - r.sentAtMs);
    if (iters === 0) continue;
    const first = r.chunkTimesMs[0]!;
    const last = r.chunkTimesMs[iters - 1]!;
    ttft.push(first - r.sentAtMs);
    if (out > 0) {
      tpot.push((last - r.sentAtMs) / out);
      tpotW.push(out);
    }
    if (out > 1) {
      itl.push((last - first) / (out - 1));
      itlW.push(out - 1);
    }
  }
  const w = window ?? { startMs: s, endMs: e };
  const span = (w.endMs - w.startMs) / 1000;
  const per = (x: number): number => (span > 0 ? x / span : 0);
  return {
    successful: ok,
    errored,
    incomplete,
    requestLatencyMs: weightedSummary(lat),
    ttftMs: weightedSummary(ttft),
    tpotMs: weightedSummary(tpot, tpotW),
    itlMs: weightedSummary(itl, itlW),
    requestsPerS: per(ok),
    outputTokensPerS: per(outTot),
    promptTokensPerS: per(inTot),
    tokensPerS: per(inTot + outTot),
  };
}
