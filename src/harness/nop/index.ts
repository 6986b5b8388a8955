import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { nopSchema } from './schema.ts';
import { prepareNop, preflightNop } from './run.ts';

export const nop: HarnessPlugin = {
  kind: 'nop',
  description: 'no load: measures model load time from the vLLM log (standalone deployments)',
  validate: (doc) => runSchema(nopSchema, doc),
  preflight: preflightNop,
  prepare: prepareNop,
  wantsServerLog: true,
};
