import type { ErrorLabel, RequestRecord } from '../engine/types.ts';
import { summarize, type Summary } from './stats.ts';
import { inputTokens, outputTokens, tokenCountMismatch, tokenTimes } from './tokens.ts';

export interface InferencePerfOptions {
  /** Token timestamps: one per content chunk (default) or one per token at its chunk's time. */
  perToken?: boolean;
  /** Output count: server usage first (default; inference-perf's `use_server_output_tokens`) or client first. */
  outputTokens?: 'server' | 'client';
}

/** Per-request values, seconds, inference-perf definitions (§2.6). */
export interface InferencePerfRequest {
  id: number;
  latencyS: number;
  /** Streamed successes with more than one output timestamp only. */
  ttftS?: number;
  tpotS?: number;
  itlS?: number[];
  ntpotS: number;
  inputTokens: number;
  outputTokens: number;
}

export interface InferencePerfGroup {
  /** max(end) − min(start) over all requests of the group. */
  benchmarkTimeS: number;
  load: {
    count: number;
    /** sent − scheduled, seconds. */
    scheduleDelayS?: Summary;
    /** max(start) − min(start). */
    sendDurationS: number;
    /** count / sendDuration. */
    achievedRate: number;
  };
  successes: {
    count: number;
    latencyS: {
      requestLatency?: Summary;
      ttft?: Summary;
      tpot?: Summary;
      /** Pooled across requests. */
      itl?: Summary;
      ntpot?: Summary;
    };
    throughput: { inputTokensPerS: number; outputTokensPerS: number; totalTokensPerS: number; requestsPerS: number };
    inputTokens: { total: number; summary?: Summary };
    outputTokens: { total: number; summary?: Summary };
    tokenCountMismatches: number;
  };
  failures: {
    count: number;
    requestLatencyS?: Summary;
    byLabel: Partial<Record<ErrorLabel, number>>;
  };
}

/** Per-request metrics for one successful record (inference-perf §2.6). */
/** `withItl` false: no itlS array (callers that walk the gaps themselves, one record at a time). */
export function inferencePerfRequest(r: RequestRecord, o: InferencePerfOptions = {}, withItl = true): InferencePerfRequest {
  const latencyMs = r.endAtMs - r.sentAtMs;
  const out = outputTokens(r, o.outputTokens);
  const m: InferencePerfRequest = {
    id: r.id,
    latencyS: latencyMs / 1000,
    ntpotS: out > 0 ? latencyMs / 1000 / out : 0,
    inputTokens: inputTokens(r),
    outputTokens: out,
  };
  const times = tokenTimes(r, !o.perToken);
  if (times.length > 1) {
    const first = times[0]!;
    const last = times[times.length - 1]!;
    m.ttftS = (first - r.sentAtMs) / 1000;
    if (out > 1) m.tpotS = (last - first) / 1000 / (out - 1);
    if (withItl) {
      const itl: number[] = [];
      for (let i = 1; i < times.length; i++) itl.push((times[i]! - times[i - 1]!) / 1000);
      m.itlS = itl;
    }
  }
  return m;
}

/** One lifecycle group (summary, a stage, ...) with inference-perf's definitions. */
export function inferencePerfGroup(records: readonly RequestRecord[], o: InferencePerfOptions = {}): InferencePerfGroup {
  let minStart = Infinity;
  let maxStart = -Infinity;
  let maxEnd = -Infinity;
  const delays: number[] = [];
  const ok: InferencePerfRequest[] = [];
  const failLat: number[] = [];
  const byLabel: Partial<Record<ErrorLabel, number>> = {};
  let mismatches = 0;
  for (const r of records) {
    minStart = Math.min(minStart, r.sentAtMs);
    maxStart = Math.max(maxStart, r.sentAtMs);
    maxEnd = Math.max(maxEnd, r.endAtMs);
    delays.push((r.sentAtMs - r.scheduledAtMs) / 1000);
    if (r.error) {
      failLat.push((r.endAtMs - r.sentAtMs) / 1000);
      byLabel[r.error.label] = (byLabel[r.error.label] ?? 0) + 1;
      continue;
    }
    ok.push(inferencePerfRequest(r, o));
    if (tokenCountMismatch(r)) mismatches++;
  }
  const benchmarkTimeS = records.length ? (maxEnd - minStart) / 1000 : 0;
  const sendDurationS = records.length ? (maxStart - minStart) / 1000 : 0;
  const rate = (x: number): number => (benchmarkTimeS > 0 ? x / benchmarkTimeS : 0);
  let inTot = 0;
  let outTot = 0;
  const itl: number[] = [];
  for (const m of ok) {
    inTot += m.inputTokens;
    outTot += m.outputTokens;
    if (m.itlS) for (const x of m.itlS) itl.push(x);
  }
  const pick = (f: (m: InferencePerfRequest) => number | undefined): number[] => {
    const a: number[] = [];
    for (const m of ok) {
      const v = f(m);
      if (v !== undefined) a.push(v);
    }
    return a;
  };
  return {
    benchmarkTimeS,
    load: {
      count: records.length,
      scheduleDelayS: summarize(delays),
      sendDurationS,
      achievedRate: sendDurationS > 0 ? records.length / sendDurationS : 0,
    },
    successes: {
      count: ok.length,
      latencyS: {
        requestLatency: summarize(pick((m) => m.latencyS)),
        ttft: summarize(pick((m) => m.ttftS)),
        tpot: summarize(pick((m) => m.tpotS)),
        itl: summarize(itl),
        ntpot: summarize(pick((m) => m.ntpotS)),
      },
      throughput: {
        inputTokensPerS: rate(inTot),
        outputTokensPerS: rate(outTot),
        totalTokensPerS: rate(inTot + outTot),
        requestsPerS: rate(ok.length),
      },
      inputTokens: { total: inTot, summary: summarize(pick((m) => m.inputTokens)) },
      outputTokens: { total: outTot, summary: summarize(pick((m) => m.outputTokens)) },
      tokenCountMismatches: mismatches,
    },
    failures: { count: failLat.length, requestLatencyS: summarize(failLat), byLabel },
  };
}
