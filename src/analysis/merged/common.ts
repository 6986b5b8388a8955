/**
 * One merged stage as a CommonReport, so the same writers (report/write-v01.ts, write-v02.ts)
 * render it as every per-generator report is rendered. The load description, native config,
 * file name and units come from a generator's own report of that stage (the template: the
 * harness's converter on its native file); every number comes from the merged records:
 * counts summed, distributions over the concatenated per-request values, throughputs = Σ over
 * the stage's union window on the merged time base (docs/metrics.md §10).
 */
import { deltaString } from '../metadata.ts';
import { fromValues } from '../report/stats-map.ts';
import type { GoodputBlock } from '../../metrics/slo.ts';
import type { CommonReport, Stats } from '../report/types.ts';
import type { StageValues } from './accumulate.ts';
import { mergeMultimodal } from './summaries.ts';

export interface MergedStageInput {
  stage: number;
  values: StageValues;
  /** A generator's report of this stage (undefined: the generators wrote no native file the converters read). */
  template?: CommonReport;
  /** Another stage's template, when this stage has none: the harness's report flags (versions) come from it. */
  like?: CommonReport;
  /** Harness kind when there is no template (run_metadata.yaml `harness_name`). */
  harness: string;
  /** Epoch ms = merged-base ms + this; undefined when no clock anchor was recorded. */
  epochOffsetMs?: number;
  /** One line saying what was merged (report load metadata). */
  description: string;
  v01Metadata: Record<string, unknown>;
  /** Every generator's own report of this stage (multimodal summaries: summaries.ts). */
  parts?: readonly CommonReport[];
  /** The stage's goodput over the merged records. */
  goodput?: GoodputBlock;
}

/** Units of a template statistic, else the default; the scale from seconds to those units. */
function unitsOf(t: Stats | undefined, dflt: string): { units: string; k: number } {
  const units = t?.units ?? dflt;
  return { units, k: units.startsWith('ms') ? 1000 : 1 };
}

function latency(values: Float64Array, t: Stats | undefined, dflt: string): Stats | undefined {
  const u = unitsOf(t, dflt);
  return fromValues(values, u.units, u.k);
}

function rate(v: number, t: Stats | undefined, units: string): Stats {
  return { units: t?.units ?? units, mean: v };
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export function mergedCommon(m: MergedStageInput): CommonReport {
  const v = m.values;
  const t = m.template;
  const windowS = v.windowS();
  const per = (x: number): number => (windowS > 0 ? x / windowS : 0);
  const ok = v.total - v.failures - v.incomplete;
  const time =
    m.epochOffsetMs !== undefined && v.total > 0
      ? { start: iso(v.minSentMs + m.epochOffsetMs), end: iso(v.maxEndMs + m.epochOffsetMs), duration: deltaString(windowS) }
      : undefined;
  const media = mergeMultimodal(m.parts ?? [], windowS);
  const requests = {
    total: v.total,
    failures: v.failures,
    ...(v.incomplete > 0 || (t?.requests.incomplete ?? null) !== null ? { incomplete: v.incomplete } : {}),
    inputLength: fromValues(v.inputLen.view(), 'count'),
    outputLength: fromValues(v.outputLen.view(), 'count'),
    // v0.2.1: the request body sizes from the records, where the generators' reports have them.
    ...(t?.requests.requestSize ? { requestSize: fromValues(v.requestBytes.view(), t.requests.requestSize.units) } : {}),
    ...(media.multimodal ? { multimodal: media.multimodal } : {}),
  };
  const tl = t?.latency;
  const tt = t?.throughput;
  const base: CommonReport = t
    ? { ...t }
    : {
        harness: m.like?.harness ?? m.harness,
        // One file per stage: `benchmark_report…,_records.jsonl_<stage>.yaml`.
        nativeFile: 'records.jsonl',
        index: m.stage,
        ...(m.like?.v01Only ? { v01Only: true } : {}),
        ...(m.like?.v02Only ? { v02Only: true } : {}),
        v01Time: { duration: 0 },
        load: { stage: m.stage, source: 'unknown', inputSeqLen: { distribution: 'other', value: requests.inputLength?.mean ?? 0 } },
        native: {},
        cfgIdOf: 'config',
        requests,
        latency: {},
        throughput: {},
      };
  // Per-generator pieces that no longer describe the merged whole.
  for (const k of ['v01Requests', 'sessions', 'mediaRates', 'time', 'v01LatencyUnits', 'goodput'] as const) delete base[k];
  return {
    ...base,
    // The stage as the generators' reports number it (fmperf: its CSV's, not the records' stage).
    load: { ...base.load, stage: t ? t.load.stage : m.stage },
    ...(media.mediaRates ? { mediaRates: media.mediaRates } : {}),
    ...(m.goodput ? { goodput: m.goodput } : {}),
    allFailed: v.total > 0 && ok === 0,
    ...(time ? { time } : {}),
    v01Time: { duration: windowS, ...(time ? { start: (v.minSentMs + m.epochOffsetMs!) / 1000, stop: (v.maxEndMs + m.epochOffsetMs!) / 1000 } : {}) },
    v01LoadMetadata: { ...(base.v01LoadMetadata ?? {}), ...m.v01Metadata },
    loadDescription: m.description,
    requests,
    latency: {
      ttft: latency(v.ttftS.view(), tl?.ttft, 's'),
      tpot: latency(v.tpotS.view(), tl?.tpot, 's/token'),
      itl: latency(v.itlS.view(), tl?.itl, 's/token'),
      ntpot: latency(v.ntpotS.view(), tl?.ntpot, 's/token'),
      requestLatency: latency(v.latencyS.view(), tl?.requestLatency, 's'),
    },
    throughput: {
      inputTokenRate: rate(per(v.inputTokens), tt?.inputTokenRate, 'tokens/s'),
      outputTokenRate: rate(per(v.outputTokens), tt?.outputTokenRate, 'tokens/s'),
      totalTokenRate: rate(per(v.inputTokens + v.outputTokens), tt?.totalTokenRate, 'tokens/s'),
      requestRate: rate(per(ok), tt?.requestRate, 'queries/s'),
    },
  };
}
