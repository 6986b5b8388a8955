/**
 * Where runs execute, keyed by kind. Only a descriptor per platform is loaded here; the
 * implementation is imported by `platforms.load(kind)` once selectPlatform chose it, so a local
 * run never loads the Kubernetes platform (its client, manifests and the analysis it imports).
 */
import { LazyRegistry } from '../util/registry.ts';
import type { Platform } from './types.ts';

export const platforms: LazyRegistry<Platform['kind'], Platform> = new LazyRegistry<Platform['kind'], Platform>('platform')
  .register({
    kind: 'local',
    description: 'local: this process, against --endpoint or the embedded simulator',
    load: async () => (await import('./local/executor.ts')).localPlatform,
  })
  .register({
    kind: 'kubernetes',
    description: 'kubernetes: launcher pods in the harness namespace, results copied back from the PVC',
    load: async () => (await import('./kubernetes/index.ts')).kubernetesPlatform,
  });
