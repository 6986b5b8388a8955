/**
 * Per-request values of the merged reports under the producing harness's own definitions
 * (docs/metrics.md §3, §5, §5a, §6), so a merged report reads like the generators' own reports
 * of the same harness: one small plugin per harness kind in a Registry; a kind without its own
 * (nop sends nothing) uses inference-perf's. Seconds throughout.
 */
import type { RequestRecord } from '../../engine/types.ts';
import { glRequest } from '../../metrics/guidellm.ts';
import { inferencePerfRequest } from '../../metrics/inference-perf.ts';
import { inputTokens, outputTokens } from '../../metrics/tokens.ts';
import { choiceTimes, vllmOutputTokens, vllmSuccess } from '../../metrics/vllm-bench.ts';
import { Registry } from '../../util/registry.ts';
import { lmbenchCsvRows, type RecordFilter } from './report-rows.ts';

export interface RequestValues {
  /** Counted as a success by this harness (else a failure, or incomplete: no other value is used). */
  ok: boolean;
  /** Not a success and not a failure either: cut off (GuideLLM's `incomplete`: cancelled at a limit). */
  incomplete?: boolean;
  latencyS?: number;
  ttftS?: number;
  tpotS?: number;
  ntpotS?: number;
  /** Inter-token latencies this request contributes (pooled per gap, or one per request). */
  itlS: readonly number[];
  inputTokens: number;
  outputTokens: number;
}

export interface PerRequestDefinitions {
  readonly kind: string;
  values(r: RequestRecord): RequestValues;
  /**
   * The records of one generator its harness's own report counts, when not every measured record
   * (fmperf: its CSV rows, report-rows.ts); undefined: all. Records outside are left out of the
   * merged report entirely (not failures), so its counts are the sum of the generators' reports.
   */
  reportFilter?(resultsDir: string): RecordFilter | undefined;
}

const FAILED: RequestValues = { ok: false, itlS: [], inputTokens: 0, outputTokens: 0 };
const INCOMPLETE: RequestValues = { ...FAILED, incomplete: true };

const inferencePerf: PerRequestDefinitions = {
  kind: 'inference-perf',
  values(r) {
    if (r.error) return FAILED;
    const m = inferencePerfRequest(r);
    return { ok: true, latencyS: m.latencyS, ttftS: m.ttftS, tpotS: m.tpotS, ntpotS: m.ntpotS, itlS: m.itlS ?? [], inputTokens: m.inputTokens, outputTokens: m.outputTokens };
  },
};

/** vllm bench serve: TTFT/latency by the choice chunks, TPOT = (E2EL − TTFT)/(out − 1), ITL per chunk gap. */
function vllmValues(r: RequestRecord): RequestValues {
  if (!vllmSuccess(r)) return FAILED;
  const out = vllmOutputTokens(r);
  const t = r.stream === false ? [] : choiceTimes(r);
  const e2el = ((t.length ? t[t.length - 1]! : r.endAtMs) - r.sentAtMs) / 1000;
  const ttft = t.length ? (t[0]! - r.sentAtMs) / 1000 : e2el;
  const itl: number[] = [];
  for (let i = 1; i < t.length; i++) itl.push((t[i]! - t[i - 1]!) / 1000);
  return { ok: true, latencyS: e2el, ttftS: ttft, ...(out > 1 ? { tpotS: (e2el - ttft) / (out - 1) } : {}), itlS: itl, inputTokens: inputTokens(r), outputTokens: out };
}

/** GuideLLM: per-request TTFT, TPOT = (last − start)/out, ITL = one mean gap per request; cancelled = incomplete. */
function guidellmValues(r: RequestRecord): RequestValues {
  const q = glRequest(r);
  if (q.status === 'incomplete') return INCOMPLETE;
  if (q.status !== 'successful') return FAILED;
  return {
    ok: true,
    ...(q.latencyS !== undefined ? { latencyS: q.latencyS } : {}),
    ...(q.ttftMs !== undefined ? { ttftS: q.ttftMs / 1000 } : {}),
    ...(q.tpotMs !== undefined ? { tpotS: q.tpotMs / 1000 } : {}),
    itlS: q.itlMs !== undefined ? [q.itlMs / 1000] : [],
    inputTokens: q.promptTokens ?? 0,
    outputTokens: q.outputTokens ?? 0,
  };
}

/** LMBenchmark (fmperf): TTFT to the first chunk, TPOT = (latency − TTFT)/(tokens − 1), ITL = TPOT. */
function lmbenchValues(r: RequestRecord): RequestValues {
  if (r.error) return FAILED;
  const out = outputTokens(r);
  const first = r.chunkTimesMs[0];
  const latency = (r.endAtMs - r.sentAtMs) / 1000;
  const ttft = first !== undefined ? (first - r.sentAtMs) / 1000 : 0;
  const tpot = out > 1 ? (latency - ttft) / (out - 1) : undefined;
  return { ok: true, latencyS: latency, ttftS: ttft, ...(tpot !== undefined ? { tpotS: tpot } : {}), itlS: tpot !== undefined ? [tpot] : [], inputTokens: inputTokens(r), outputTokens: out };
}

export const perRequestDefinitions = new Registry<string, PerRequestDefinitions>('merged per-request definitions')
  .register(inferencePerf)
  .register({ kind: 'vllm-benchmark', values: vllmValues })
  .register({ kind: 'inferencemax', values: vllmValues })
  .register({ kind: 'guidellm', values: guidellmValues })
  .register({ kind: 'fmperf', values: lmbenchValues, reportFilter: lmbenchCsvRows });

/** The definitions of `kind`, else inference-perf's. */
export function perRequestFor(kind: string | undefined): PerRequestDefinitions {
  return kind !== undefined && perRequestDefinitions.has(kind) ? perRequestDefinitions.get(kind) : inferencePerf;
}
