/**
 * The Kubernetes platform, not built yet: choosing it (by --executor kubernetes,
 * LLMDBENCH_CONTROL_EXECUTOR, or by naming a namespace or method) is a clear usage error that
 * says how to run locally. The Kubernetes helper replaces this file.
 */
import { LlmdbenchError } from '../../util/errors.ts';
import type { Platform } from '../types.ts';

function notBuilt(): never {
  throw new LlmdbenchError('E_PLATFORM_NOT_BUILT', 'the Kubernetes platform is not implemented yet', {
    kind: 'usage',
    hint: 'run locally with --executor local (or LLMDBENCH_CONTROL_EXECUTOR=local)',
  });
}

export const kubernetesPlatform: Platform = {
  kind: 'kubernetes',
  description: 'Kubernetes: harness pods in the harness namespace',
  check: () => notBuilt(),
  execute: async () => notBuilt(),
};
