/** The harness plugins, keyed by kind (the directory names under workload/profiles/). */
import { Registry } from '../util/registry.ts';
import type { HarnessKind, HarnessPlugin } from './types.ts';
import { inferencePerf } from './inference-perf/index.ts';
import { guidellm } from './guidellm/index.ts';
import { vllmBenchmark } from './vllm-benchmark/index.ts';
import { inferencemax } from './inferencemax/index.ts';
import { fmperf } from './fmperf/index.ts';
import { nop } from './nop/index.ts';

export const harnesses: Registry<HarnessKind, HarnessPlugin> = new Registry<HarnessKind, HarnessPlugin>('harness')
  .register(inferencePerf)
  .register(guidellm)
  .register(vllmBenchmark)
  .register(inferencemax)
  .register(fmperf)
  .register(nop);
