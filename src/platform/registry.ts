/** Where runs execute, keyed by kind. Kubernetes registers here when it lands. */
import { Registry } from '../util/registry.ts';
import type { Platform } from './types.ts';
import { localPlatform } from './local/executor.ts';

export const platforms: Registry<Platform['kind'], Platform> = new Registry<Platform['kind'], Platform>('platform').register(localPlatform);
