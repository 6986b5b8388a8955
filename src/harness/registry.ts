/**
 * The harness plugins, keyed by kind (the directory names under workload/profiles/). Only a
 * descriptor per harness is loaded here (kind, one line for listings); its implementation
 * (schema, mapping onto the engine, outputs) is imported by `harnesses.load(kind)` when a
 * command uses it, so `llmdbench run` loads only the harness it runs (start-up, issue 13 item 6).
 */
import { LazyRegistry } from '../util/registry.ts';
import type { HarnessKind, HarnessPlugin } from './types.ts';

export const harnesses: LazyRegistry<HarnessKind, HarnessPlugin> = new LazyRegistry<HarnessKind, HarnessPlugin>('harness')
  .register({
    kind: 'inference-perf',
    description: 'inference-perf (default): staged constant/poisson/concurrent load, random/shareGPT/shared-prefix/replay data',
    load: async () => (await import('./inference-perf/index.ts')).inferencePerf,
  })
  .register({
    kind: 'guidellm',
    description: 'GuideLLM: v0.7 scenarios (spec/benchmarks) or the legacy flat form; concurrent, constant, poisson, sweep profiles',
    load: async () => (await import('./guidellm/index.ts')).guidellm,
  })
  .register({
    kind: 'vllm-benchmark',
    description: 'vllm bench serve: flat kebab-case options (random, sharegpt, sonnet, custom datasets; rate or max concurrency)',
    load: async () => (await import('./vllm-benchmark/index.ts')).vllmBenchmark,
  })
  .register({
    kind: 'inferencemax',
    description: 'InferenceMAX benchmark_serving.py: vllm-bench options plus the executable to run',
    load: async () => (await import('./inferencemax/index.ts')).inferencemax,
  })
  .register({
    kind: 'fmperf',
    description: 'fmperf / LMBenchmark multi-round QA: users x rounds at a sweep of QPS values',
    load: async () => (await import('./fmperf/index.ts')).fmperf,
  })
  .register({
    kind: 'nop',
    description: 'no load: measures model load time from the vLLM log (standalone deployments)',
    load: async () => (await import('./nop/index.ts')).nop,
  });
