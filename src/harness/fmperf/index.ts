import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { lmbenchDefinitions } from '../../metrics/lmbench-definitions.ts';
import { fmperfRules, fmperfSchema } from './schema.ts';
import { preflightFmperf, prepareFmperf } from './run.ts';

export const fmperf: HarnessPlugin = {
  kind: 'fmperf',
  validate: (doc) => runSchema(fmperfSchema, doc, fmperfRules),
  preflight: preflightFmperf,
  prepare: prepareFmperf,
  definitions: lmbenchDefinitions,
};
