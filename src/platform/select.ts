/**
 * Which platform a run goes to, from the config alone: --executor / LLMDBENCH_CONTROL_EXECUTOR
 * when set; else Kubernetes when the user named a namespace (-p) or a method (-t) by flag,
 * scenario or environment (upstream's run.sh targets a cluster then); else local. Only the chosen
 * platform's implementation is loaded (registry.ts).
 */
import type { EffectiveConfig, ResolvedConfig } from '../config/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import { platforms } from './registry.ts';
import type { Platform } from './types.ts';

export interface PlatformSelection {
  platform: Platform;
  /** Why, for `run --dry-run`, e.g. `--executor kubernetes (flag)` or `no namespace or method named`. */
  reason: string;
}

const EXECUTOR = 'LLMDBENCH_CONTROL_EXECUTOR';
const USER_SOURCES = new Set(['flag', 'scenario', 'env']);
const SOURCE_WORD: Record<string, string> = { flag: 'flag', scenario: 'scenario', env: 'environment' };

function sourceOf(config: EffectiveConfig, name: string): string | undefined {
  const c = config as Partial<ResolvedConfig>;
  return c.entry?.(name)?.source ?? config.entries().find((e) => e.name === name)?.source;
}

export async function selectPlatform(config: EffectiveConfig): Promise<PlatformSelection> {
  const { kind, reason } = choosePlatform(config);
  return { platform: await platforms.load(kind), reason };
}

/** The platform kind the config asks for, and why; nothing loaded (throws E_BAD_FLAG_VALUE for an unknown --executor). */
export function choosePlatform(config: EffectiveConfig): { kind: Platform['kind']; reason: string } {
  const chosen = config.get(EXECUTOR);
  if (chosen !== undefined && chosen !== '') {
    if (!platforms.has(chosen)) {
      throw new LlmdbenchError('E_BAD_FLAG_VALUE', `--executor ${JSON.stringify(chosen)}: expected one of ${platforms.kinds().join(', ')}`, {
        hint: 'use --executor local or --executor kubernetes',
      });
    }
    return { kind: platforms.get(chosen).kind, reason: `--executor / ${EXECUTOR}=${chosen} (${SOURCE_WORD[sourceOf(config, EXECUTOR) ?? ''] ?? 'set'})` };
  }
  const named = (
    [
      ['LLMDBENCH_VLLM_COMMON_NAMESPACE', 'a namespace (-p)'],
      ['LLMDBENCH_DEPLOY_METHODS', 'a method (-t)'],
    ] as const
  ).flatMap(([name, what]) => {
    const src = sourceOf(config, name);
    return src !== undefined && USER_SOURCES.has(src) ? [`${what} was named by ${SOURCE_WORD[src]}`] : [];
  });
  if (named.length > 0) return { kind: 'kubernetes', reason: `${named.join('; ')} (--executor local runs here instead)` };
  return { kind: 'local', reason: 'no namespace (-p) or method (-t) named and no --executor' };
}
