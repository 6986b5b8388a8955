import type { ChatMessage, RequestSpec } from '../types.ts';
import { Checker, throwIfErrors } from './check.ts';
import { numTag, SessionGate } from './common.ts';
import type { DataSourceContext, DataSourcePlugin, KeyPath, RequestSource, ResponseInfo } from './types.ts';

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
  /**
   * Who asks what, per request index (from the multi_round_qa schedule's plan): request i is
   * question `turns[i].question` of user `turns[i].user`; `first` = its chat history is empty
   * (the system prompt and user context lead the message). Without it, slots rotate (below).
   */
  turns?: { user: number; question: number; first: boolean }[];
  /**
   * With `turns`: each user's gap U/qps, s. A user whose previous question went out more than
   * `late_after_s` (default 0.1, LMBenchmark's tick) after its plan is off schedule: as
   * LMBenchmark, its next question waits until `gap_s` after that late send (so the user's later
   * questions shift too), where the plan alone would send it as soon as the answer is in.
   */
  gap_s?: number;
  late_after_s?: number;
}

const KEYS = ['num_users', 'num_rounds', 'system_prompt', 'chat_history', 'answer_len', 'init_user_id'];

function check(cfg: unknown, at: KeyPath = []) {
  const c = new Checker(at);
  const o = c.object(cfg, []) ?? {};
  c.unknownKeys(o, [...KEYS, 'turns', 'gap_s', 'late_after_s']);
  c.number(o, 'gap_s', { gt: 0 });
  c.number(o, 'late_after_s', { min: 0 });
  if (o.turns !== undefined && !Array.isArray(o.turns)) c.error(['turns'], 'must be a list of {user, question, first}');
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
    if (cfg.turns) return plannedTurns(cfg, cfg.turns, ctx);
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

/** The planned variant: each request's user and question come from the schedule's plan. */
function plannedTurns(cfg: MultiRoundQaConfig, turns: NonNullable<MultiRoundQaConfig['turns']>, ctx: DataSourceContext): RequestSource {
  const gate = new SessionGate();
  // ordinal of each request within its user's conversation (the gate's turn number)
  const ordinal = new Int32Array(turns.length);
  const seen = new Map<number, number>();
  turns.forEach((t, i) => {
    const n = seen.get(t.user) ?? 0;
    ordinal[i] = n;
    seen.set(t.user, n + 1);
  });
  const history = new Map<number, ChatMessage[]>();
  const sysWords = cfg.system_prompt ?? 1000;
  const histWords = cfg.chat_history ?? 20000;
  const asked = (t: { user: number; question: number; first: boolean }): string =>
    t.first ? mrqFirstPrompt(t.user, sysWords, histWords, mrqQuestion(t.question)) : mrqQuestion(t.question);
  return {
    kind: 'multi_round_qa',
    sessions: true,
    size: turns.length,
    sessionKeyOf: (i) => (turns[i] ? `mrq-u${turns[i]!.user}` : undefined),
    async get(i) {
      const t = turns[i];
      if (!t) throw new Error(`multi_round_qa: request ${i} is past the planned ${turns.length}`);
      await gate.wait(`mrq-u${t.user}`, ordinal[i]!);
      const h = history.get(t.user) ?? [];
      const messages: ChatMessage[] = [...h, { role: 'user', content: asked(t) }];
      const spec: RequestSpec = {
        api: ctx.api,
        stream: ctx.stream,
        maxTokens: cfg.answer_len ?? 100,
        headers: { 'x-user-id': String(t.user) },
        sessionKey: `mrq-u${t.user}`,
        tags: { index: i, user: t.user, question: t.question, round: ordinal[i]! },
      };
      if (ctx.ignoreEos !== undefined) spec.ignoreEos = ctx.ignoreEos;
      if (ctx.api === 'chat') spec.messages = messages;
      else spec.prompt = `${messages.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n')}\nASSISTANT:`;
      return spec;
    },
    onResponse(spec, res) {
      const i = numTag(spec, 'index');
      const t = i === undefined ? undefined : turns[i];
      if (!t || i === undefined) return;
      const h = history.get(t.user) ?? [];
      h.push({ role: 'user', content: asked(t) }, { role: 'assistant', content: res.ok ? (res.text ?? '') : '' });
      history.set(t.user, h);
      gate.complete(`mrq-u${t.user}`, ordinal[i]!, offScheduleDelayMs(cfg, res));
    },
    close: () => gate.close(),
  };
}

/**
 * LMBenchmark's late user: a question sent more than a tick after its plan resets the user's
 * clock, so the next one waits until gap after that send (0 when on schedule: the plan holds).
 */
function offScheduleDelayMs(cfg: MultiRoundQaConfig, res: ResponseInfo): number {
  if (cfg.gap_s === undefined || res.scheduledAtMs === undefined || res.sentAtMs === undefined || res.endAtMs === undefined) return 0;
  if (res.sentAtMs - res.scheduledAtMs <= (cfg.late_after_s ?? 0.1) * 1000) return 0;
  return Math.max(0, res.sentAtMs + cfg.gap_s * 1000 - res.endAtMs);
}
