/**
 * An fmperf profile (the keyword arguments of fmperf's LMBenchmarkWorkload) → what each
 * LMBenchmark scenario script actually runs (harness-formats §5.2), every default filled in.
 * As the scripts did, only `long-input` takes the profile's users / rounds / prompt sizes /
 * duration; `short-input` and `long-long` use their hard-coded values (and, through the
 * scripts' `wc -w` quirk, a 1-word system prompt and history); `sharegpt` replays prepared
 * ShareGPT prompts at i/qps. Pure: no I/O.
 */
export type Scenario = 'sharegpt' | 'short-input' | 'long-input' | 'long-long';

export interface FmperfConfig {
  model: string | null;
  scenarios: Scenario[];
  qps: number[];
  /** The qps values as written (they name the CSV files). */
  qpsText: string[];
  numUsersWarmup: number;
  numUsers: number;
  numRounds: number;
  systemPrompt: number;
  chatHistory: number;
  answerLen: number;
  initUserId: number;
  testDurationS: number;
  useChat: boolean;
}

/** One scenario's multi-round QA parameters (the arguments its script passes to multi-round-qa.py). */
export interface ScenarioRun {
  scenario: Scenario;
  /** multi-round QA, or ShareGPT replay. */
  load: 'multi_round_qa' | 'sharegpt';
  users: number;
  rounds: number;
  systemPrompt: number;
  chatHistory: number;
  answerLen: number;
  durationS: number;
  /** long-input's warm-up run per qps: 1 user, 2 rounds, qps 2, for num_users_warmup/2 s. */
  warmup?: { users: number; rounds: number; qps: number; durationS: number };
  /** CSV name for one qps (LMBenchmark's KEY naming, KEY = LMBench). */
  csvName(qps: string): string;
  /** Rows carry user_id and question_id (multi-round QA), or not (ShareGPT replay). */
  userColumns: boolean;
}

type Rec = Record<string, unknown>;

/** LMBenchmarkWorkload's defaults. */
const DEFAULTS = { scenarios: 'sharegpt', qps: '0.5 0.67 0.84 1 1.17 1.34', warmup: 20, users: 15, rounds: 20, system: 1000, history: 20000, answer: 100, init: 1, duration: 100 };
/** Prompts in LMBenchmark's prepared sharegpt/run.json. */
export const SHAREGPT_RUN_PROMPTS = 252;

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

export function resolveFmperf(profile: unknown): FmperfConfig {
  const p = (profile && typeof profile === 'object' ? profile : {}) as Rec;
  const words = String(p.scenarios ?? DEFAULTS.scenarios).trim().split(/\s+/).filter(Boolean);
  const scenarios = words.flatMap((w): Scenario[] => (w === 'all' ? ['sharegpt', 'short-input', 'long-input'] : [w as Scenario]));
  const q = p.qps_values;
  const qpsText = (Array.isArray(q) ? q.map(String) : String(q ?? DEFAULTS.qps).trim().split(/\s+/)).filter((x) => Number.isFinite(Number(x)) && Number(x) > 0);
  const qps = qpsText.map(Number);
  return {
    model: typeof p.model_name === 'string' && p.model_name !== '' ? p.model_name : null,
    scenarios: [...new Set(scenarios)],
    qps,
    qpsText,
    numUsersWarmup: num(p.num_users_warmup, DEFAULTS.warmup),
    numUsers: num(p.num_users, DEFAULTS.users),
    numRounds: num(p.num_rounds, DEFAULTS.rounds),
    systemPrompt: num(p.system_prompt, DEFAULTS.system),
    chatHistory: num(p.chat_history, DEFAULTS.history),
    answerLen: num(p.answer_len, DEFAULTS.answer),
    initUserId: num(p.init_user_id, DEFAULTS.init),
    testDurationS: num(p.test_duration, DEFAULTS.duration),
    useChat: p.use_chat_completions === undefined ? true : p.use_chat_completions === true || p.use_chat_completions === 'true',
  };
}

/** What the scenario's script runs. */
export function scenarioRun(c: FmperfConfig, s: Scenario): ScenarioRun {
  switch (s) {
    case 'long-input':
      return {
        scenario: s,
        load: 'multi_round_qa',
        users: c.numUsers,
        rounds: c.numRounds,
        systemPrompt: c.systemPrompt,
        chatHistory: c.chatHistory,
        answerLen: c.answerLen,
        durationS: c.testDurationS,
        warmup: { users: 1, rounds: 2, qps: 2, durationS: c.numUsersWarmup / 2 },
        csvName: (q) => `LMBench_long_input_output_${q}.csv`,
        userColumns: true,
      };
    case 'short-input':
    case 'long-long':
      return {
        scenario: s,
        load: 'multi_round_qa',
        users: 320,
        rounds: 20,
        systemPrompt: 1,
        chatHistory: 1,
        answerLen: s === 'short-input' ? 20 : 1000,
        durationS: 100,
        csvName: (q) => `LMBench_${s === 'short-input' ? 'short_input' : 'long_long'}_qps${q}.csv`,
        userColumns: true,
      };
    case 'sharegpt':
      return {
        scenario: s,
        load: 'sharegpt',
        users: 0,
        rounds: 0,
        systemPrompt: 0,
        chatHistory: 0,
        answerLen: c.answerLen,
        durationS: 0,
        csvName: (q) => `LMBench_sharegpt_output_${q}.csv`,
        userColumns: false,
      };
  }
}
