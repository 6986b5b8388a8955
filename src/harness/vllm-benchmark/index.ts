import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { vllmBenchRules, vllmBenchSchema } from './schema.ts';
import { preflightVllmBench, runVllmBench } from './run.ts';

export const vllmBenchmark: HarnessPlugin = {
  kind: 'vllm-benchmark',
  description: 'vllm bench serve: flat kebab-case options (random, sharegpt, sonnet, custom datasets; rate or max concurrency)',
  validate: (doc) => runSchema(vllmBenchSchema, doc, vllmBenchRules),
  preflight: preflightVllmBench,
  run: runVllmBench,
};
