import { Rng } from '../../util/rng.ts';
import type { RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { numTag, PlanningYield, SessionGate, specFor } from './common.ts';
import { checkDistribution, intOrDistribution, sampleLength, type DistributionConfig } from './distribution.ts';
import { promptBuilder } from './prompt.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface SharedPrefixConfig {
  num_groups?: number;
  num_unique_system_prompts?: number;
  num_prompts_per_group?: number;
  num_users_per_system_prompt?: number;
  system_prompt_len?: number | DistributionConfig;
  question_len?: number | DistributionConfig;
  output_len?: number | DistributionConfig;
  question_distribution?: DistributionConfig;
  output_distribution?: DistributionConfig;
  seed?: number | null;
  enable_multi_turn_chat?: boolean;
}

const KEYS = [
  'num_groups', 'num_unique_system_prompts', 'num_prompts_per_group', 'num_users_per_system_prompt',
  'system_prompt_len', 'question_len', 'output_len', 'question_distribution', 'output_distribution',
  'seed', 'enable_multi_turn_chat', 'multimodal', 'type',
];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, KEYS);
  for (const [a, b] of [['num_groups', 'num_unique_system_prompts'], ['num_prompts_per_group', 'num_users_per_system_prompt']] as const) {
    c.number(o, a, { int: true, min: 1 });
    c.number(o, b, { int: true, min: 1 });
    if (o[a] != null && o[b] != null && o[a] !== o[b]) c.error([b], `conflicts with ${a} (it is an alias)`);
  }
  for (const k of ['system_prompt_len', 'question_len', 'output_len']) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < 0) c.error([k], `must be a non-negative integer or a distribution, got ${v}`);
    } else checkDistribution(c, v, [k], 'modern');
  }
  for (const [legacy, inline] of [['question_distribution', 'question_len'], ['output_distribution', 'output_len']] as const) {
    if (o[legacy] == null) continue;
    checkDistribution(c, o[legacy], [legacy], 'modern');
    if (o[inline] != null && typeof o[inline] === 'object') c.error([legacy], `give ${legacy} or a distribution in ${inline}, not both`);
  }
  c.number(o, 'seed', { int: true });
  c.bool(o, 'enable_multi_turn_chat');
  if (o.multimodal != null) c.warn(['multimodal'], 'multimodal shared_prefix is not supported; text only');
  return c.issues;
}

interface Slot {
  group: number;
  user: number;
  prefix: string;
  question: string;
  prefixTokens: number;
  questionTokens: number;
  outputLen: number;
}

/**
 * inference-perf's `shared_prefix`: num_groups system prompts (prefixes) ×
 * num_prompts_per_group questions; prompt = prefix + question, built up front
 * with exact token lengths, shuffled once, requests cycle with index mod total.
 * Multi-turn (`enable_multi_turn_chat`): each slot is a user session whose
 * context starts as its group's prefix and grows with every response.
 */
