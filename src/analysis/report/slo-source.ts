/**
 * The SLOs a workload profile declares itself, per harness: inference-perf's
 * `report.goodput.constraints` (seconds) and vllm bench's `goodput`
 * ("ttft:200 tpot:50", ms). Merged under `--slo` (the command line wins).
 */
import { plain } from './pyjson.ts';
import { sloFromInferencePerf, sloFromVllmBench, type Slo } from '../../metrics/slo.ts';

type Obj = Record<string, unknown>;

const READERS: Record<string, (config: Obj) => Slo> = {
  'inference-perf': (c) => sloFromInferencePerf(((c['report'] as Obj | undefined)?.['goodput'] as Obj | undefined)?.['constraints'] as Obj | undefined),
  'vllm-benchmark': (c) => sloFromVllmBench(c['goodput'] as string | string[] | undefined).slo,
  inferencemax: (c) => sloFromVllmBench(c['goodput'] as string | string[] | undefined).slo,
};

export function sloFromProfile(harness: string, config: unknown): Slo {
  const read = READERS[harness];
  if (!read || !config || typeof config !== 'object') return {};
  return read(plain(config) as Obj);
}
