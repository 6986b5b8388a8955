import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { vllmBenchRules } from '../vllm-benchmark/schema.ts';
import { inferencemaxSchema } from './schema.ts';

export const inferencemax: HarnessPlugin = {
  kind: 'inferencemax',
  description: 'InferenceMAX benchmark_serving.py: vllm-bench options plus the executable to run',
  validate: (doc) => runSchema(inferencemaxSchema, doc, vllmBenchRules),
};
