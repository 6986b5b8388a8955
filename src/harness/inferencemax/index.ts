import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { vllmBenchDefinitions } from '../../metrics/vllm-bench-definitions.ts';
import { vllmBenchRules } from '../vllm-benchmark/schema.ts';
import { prepareVllmBench, preflightVllmBench } from '../vllm-benchmark/run.ts';
import { inferencemaxSchema } from './schema.ts';

/** InferenceMAX's benchmark_serving.py takes vllm bench's options: it runs on the same harness. */
export const inferencemax: HarnessPlugin = {
  kind: 'inferencemax',
  validate: (doc) => runSchema(inferencemaxSchema, doc, vllmBenchRules),
  preflight: preflightVllmBench,
  prepare: prepareVllmBench,
  definitions: vllmBenchDefinitions,
};
