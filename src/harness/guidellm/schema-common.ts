/** Pieces shared by guidellm's two dialects: synthetic-data fields and their rules. */
import { z } from 'zod';
import type { ProfileIssue } from '../types.ts';
import { error, isNum, isRec, nonNegInt, nonNegNum, posInt, posNum, type Rec } from '../schema-common.ts';
import type { Path } from '../zod-issues.ts';

/** guidellm accepts `a-b` wherever `a_b` is a field; add the hyphenated spellings to a shape. */
export function withHyphens<T extends Record<string, z.ZodType>>(shape: T): T {
  const out: Record<string, z.ZodType> = { ...shape };
  for (const [k, v] of Object.entries(shape)) if (k.includes('_')) out[k.replace(/_/g, '-')] = v;
  return out as T;
}

const lenFields = (p: string): Record<string, z.ZodType> => ({
  [p]: posInt.optional(),
  [`${p}_stdev`]: nonNegNum.optional(),
  [`${p}_min`]: posInt.optional(),
  [`${p}_max`]: posInt.optional(),
});

/** synthetic_text fields (v0.7) — the legacy `data:` dict uses the same names. */
export const syntheticShape: Record<string, z.ZodType> = {
  ...lenFields('prompt_tokens'),
  ...lenFields('output_tokens'),
  ...lenFields('first_prompt_tokens'),
  ...lenFields('first_output_tokens'),
  turns: posInt.optional(),
  delay: nonNegNum.optional(),
  delay_stdev: nonNegNum.optional(),
  delay_min: nonNegNum.optional(),
  delay_max: nonNegNum.optional(),
  prefix_tokens: nonNegInt.optional(),
  prefix_count: posInt.optional(),
  prefix_buckets: z
    .array(z.strictObject({ bucket_weight: posNum.optional(), prefix_count: posInt.optional(), prefix_tokens: nonNegInt.optional() }))
    .min(1)
    .optional(),
  tool_call_turns: nonNegInt.optional(),
  tools: z.unknown().optional(),
  ...lenFields('tool_response_tokens'),
  server_tool_call_turns: nonNegInt.optional(),
  branches: z.unknown().optional(),
  source: z.string().optional(),
};

/** prompt_tokens present; every `<x>_min ≤ <x>_max`. */
export function syntheticRules(d: Rec, at: Path, out: ProfileIssue[]): void {
  const get = (k: string): unknown => d[k] ?? d[k.replace(/_/g, '-')];
  if (get('prompt_tokens') === undefined) out.push(error([...at, 'prompt_tokens'], 'required for synthetic data (mean prompt length in tokens)'));
  for (const p of ['prompt_tokens', 'output_tokens', 'first_prompt_tokens', 'first_output_tokens', 'tool_response_tokens', 'delay']) {
    const min = get(`${p}_min`);
    const max = get(`${p}_max`);
    if (isNum(min) && isNum(max) && min > max) out.push(error([...at, `${p}_min`], `${p}_min (${min}) is greater than ${p}_max (${max})`));
  }
  if (isRec(d) && d.prefix_buckets !== undefined && (d.prefix_tokens !== undefined || d.prefix_count !== undefined)) {
    out.push(error([...at, 'prefix_tokens'], 'use either prefix_buckets or the prefix_tokens/prefix_count shorthand, not both'));
  }
}
