import { Checker, IP_DATA_KEYS, throwIfErrors } from './check.ts';
import { specFor } from './common.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface MockConfig {
  /** max_tokens of every request; undefined omits it (inference-perf's client then sends its default 30). */
  default_max_tokens?: number;
}

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.number(o, 'default_max_tokens', { int: true, min: 1 });
  c.unknownKeys(o, [...IP_DATA_KEYS, 'type', 'default_max_tokens']);
  return c.issues;
}

/** inference-perf's `mock`: fixed short prompts, "1 2 3 {i}" (completion) or "mock prompt {i}" (chat). */
export const mockSource: DataSourcePlugin<MockConfig> = {
  kind: 'mock',
  description: 'fixed short prompts ("1 2 3 <i>" / "mock prompt <i>"), no tokenizer work',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('mock', check(cfg));
    const maxTokens = cfg?.default_max_tokens;
    return {
      kind: 'mock',
      sessions: false,
      get(i) {
        const prompt = ctx.api === 'chat' ? `mock prompt ${i}` : `1 2 3 ${i}`;
        return specFor(ctx, prompt, { ...(maxTokens !== undefined ? { maxTokens } : {}), tags: { index: i } });
      },
    };
  },
};
