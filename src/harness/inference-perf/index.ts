import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { inferencePerfSchema } from './schema.ts';
import { inferencePerfRules } from './schema-rules.ts';
import { preflightInferencePerf, prepareInferencePerf } from './run.ts';
import { inferencePerfPlannedLoad } from './planned-load.ts';
import { inferencePerfDefinitions } from '../../metrics/definition-set.ts';

export const inferencePerf: HarnessPlugin = {
  kind: 'inference-perf',
  validate: (doc) => runSchema(inferencePerfSchema, doc, inferencePerfRules),
  preflight: preflightInferencePerf,
  prepare: prepareInferencePerf,
  plannedLoad: inferencePerfPlannedLoad,
  definitions: inferencePerfDefinitions,
};
