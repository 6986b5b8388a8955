import { Rng } from '../../util/rng.ts';
import { Checker, IP_DATA_KEYS, throwIfErrors } from './check.ts';
import { specFor } from './common.ts';
import { checkDistribution, LengthSequence, resolveDistribution, type DistributionConfig } from './distribution.ts';
import { promptBuilder } from './prompt.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface RandomConfig {
  input_distribution?: DistributionConfig;
  output_distribution?: DistributionConfig;
}

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  if (o.input_distribution === undefined || o.input_distribution === null) c.error(['input_distribution'], 'is required for random data');
  else checkDistribution(c, o.input_distribution, ['input_distribution'], 'legacy');
  if (o.output_distribution === undefined || o.output_distribution === null) c.error(['output_distribution'], 'is required for random data');
  else checkDistribution(c, o.output_distribution, ['output_distribution'], 'legacy');
  if (o.use_chat_template === true) c.warn(['use_chat_template'], 'not supported: prompts are sent without the chat template (the length target applies to the raw text)');
  c.unknownKeys(o, [...IP_DATA_KEYS, 'type', 'input_distribution', 'output_distribution']);
  return c.issues;
}

/**
 * inference-perf's `random`: input/output lengths drawn per request
 * (normal clipped to [min,max] then rounded, or uniform/lognormal/fixed), and a
 * prompt of random vocabulary words that tokenizes to exactly the drawn input
 * length (special tokens the tokenizer adds, e.g. BOS, count toward it).
 * max_tokens = the drawn output length. Request i uses the i-th draw.
 */
export const randomSource: DataSourcePlugin<RandomConfig> = {
  kind: 'random',
  description: 'random-word prompts of exactly the drawn token length; lengths from input/output distributions',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('random', check(cfg));
    const root = new Rng(ctx.seed);
    const inLens = new LengthSequence(resolveDistribution(cfg.input_distribution), root.fork('input'), 'legacy');
    const outLens = new LengthSequence(resolveDistribution(cfg.output_distribution), root.fork('output'), 'legacy');
    const text = root.fork('text');
    const pb = promptBuilder(ctx.tokenizer);
    return {
      kind: 'random',
      sessions: false,
      get(i) {
        const n = inLens.at(i);
        const prompt = pb.exact(n, text.fork(i));
        return specFor(ctx, prompt, {
          maxTokens: outLens.at(i),
          promptTokensClient: Math.max(n, pb.numSpecial),
          tags: { index: i },
        });
      },
    };
  },
};
