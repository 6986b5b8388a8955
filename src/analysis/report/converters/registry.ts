/**
 * The converters, keyed by harness kind (upstream's `-w` values). Generic code
 * asks the registry: `detectHarness` tries each converter's `find`, `report
 * convert` without -w asks each converter whether it `claims` the file.
 */
import { Registry } from '../../../util/registry.ts';
import type { Converter } from '../types.ts';
import { fmperfConverter } from './fmperf.ts';
import { guidellmConverter } from './guidellm.ts';
import { inferencePerfConverter } from './inference-perf.ts';
import { nopConverter } from './nop.ts';
import { inferencemaxConverter, vllmBenchmarkConverter } from './vllm-benchmark.ts';

export const converters = new Registry<string, Converter>('report converter')
  .register(inferencePerfConverter)
  .register(guidellmConverter)
  .register(vllmBenchmarkConverter)
  .register(inferencemaxConverter)
  .register(fmperfConverter)
  .register(nopConverter);

/** The converter for a kind or one of its aliases (e.g. `vllm` → vllm-benchmark). */
export function converterFor(kind: string): Converter {
  const byAlias = converters.all().find((c) => c.aliases?.includes(kind));
  return byAlias ?? converters.get(kind);
}
