import type { HarnessPlugin } from '../types.ts';
import { runSchema } from '../schema-common.ts';
import { nopSchema } from './schema.ts';
import { prepareNop, preflightNop } from './run.ts';

export const nop: HarnessPlugin = {
  kind: 'nop',
  validate: (doc) => runSchema(nopSchema, doc),
  preflight: preflightNop,
  prepare: prepareNop,
  wantsServerLog: true,
};
