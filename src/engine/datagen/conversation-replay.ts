import { Rng } from '../../util/rng.ts';
import type { RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { numTag, SessionGate, specFor } from './common.ts';
import { checkDistribution, intOrDistribution, resolveDistribution, sampleLength, sampleValue, type Distribution, type DistributionConfig } from './distribution.ts';
import { promptBuilder } from './prompt.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

export interface ConversationReplayConfig {
  seed?: number;
  num_conversations?: number;
  shared_system_prompt_len?: number;
  dynamic_system_prompt_len?: DistributionConfig | number;
  turns_per_conversation?: DistributionConfig | number;
  input_tokens_per_turn?: DistributionConfig | number;
  output_tokens_per_turn?: DistributionConfig | number;
  tool_call_latency_sec?: DistributionConfig | number;
  max_model_len?: number;
}

const DISTS = ['dynamic_system_prompt_len', 'turns_per_conversation', 'input_tokens_per_turn', 'output_tokens_per_turn', 'tool_call_latency_sec'];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, ['type', 'seed', 'num_conversations', 'shared_system_prompt_len', 'max_model_len', ...DISTS]);
  c.number(o, 'seed', { int: true });
  c.number(o, 'num_conversations', { int: true, min: 1 });
  c.number(o, 'shared_system_prompt_len', { int: true, min: 0 });
  c.number(o, 'max_model_len', { int: true, min: 1 });
  for (const k of DISTS) {
    const v = o[k];
    if (v == null) continue;
    if (typeof v === 'number') {
      if (v < 0) c.error([k], `must be >= 0, got ${v}`);
    } else checkDistribution(c, v, [k], 'modern');
  }
  return c.issues;
}

/** The first k word pieces of a PromptBuilder text (" w1 w2 …": one token per piece). */
export function firstPieces(text: string, k: number): string {
  let idx = -1;
  for (let n = 0; n <= k; n++) {
    idx = text.indexOf(' ', idx + 1);
    if (idx < 0) return text;
  }
  return text.slice(0, idx);
}

interface Segment {
  text: string;
  tokens: number;
}

interface SlotState {
  generation: number;
  turn: number;
  turns: number;
  system: Segment;
  history: Segment[];
  rng: Rng;
}

/**
 * inference-perf's `conversation_replay`, a closed-loop multi-turn agent
 * simulation: C conversation slots; a conversation's system prompt is a shared
 * random prefix + a per-conversation dynamic prefix; each turn sends the
 * growing context + new user text of the sampled length, with max_tokens of the
 * sampled output length; after each response the slot "runs a tool" for
 * tool_call_latency_sec before its next turn (other slots proceed). After its
 * last turn a slot starts a fresh conversation. Request i → slot i mod C.
 */
export const conversationReplaySource: DataSourcePlugin<ConversationReplayConfig> = {
  kind: 'conversation_replay',
  description: 'closed-loop multi-turn agent conversations with tool-call think time',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('conversation_replay', check(cfg));
    const C = cfg.num_conversations ?? 200;
    const maxLen = cfg.max_model_len ?? 225000;
    const dist = (v: DistributionConfig | number | undefined, def: Partial<Distribution>): Distribution =>
      typeof v === 'number' ? intOrDistribution(v, v) : resolveDistribution(v, def);
    const dDyn = dist(cfg.dynamic_system_prompt_len, { type: 'fixed', mean: 0, min: 0, max: 0 });
    const dTurns = dist(cfg.turns_per_conversation, { type: 'fixed', mean: 5, min: 1, max: 5 });
    const dIn = dist(cfg.input_tokens_per_turn, { type: 'fixed', mean: 100, min: 1, max: 100 });
    const dOut = dist(cfg.output_tokens_per_turn, { type: 'fixed', mean: 100, min: 1, max: 100 });
    const dTool = dist(cfg.tool_call_latency_sec, { type: 'fixed', mean: 0, min: 0, max: 0 });
    const root = new Rng(cfg.seed ?? 42);
    const pb = promptBuilder(ctx.tokenizer);
    const sharedLen = cfg.shared_system_prompt_len ?? 8359;
    const shared = pb.words(sharedLen, root.fork('shared'));
    const gate = new SessionGate();
    const toolMs = (rng: Rng): number => {
      // latency is a duration in seconds: clipped, not rounded to whole seconds
      return Math.max(0, sampleValue(dTool, rng, 'modern')) * 1000;
    };
    const fresh = (slot: number, generation: number): SlotState => {
      const rng = root.fork(`slot-${slot}-gen-${generation}`);
      const dynLen = sampleLength(dDyn, rng, 'modern');
      const dyn = pb.words(dynLen, rng);
      return {
        generation,
        turn: 0,
        turns: Math.max(1, sampleLength(dTurns, rng, 'modern')),
        system: { text: shared + dyn, tokens: sharedLen + dynLen },
        history: [],
        rng,
      };
    };
    const slots: SlotState[] = [];
    const stateOf = (s: number): SlotState => (slots[s] ??= fresh(s, 0));
    return {
      kind: 'conversation_replay',
      sessions: true,
      sessionKeyOf: (i) => `cr-${i % C}`,
      async get(i) {
        const s = i % C;
        const r = Math.floor(i / C);
        const key = `cr-${s}`;
        await gate.wait(key, r);
        let st = stateOf(s);
        if (st.turn >= st.turns) st = slots[s] = fresh(s, st.generation + 1);
        const inLen = sampleLength(dIn, st.rng, 'modern');
        const outLen = sampleLength(dOut, st.rng, 'modern');
        const user: Segment = { text: pb.words(inLen, st.rng), tokens: inLen };
        // keep prompt + max_tokens within max_model_len (200 tokens of margin): drop the oldest
        // turns first, then cut the system prompt's (dynamic) tail
        const budget = maxLen - outLen - 200;
        let total = st.system.tokens + inLen + st.history.reduce((a, h) => a + h.tokens, 0);
        while (st.history.length > 0 && total > budget) total -= (st.history.shift() as Segment).tokens;
        const system = total > budget ? firstPieces(st.system.text, Math.max(0, budget - inLen)) : st.system.text;
        const prompt = system + st.history.map((h) => h.text).join('') + user.text;
        st.history.push(user);
        return specFor({ ...ctx, api: 'completion' }, prompt, {
          maxTokens: outLen,
          sessionKey: key,
          tags: { index: i, session: s, conversation: st.generation * C + s, turn: st.turn, round: r },
        });
      },
      onResponse(spec: RequestSpec, res) {
        const s = numTag(spec, 'session');
        const r = numTag(spec, 'round');
        if (s === undefined || r === undefined) return;
        const st = stateOf(s);
        if (res.ok && res.text) {
          const text = ` ${res.text}`;
          st.history.push({ text, tokens: res.tokens ?? ctx.tokenizer.count(text, { addSpecialTokens: false }) });
        }
        st.turn++;
        gate.complete(`cr-${s}`, r, toolMs(st.rng));
      },
      close: () => gate.close(),
    };
  },
};
