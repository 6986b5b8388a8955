/**
 * fmperf profile: the keyword arguments of fmperf's LMBenchmarkWorkload
 * (LMCache multi-round QA), as llm-d's fmperf profiles wrote them.
 */
import { z } from 'zod';
import type { ProfileIssue } from '../types.ts';
import { error, isNum, posInt, nonNegInt, type Rec } from '../schema-common.ts';

export const FMPERF_SCENARIOS = ['sharegpt', 'short-input', 'long-input', 'long-long', 'all'] as const;

export const fmperfSchema = z.strictObject({
  model_name: z.string().min(1),
  base_url: z.string().optional(),
  /** Space-separated list of sharegpt | short-input | long-input | long-long | all. */
  scenarios: z.string().optional(),
  /** Space-separated QPS values, e.g. "0.1 0.25 0.5" (a number or a list of numbers is accepted too). */
  qps_values: z.union([z.string(), z.number(), z.array(z.number())]).optional(),
  image: z.string().optional(),
  pvc_name: z.string().optional(),
  overwrite: z.boolean().optional(),
  service_account: z.string().optional(),
  chat_template: z.string().optional(),
  use_chat_completions: z.boolean().optional(),
  num_users_warmup: posInt.optional(),
  num_users: posInt.optional(),
  num_rounds: posInt.optional(),
  system_prompt: nonNegInt.optional(),
  chat_history: nonNegInt.optional(),
  answer_len: posInt.optional(),
  init_user_id: nonNegInt.optional(),
  test_duration: posInt.optional(),
});

export function fmperfRules(doc: Rec): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  if (typeof doc.scenarios === 'string') {
    const words = doc.scenarios.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) out.push(error(['scenarios'], 'names no scenario', `use one or more of ${FMPERF_SCENARIOS.join(', ')}`));
    for (const w of words) {
      if (!(FMPERF_SCENARIOS as readonly string[]).includes(w)) {
        out.push(error(['scenarios'], `unknown scenario "${w}"; expected one of ${FMPERF_SCENARIOS.join(', ')}`));
      }
    }
  }
  const q = doc.qps_values;
  const qps: unknown[] = typeof q === 'string' ? q.trim().split(/\s+/).filter(Boolean).map((s) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : s)) : Array.isArray(q) ? q : q === undefined ? [] : [q];
  if (typeof q === 'string' && qps.length === 0) out.push(error(['qps_values'], 'lists no QPS value'));
  for (const v of qps) {
    if (!isNum(v) || v <= 0) out.push(error(['qps_values'], `${JSON.stringify(v)} is not a positive number (QPS values are space-separated numbers, e.g. "0.5 1 2")`));
  }
  return out;
}