export const sharedPrefixSource: DataSourcePlugin<SharedPrefixConfig> = {
  kind: 'shared_prefix',
  description: 'groups × prompts sharing a system prompt prefix; optional multi-turn sessions',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('shared_prefix', check(cfg));
    if (ctx.api === 'chat') ctx.log.warn('shared_prefix text prompts are sent as completions (as inference-perf does), not chat');
    const groups = cfg.num_groups ?? cfg.num_unique_system_prompts ?? 10;
    const perGroup = cfg.num_prompts_per_group ?? cfg.num_users_per_system_prompt ?? 10;
    const dSys = intOrDistribution(cfg.system_prompt_len, 100);
    const dQ = cfg.question_distribution ? intOrDistribution(cfg.question_distribution, 50) : intOrDistribution(cfg.question_len, 50);
    const dOut = cfg.output_distribution ? intOrDistribution(cfg.output_distribution, 50) : intOrDistribution(cfg.output_len, 50);
    const root = new Rng(cfg.seed ?? ctx.seed);
    const lenRng = root.fork('lengths');
    const textRng = root.fork('text');
    const pb = promptBuilder(ctx.tokenizer);
    const slots: Slot[] = [];
    const step = new PlanningYield(ctx.signal, 'generating the shared_prefix prompts');
    for (let g = 0; g < groups; g++) {
      const sysLen = sampleLength(dSys, lenRng, 'modern');
      const prefix = pb.words(sysLen, textRng);
      for (let u = 0; u < perGroup; u++) {
        await step.tick();
        const qLen = sampleLength(dQ, lenRng, 'modern');
        slots.push({
          group: g,
          user: u,
          prefix,
          question: pb.words(qLen, textRng),
          prefixTokens: sysLen,
          questionTokens: qLen,
          outputLen: sampleLength(dOut, lenRng, 'modern'),
        });
      }
    }
    root.fork('shuffle').shuffle(slots);
    const total = slots.length;
    const cctx = { ...ctx, api: 'completion' as const };
    const tagsOf = (s: Slot, i: number) => ({ index: i, group: s.group, user: s.user });

    if (!cfg.enable_multi_turn_chat) {
      return {
        kind: 'shared_prefix',
        size: total,
        sessions: false,
        get(i) {
          const s = slots[i % total] as Slot;
          return specFor(cctx, s.prefix + s.question, {
            maxTokens: s.outputLen,
            promptTokensClient: s.prefixTokens + s.questionTokens + pb.numSpecial,
            tags: tagsOf(s, i),
          });
        },
      };
    }

    // multi-turn: slot u, round r ↔ request u + r·total. The context is the group prefix
    // followed by (question, " " + response) segments with known token counts, so
    // keeping within max_model_len never re-encodes the whole context.
    interface Seg {
      text: string;
      tokens: number;
    }
    const gate = new SessionGate();
    const turns: Seg[][] = slots.map(() => []);
    const pending: (Seg | undefined)[] = slots.map(() => undefined);
    const limit = ctx.maxModelLen;
    return {
      kind: 'shared_prefix',
      size: total,
      sessions: true,
      sessionKeyOf: (i) => `sp-${i % total}`,
      async get(i) {
        const u = i % total;
        const r = Math.floor(i / total);
        const key = `sp-${u}`;
        await gate.wait(key, r);
        const s = slots[u] as Slot;
        const question = r === 0 ? s.question : pb.words(s.questionTokens, textRng.fork(i));
        const segs = turns[u] as Seg[];
        if (limit !== undefined) {
          // prompt within max_model_len − max_tokens − 200 (inference-perf's margin): drop the oldest turns
          const budget = limit - s.outputLen - 200 - pb.numSpecial;
          let used = s.prefixTokens + s.questionTokens + segs.reduce((a, g) => a + g.tokens, 0);
          while (segs.length > 0 && used > budget) used -= (segs.shift() as Seg).tokens;
        }
        pending[u] = { text: question, tokens: s.questionTokens };
        return specFor(cctx, s.prefix + segs.map((g) => g.text).join('') + question, {
          maxTokens: s.outputLen,
          sessionKey: key,
          tags: { ...tagsOf(s, i), session: u, turn: r },
        });
      },
      onResponse(spec: RequestSpec, res) {
        const u = numTag(spec, 'session');
        const r = numTag(spec, 'turn');
        if (u === undefined || r === undefined) return;
        const q = pending[u];
        if (res.ok && q) {
          // context = previous prompt + " " + response (the response counted once, here)
          const answer = ` ${res.text ?? ''}`;
          (turns[u] as Seg[]).push(q, { text: answer, tokens: res.tokens ?? ctx.tokenizer.count(answer, { addSpecialTokens: false }) });
        }
        pending[u] = undefined;
        gate.complete(`sp-${u}`, r);
      },
      close: () => gate.close(),
    };
  },
};
