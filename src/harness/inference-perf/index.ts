import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { inferencePerfSchema } from './schema.ts';
import { inferencePerfRules } from './schema-rules.ts';
import { preflightInferencePerf, prepareInferencePerf } from './run.ts';
import { inferencePerfPlannedLoad } from './planned-load.ts';
import { inferencePerfDefinitions } from '../../metrics/definition-set.ts';

export const inferencePerf: HarnessPlugin = {
  kind: 'inference-perf',
  description: 'inference-perf (default): staged constant/poisson/concurrent load, random/shareGPT/shared-prefix/replay data',
  validate: (doc) => runSchema(inferencePerfSchema, doc, inferencePerfRules),
  preflight: preflightInferencePerf,
  prepare: prepareInferencePerf,
  plannedLoad: inferencePerfPlannedLoad,
  definitions: inferencePerfDefinitions,
};
