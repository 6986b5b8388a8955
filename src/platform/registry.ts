/** Where runs execute, keyed by kind. */
import { Registry } from '../util/registry.ts';
import type { Platform } from './types.ts';
import { localPlatform } from './local/executor.ts';
import { kubernetesPlatform } from './kubernetes/index.ts';

export const platforms: Registry<Platform['kind'], Platform> = new Registry<Platform['kind'], Platform>('platform').register(localPlatform).register(kubernetesPlatform);
