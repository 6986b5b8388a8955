import type { ChatMessage, RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { numTag, SessionGate } from './common.ts';
import type { DataSourcePlugin, KeyPath, RequestSource } from './types.ts';

/** fmperf / LMBenchmark multi-round-qa (the workload llm-d ran through fmperf). */
export interface MultiRoundQaConfig {
  num_users?: number;
  num_rounds?: number;
  /** Words ("hi ") in the shared system prompt. */
  system_prompt?: number;
  /** Words ("hi ") of per-user context (LMBenchmark's user_info / chat_history). */
  chat_history?: number;
  answer_len?: number;
  init_user_id?: number;
}

const KEYS = ['num_users', 'num_rounds', 'system_prompt', 'chat_history', 'answer_len', 'init_user_id'];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, KEYS);
  for (const k of KEYS) c.number(o, k, { int: true, min: k === 'system_prompt' || k === 'chat_history' || k === 'init_user_id' ? 0 : 1 });
  return c.issues;
}

export const mrqQuestion = (n: number): string => `Here's question #${n}: can you tell me a new long story with a happy ending?`;

/** LMBenchmark's first user message. */
export function mrqFirstPrompt(userId: number, systemWords: number, historyWords: number, question: string): string {
  return `Hi, here's some system prompt: ${'hi '.repeat(systemWords)}For user ${userId}, here are some other context: ${'hi '.repeat(historyWords)}.${question}`;
}

/**
 * multi-round-qa sessions: user slot u = i mod num_users, round r = i div
 * num_users; after num_rounds rounds the slot is taken by a new user
 * (id = init_user_id + generation·num_users + u). The first turn carries the
 * system prompt and user context; each later turn appends the previous answer
 * and a new question. Chat sends messages; completions flatten them to
 * "ROLE: content" lines + "\nASSISTANT:". max_tokens = answer_len; header
 * x-user-id. (The arrival model — a request per user every num_users/qps
 * seconds — is the dispatcher's; this source only builds and chains the turns.)
 */
export const multiRoundQaSource: DataSourcePlugin<MultiRoundQaConfig> = {
  kind: 'multi_round_qa',
  description: 'fmperf/LMBenchmark multi-round QA: per-user sessions with a growing chat history',
  validate: check,
  async create(cfg, ctx): Promise<RequestSource> {
    throwIfErrors('multi_round_qa', check(cfg));
    const U = cfg.num_users ?? 15;
    const R = cfg.num_rounds ?? 20;
    const gate = new SessionGate();
    const history = new Map<number, { user: number; messages: ChatMessage[] }>();
    return {
      kind: 'multi_round_qa',
      sessions: true,
      sessionKeyOf: (i) => `mrq-${i % U}`,
      async get(i) {
        const slot = i % U;
        const r = Math.floor(i / U);
        await gate.wait(`mrq-${slot}`, r);
        const user = (cfg.init_user_id ?? 1) + Math.floor(r / R) * U + slot;
        const q = (r % R) + 1;
        let h = history.get(slot);
        if (!h || h.user !== user) {
          h = { user, messages: [] };
          history.set(slot, h);
        }
        const content = h.messages.length === 0 ? mrqFirstPrompt(user, cfg.system_prompt ?? 1000, cfg.chat_history ?? 20000, mrqQuestion(q)) : mrqQuestion(q);
        const messages: ChatMessage[] = [...h.messages, { role: 'user', content }];
        const spec: RequestSpec = {
          api: ctx.api,
          stream: ctx.stream,
          maxTokens: cfg.answer_len ?? 100,
          headers: { 'x-user-id': String(user) },
          sessionKey: `mrq-${slot}`,
          tags: { index: i, session: slot, user, question: q, round: r },
        };
        if (ctx.ignoreEos !== undefined) spec.ignoreEos = ctx.ignoreEos;
        if (ctx.api === 'chat') spec.messages = messages;
        else spec.prompt = `${messages.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n')}\nASSISTANT:`;
        return spec;
      },
      onResponse(spec, res) {
        const slot = numTag(spec, 'session');
        const r = numTag(spec, 'round');
        if (slot === undefined || r === undefined) return;
        const h = history.get(slot);
        const q = numTag(spec, 'question') ?? 1;
        if (h && h.user === numTag(spec, 'user')) {
          const asked = h.messages.length === 0 ? mrqFirstPrompt(h.user, cfg.system_prompt ?? 1000, cfg.chat_history ?? 20000, mrqQuestion(q)) : mrqQuestion(q);
          h.messages.push({ role: 'user', content: asked }, { role: 'assistant', content: res.ok ? (res.text ?? '') : '' });
        }
        gate.complete(`mrq-${slot}`, r);
      },
      close: () => gate.close(),
    };
  },
};
