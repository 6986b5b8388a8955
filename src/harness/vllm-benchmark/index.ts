import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { vllmBenchDefinitions } from '../../metrics/vllm-bench-definitions.ts';
import { vllmBenchRules, vllmBenchSchema } from './schema.ts';
import { prepareVllmBench, preflightVllmBench } from './run.ts';

export const vllmBenchmark: HarnessPlugin = {
  kind: 'vllm-benchmark',
  validate: (doc) => runSchema(vllmBenchSchema, doc, vllmBenchRules),
  preflight: preflightVllmBench,
  prepare: prepareVllmBench,
  definitions: vllmBenchDefinitions,
};
